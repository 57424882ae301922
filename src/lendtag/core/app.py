"""The facade every front end calls: one object owns the store and exposes the operations."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from lendtag.core import customers
from lendtag.core.reporting import Reporter
from lendtag.core.tag_ops import SegmentOperations, TagOperations
from lendtag.ingest import quarantine
from lendtag.ingest.pipeline import BatchResult, run_import
from lendtag.settings import Settings
from lendtag.store.db import Store
from lendtag.store.migrate import upgrade
from lendtag.store.models import ImportBatch, QuarantineRow


class Lendtag(TagOperations, SegmentOperations):
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
    ) -> BatchResult:
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

    def quarantine_list(self, **filters: Any) -> list[dict[str, Any]]:
        self.require_migrated()
        return quarantine.list_quarantine(self.store, **filters)

    def quarantine_release(
        self, qid: int, corrections: dict[str, str], *, effective_date: dt.date | None = None
    ) -> BatchResult:
        self.require_migrated()
        return quarantine.release(self.store, qid, corrections, effective_date=effective_date)

    # -- customers -----------------------------------------------------------------------
    def customers_list(self, **filters: Any) -> list[dict[str, Any]]:
        self.require_migrated()
        with self.store.read() as conn:
            return customers.list_customers(conn, **filters)

    def customer_show(self, credit_code: str, as_of: dt.date | None = None) -> dict[str, Any]:
        self.require_migrated()
        with self.store.read() as conn:
            return customers.show_customer(conn, credit_code, as_of)

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
