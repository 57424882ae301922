"""The facade every front end calls: one object owns the store and exposes the operations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from lendtag.access import privacy
from lendtag.access.privacy import MASKED, Disclosure
from lendtag.core import customers
from lendtag.core.access_ops import AccessOperations
from lendtag.core.catalog_ops import CatalogOperations
from lendtag.core.customer_edit import update_customer
from lendtag.core.outbox_ops import OutboxOperations
from lendtag.core.reporting import Reporter
from lendtag.core.tag_ops import SegmentOperations, TagOperations
from lendtag.errors import NotFoundError
from lendtag.ingest import quarantine
from lendtag.ingest.pipeline import BatchResult, run_import
from lendtag.settings import Settings
from lendtag.store import audit
from lendtag.store.db import Store
from lendtag.store.migrate import upgrade
from lendtag.store.models import ImportBatch, QuarantineRow
from lendtag.tags import queries


class Lendtag(
    TagOperations, SegmentOperations, AccessOperations, OutboxOperations, CatalogOperations
):
    """lendtag's core, built from settings (no globals): the CLI and the API are thin layers."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.store = Store(self.settings)

    def close(self) -> None:
        self.store.dispose()

    def __enter__(self) -> Lendtag:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- schema --------------------------------------------------------------------------
    def init(self) -> dict[str, Any]:
        """Create or migrate the schema. Safe to run again."""
        self.store.forget_schema_check()
        before, after = upgrade(self.store.engine)
        return {
            "database": self.store.safe_url,
            "from_revision": before,
            "revision": after,
            "changed": before != after,
        }

    def require_migrated(self) -> None:
        self.store.require_migrated()

    # -- import --------------------------------------------------------------------------
    def import_file(
        self,
        kind: str,
        path: Path,
        *,
        channel: str | None = None,
        effective_date: dt.date | None = None,
        today: dt.date | None = None,
        encoding: str | None = None,
        sheet: str | None = None,
        reporter: Reporter | None = None,
        scope: Sequence[str] | None = None,
        source: str | None = None,
    ) -> BatchResult:
        """Import one file; ``scope``: the branches the importer may write to (None: all);
        ``source``: the name recorded for the file (default: its path)."""
        self.require_migrated()
        return run_import(
            self.store,
            kind,
            path,
            channel=channel,
            effective_date=effective_date,
            today=today,
            encoding=encoding,
            sheet=sheet,
            reporter=reporter,
            scope=scope,
            source=source,
        )

    def list_batches(self, limit: int = 50) -> list[dict[str, Any]]:
        self.require_migrated()
        t = ImportBatch.__table__
        with self.store.read() as conn:
            rows = conn.execute(select(t).order_by(t.c.id.desc()).limit(limit))
            return [
                {
                    k: (v.isoformat() if isinstance(v, dt.datetime) else v)
                    for k, v in r._mapping.items()
                }
                for r in rows
            ]

    def get_batch(self, batch_id: int) -> dict[str, Any] | None:
        self.require_migrated()
        t = ImportBatch.__table__
        with self.store.read() as conn:
            row = conn.execute(select(t).where(t.c.id == batch_id)).first()
        if row is None:
            return None
        return {
            k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in row._mapping.items()
        }

    def quarantine_list(self, **filters: Any) -> list[dict[str, Any]]:
        """Quarantined rows; personal values they quote are masked."""
        self.require_migrated()
        rows = quarantine.list_quarantine(self.store, **filters)
        return [privacy.mask_quarantine_row(r) for r in rows]

    def quarantine_get(self, qid: int) -> dict[str, Any] | None:
        self.require_migrated()
        t = QuarantineRow.__table__
        with self.store.read() as conn:
            row = conn.execute(select(t).where(t.c.id == qid)).first()
        if row is None:
            return None
        return privacy.mask_quarantine_row(quarantine.quarantine_row_dict(row))

    def quarantine_release(
        self,
        qid: int,
        corrections: dict[str, str],
        *,
        effective_date: dt.date | None = None,
        scope: Sequence[str] | None = None,
    ) -> BatchResult:
        """Re-validate a corrected quarantined row; ``scope`` as for :meth:`import_file`."""
        self.require_migrated()
        return quarantine.release(
            self.store, qid, corrections, effective_date=effective_date, scope=scope
        )

    # -- customers -----------------------------------------------------------------------
    def customers_list(self, **filters: Any) -> list[dict[str, Any]]:
        self.require_migrated()
        with self.store.read() as conn:
            return customers.list_customers(conn, **filters)

    def customers_page(self, *, limit: int, offset: int, **filters: Any) -> dict[str, Any]:
        """One page of customers and the total matching the filters."""
        self.require_migrated()
        with self.store.read() as conn:
            return {
                "items": customers.list_customers(conn, limit=limit, offset=offset, **filters),
                "total": customers.count_customers(conn, **filters),
                "limit": limit,
                "offset": offset,
            }

    def customer_update(
        self,
        credit_code: str,
        changes: dict[str, Any],
        *,
        effective_date: dt.date | None = None,
        today: dt.date | None = None,
    ) -> dict[str, Any]:
        """Change a customer's attributes (validated and versioned like an import)."""
        self.require_migrated()
        today = today or dt.date.today()
        with self.store.write() as conn:
            return update_customer(
                conn, credit_code, changes, effective_date=effective_date or today, today=today
            )

    def in_scope(self, credit_code: str, branches: Sequence[str] | None) -> bool:
        """Whether the customer exists and is within ``branches`` (None: every branch);
        reads only."""
        self.require_migrated()
        with self.store.read() as conn:
            found, branch = customers.branch_of(conn, credit_code.strip().upper())
        return found and (branches is None or branch in branches)

    def require_in_scope(self, credit_code: str, branches: Sequence[str] | None) -> None:
        """Refuse (as not found, audited) a customer outside a scoped user's branches."""
        code = credit_code.strip().upper()
        with self.store.read() as conn:
            found, branch = customers.branch_of(conn, code)
        if not found:
            raise NotFoundError(
                f"no customer with credit code {code}", details={"credit_code": code}
            )
        if branches is not None and branch not in branches:
            self.record(
                "access.denied",
                object_type="customer",
                object_id=code,
                outcome="denied",
                details={"reason": "out_of_scope"},
            )
            raise NotFoundError(
                f"no customer with credit code {code}", details={"credit_code": code}
            )

    def customer_show(
        self,
        credit_code: str,
        as_of: dt.date | None = None,
        disclosure: Disclosure = MASKED,
        *,
        with_tags: bool = False,
    ) -> dict[str, Any]:
        """One customer (``with_tags``: and its tags on the same date, read in the same
        transaction); an unmasked read is written to the audit log in its transaction."""
        self.require_migrated()
        if not disclosure.unmasked:
            with self.store.read() as conn:
                doc = customers.show_customer(conn, credit_code, as_of)
                if with_tags:
                    doc["tags"] = queries.values_on(conn, doc["credit_code"], as_of, known=True)
                return doc
        with self.store.write() as conn:
            doc = customers.show_customer(conn, credit_code, as_of, disclosure)
            if with_tags:
                doc["tags"] = queries.values_on(conn, doc["credit_code"], as_of, known=True)
            audit.append(
                conn,
                "customer.read_unmasked",
                object_type="customer",
                object_id=doc["credit_code"],
                details={
                    "purpose": disclosure.purpose,
                    "fields": sorted(privacy.MASKS),
                    "parties": len(doc["related_parties"]),
                },
            )
            return doc

    def portfolio_summary(self) -> dict[str, Any]:
        self.require_migrated()
        with self.store.read() as conn:
            summary = customers.portfolio_summary(conn)
            summary["quarantine_open"] = conn.scalar(
                select(func.count())
                .select_from(QuarantineRow)
                .where(QuarantineRow.status == "open")
            )
        return summary
