"""Listing quarantined rows and releasing a corrected one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select, update

from lendtag.errors import InputError, NotFoundError
from lendtag.ingest.merge import Merger
from lendtag.ingest.pipeline import BatchResult, build_context, file_name, get_kind
from lendtag.ingest.validate import RowValidator
from lendtag.store import audit
from lendtag.store.db import Store
from lendtag.store.models import ImportBatch, QuarantineRow
from lendtag.store.models.base import utcnow


class ReleaseError(InputError):
    """The corrected row is still not valid; it stays in quarantine."""

    code = "release_rejected"


def quarantine_row_dict(q: QuarantineRow | Any) -> dict[str, Any]:
    return {
        "id": q.id,
        "batch_id": q.batch_id,
        "kind": q.kind,
        "file": q.source,
        "row": q.row_no,
        "column": q.column_name,
        "value": q.value,
        "reason": q.reason,
        "errors": q.errors,
        "status": q.status,
        "created_at": q.created_at.isoformat() if q.created_at else None,
        "released_batch_id": q.released_batch_id,
    }


def list_quarantine(
    store: Store,
    *,
    status: str | None = "open",
    kind: str | None = None,
    batch_id: int | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    stmt = select(QuarantineRow.__table__).order_by(QuarantineRow.id)
    if status and status != "all":
        stmt = stmt.where(QuarantineRow.status == status)
    if kind:
        stmt = stmt.where(QuarantineRow.kind == kind)
    if batch_id is not None:
        stmt = stmt.where(QuarantineRow.batch_id == batch_id)
    if limit is not None:
        stmt = stmt.limit(limit)
    with store.read() as conn:
        return [quarantine_row_dict(r) for r in conn.execute(stmt)]


def release(
    store: Store,
    qid: int,
    corrections: dict[str, str],
    *,
    effective_date: dt.date | None = None,
    today: dt.date | None = None,
    scope: Sequence[str] | None = None,
) -> BatchResult:
    """Re-validate quarantined row ``qid`` with ``corrections`` applied and load it if good.

    ``scope``: the branches the person releasing may write to (None: all). A row about a
    customer of another branch, or that would give a customer another branch, stays in the
    quarantine (``out_of_scope``). The release and its audit entry are one transaction.
    """
    today = today or dt.date.today()
    with store.write() as conn:
        q = conn.execute(select(QuarantineRow.__table__).where(QuarantineRow.id == qid)).first()
        if q is None:
            raise NotFoundError(f"no quarantined row with id {qid}")
        if q.status != "open":
            raise InputError(f"quarantined row {qid} was already {q.status}")
        kind = get_kind(q.kind)
        columns = [c.name for c in kind.columns]
        unknown = sorted(set(corrections) - set(columns))
        if unknown:
            raise InputError(
                f"unknown column(s) {', '.join(unknown)} for a {kind.name} row; "
                f"columns: {', '.join(columns)}"
            )
        raw = {k: v for k, v in q.raw.items() if k in columns}
        raw.update({k: (v.strip() or None) for k, v in corrections.items()})
        cells = [raw.get(c) for c in columns]
        ctx = build_context(conn, kind, today, None, scope)
        values, problems = RowValidator(kind, columns, ctx).validate(cells)
        if problems:
            raise ReleaseError(
                f"row {q.row_no} of {q.source} is still not valid: "
                + "; ".join(f"{p.column}: {p.reason}" for p in problems),
                details={"id": qid, "errors": [p.as_dict() for p in problems]},
            )
        now = utcnow()
        source = f"quarantine #{qid} ({q.source} row {q.row_no})"
        batch_id = conn.execute(
            insert(ImportBatch).values(
                kind=kind.name,
                source=source,
                file_sha256=q.file_sha256,
                channel=None,
                status="running",
                started_at=now,
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        present = {*q.raw, *corrections} if "_text" not in q.raw else None
        merger = Merger(conn, kind, batch_id, now, ctx.scope, present)
        merger.merge([(q.row_no, values)], effective_date or today)
        c = merger.counts
        if c.rejected:
            problem = c.rejected[0][1]
            raise ReleaseError(
                f"row {q.row_no} of {q.source}: {problem.reason}",
                details={"id": qid, "errors": [problem.as_dict()]},
            )
        conn.execute(
            update(QuarantineRow)
            .where(QuarantineRow.id == qid)
            .values(status="released", released_batch_id=batch_id, resolved_at=now, raw=raw)
        )
        result = BatchResult(
            batch_id=batch_id,
            kind=kind.name,
            source=source,
            accepted=1,
            quarantined=0,
            inserted=c.inserted,
            updated=c.updated,
            unchanged=c.unchanged,
            superseded=0,
            rows_read=1,
        )
        conn.execute(
            update(ImportBatch)
            .where(ImportBatch.id == batch_id)
            .values(
                status="committed",
                finished_at=utcnow(),
                rows_read=1,
                accepted=1,
                inserted=c.inserted,
                updated=c.updated,
                unchanged=c.unchanged,
            )
        )
        audit.append(
            conn,
            "quarantine.release",
            object_type="quarantine_row",
            object_id=str(qid),
            details={
                "kind": kind.name,
                "batch_id": batch_id,
                "source": file_name(q.source),
                "row": q.row_no,
                "corrected": sorted(corrections),
                "inserted": c.inserted,
                "updated": c.updated,
            },
        )
        return result
