"""The outbox of events on the facade: read pending events, acknowledge delivered ones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, select, update

from lendtag.errors import NotFoundError
from lendtag.store import audit
from lendtag.store.db import Store
from lendtag.store.models import Outbox, TagRun
from lendtag.store.models.base import utcnow

OUTBOX = cast(Table, Outbox.__table__)
RUNS = cast(Table, TagRun.__table__)


def _plain(row: Any) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in row._mapping.items()}


class OutboxOperations:
    store: Store

    def outbox_list(
        self,
        *,
        after: int = 0,
        limit: int = 100,
        topic: str | None = None,
        pending: bool = True,
    ) -> list[dict[str, Any]]:
        """Events in order, after an id; by default only those not yet acknowledged."""
        self.store.require_migrated()
        stmt = select(OUTBOX).where(OUTBOX.c.id > after).order_by(OUTBOX.c.id).limit(limit)
        if topic:
            stmt = stmt.where(OUTBOX.c.topic == topic)
        if pending:
            stmt = stmt.where(OUTBOX.c.delivered_at.is_(None))
        with self.store.read() as conn:
            return [_plain(r) for r in conn.execute(stmt)]

    def outbox_ack(self, ids: Sequence[int]) -> dict[str, Any]:
        """Mark events delivered (a consumer acknowledges what it has processed)."""
        self.store.require_migrated()
        wanted = sorted(set(ids))
        with self.store.write() as conn:
            done = conn.execute(
                update(OUTBOX)
                .where(OUTBOX.c.id.in_(wanted), OUTBOX.c.delivered_at.is_(None))
                .values(delivered_at=utcnow())
            ).rowcount
            audit.append(
                conn,
                "outbox.ack",
                object_type="outbox",
                details={"ids": len(wanted), "acknowledged": int(done or 0)},
            )
        return {"requested": len(wanted), "acknowledged": int(done or 0)}

    def tags_run_get(self, run_id: int) -> dict[str, Any]:
        self.store.require_migrated()
        with self.store.read() as conn:
            row = conn.execute(select(RUNS).where(RUNS.c.id == run_id)).first()
        if row is None:
            raise NotFoundError(f"no tag run {run_id}", details={"run_id": run_id})
        return _plain(row)
