"""Changing one customer's attributes through the same validation and history as an import.

An edit is a one-row customers import: the current values with the changes applied are
validated column by column exactly like a file row, then merged by the import's merger, so
the previous version goes to ``enterprise_versions`` at the effective date and the size
class is derived again. The edit is recorded as an import batch (channel ``api``) and in the
audit log, in one transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any, cast

from sqlalchemy import Connection, Table, insert, select, update

from lendtag.errors import InputError, NotFoundError
from lendtag.ingest.merge import Merger
from lendtag.ingest.pipeline import build_context, get_kind
from lendtag.ingest.validate import RowValidator
from lendtag.store import audit
from lendtag.store.models import Enterprise, ImportBatch
from lendtag.store.models.base import utcnow

ENTERPRISES = cast(Table, Enterprise.__table__)
EDITABLE = (
    "name",
    "industry_code",
    "registered_capital",
    "established_on",
    "region_code",
    "employees",
    "revenue",
    "total_assets",
    "ownership_type",
    "listed",
    "branch",
    "external_rating",
)
"""The attributes a person may change; the credit code (the key) and derived values
(industry section, size class) may not be set."""


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)


def update_customer(
    conn: Connection,
    credit_code: str,
    changes: dict[str, Any],
    *,
    effective_date: dt.date,
    today: dt.date,
) -> dict[str, Any]:
    """Apply ``changes`` (attribute → new value, None to clear) from ``effective_date``."""
    code = credit_code.strip().upper()
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise InputError(
            f"cannot change {', '.join(unknown)}; editable: {', '.join(EDITABLE)}",
            details={"fields": unknown},
        )
    if not changes:
        raise InputError("nothing to change: give at least one attribute")
    current = conn.execute(select(ENTERPRISES).where(ENTERPRISES.c.credit_code == code)).first()
    if current is None:
        raise NotFoundError(f"no customer with credit code {code}", details={"credit_code": code})
    kind = get_kind("customers")
    columns = [c.name for c in kind.columns]
    raw = {c: _text(getattr(current, c, None)) for c in columns if hasattr(current, c)}
    raw.update({k: _text(v) for k, v in changes.items()})
    raw["credit_code"] = code
    raw["effective_date"] = effective_date.isoformat()
    values, problems = RowValidator(kind, columns, build_context(conn, kind, today, None)).validate(
        [raw.get(c) for c in columns]
    )
    if problems:
        raise InputError(
            "; ".join(f"{p.column}: {p.reason}" for p in problems),
            details={"errors": [p.as_dict() for p in problems]},
        )
    now = utcnow()
    digest = hashlib.sha256(audit.canonical(raw).encode("utf-8")).hexdigest()
    batch_id = int(
        conn.execute(
            insert(ImportBatch).values(
                kind=kind.name,
                source=f"edit of {code}",
                file_sha256=digest,
                channel="api",
                status="running",
                started_at=now,
            )
        ).inserted_primary_key[0]  # type: ignore[index]
    )
    merger = Merger(conn, kind, batch_id, now)
    merger.merge([(1, values)], effective_date)
    counts = merger.counts
    if counts.rejected:
        raise InputError(counts.rejected[0][1].reason, details={"credit_code": code})
    conn.execute(
        update(ImportBatch)
        .where(ImportBatch.id == batch_id)
        .values(
            status="committed",
            finished_at=utcnow(),
            rows_read=1,
            accepted=1,
            updated=counts.updated,
            unchanged=counts.unchanged,
        )
    )
    audit.append(
        conn,
        "customer.update",
        object_type="customer",
        object_id=code,
        details={
            "fields": sorted(changes),
            "effective_date": effective_date.isoformat(),
            "batch_id": batch_id,
            "changed": bool(counts.updated),
        },
    )
    return {
        "credit_code": code,
        "batch_id": batch_id,
        "changed": bool(counts.updated),
        "effective_date": effective_date.isoformat(),
    }
