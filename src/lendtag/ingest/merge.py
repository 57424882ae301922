"""Upsert validated rows into their table by natural key, writing only what changed.

Enterprises are versioned: a changed attribute closes the open version at the row's
effective date and opens a new one, so the attributes on any past date can be rebuilt.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Column, Connection, Numeric, Table, select, tuple_

from lendtag.ingest.errors import RowProblem
from lendtag.ingest.specs import Kind
from lendtag.store.bulk import bulk_insert, bulk_update
from lendtag.store.models import ENTERPRISE_ATTRIBUTES, Base

Row = tuple[int, dict[str, Any]]  # (row number, values)
_LOOKUP_PARAMS = 5_000  # bound parameters per key lookup (SQLite allows 32,766)


@dataclass
class MergeCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    superseded: int = 0
    rejected: list[tuple[int, RowProblem]] = field(default_factory=list)


def _rounder(column: Column[Any]) -> int | None:
    t = column.type
    return t.scale if isinstance(t, Numeric) and t.scale is not None else None


class Merger:
    """Merges chunks of valid rows of one kind inside the caller's transaction."""

    def __init__(self, conn: Connection, kind: Kind, batch_id: int, now: dt.datetime) -> None:
        self.conn = conn
        self.kind = kind
        self.batch_id = batch_id
        self.now = now
        self.table: Table = Base.metadata.tables[kind.table]
        names = {c.name for c in self.table.columns}
        self.data_columns = [c.name for c in kind.columns if c.name in names] + [
            extra for extra in ("industry_section", "size_class", "party_key") if extra in names
        ]
        self.compare = [c for c in self.data_columns if c not in kind.key]
        self.scales = {
            c: s for c in self.data_columns if (s := _rounder(self.table.c[c])) is not None
        }
        self.versioned = kind.table == "enterprises"
        self.counts = MergeCounts()

    # -- helpers -------------------------------------------------------------------------
    def _existing(self, keys: Sequence[tuple[Any, ...]]) -> dict[tuple[Any, ...], Any]:
        key_cols = [self.table.c[k] for k in self.kind.key]
        extra = [self.table.c.effective_from] if self.versioned else []
        cols = [*key_cols, *(self.table.c[c] for c in self.compare), *extra]
        found: dict[tuple[Any, ...], Any] = {}
        step = max(1, _LOOKUP_PARAMS // len(key_cols))
        for start in range(0, len(keys), step):
            part = keys[start : start + step]
            if len(key_cols) == 1:
                cond = key_cols[0].in_([k[0] for k in part])
            else:
                cond = tuple_(*key_cols).in_(part)
            for rec in self.conn.execute(select(*cols).where(cond)):
                found[tuple(rec[: len(key_cols)])] = rec
        return found

    def _differs(self, old: Any, new: dict[str, Any]) -> bool:
        offset = len(self.kind.key)
        for i, c in enumerate(self.compare):
            a, b = old[offset + i], new[c]
            if a != b and not (
                a is not None
                and b is not None
                and c in self.scales
                and abs(a - b) < 10 ** -self.scales[c] / 2
            ):
                return True
        return False

    # -- the merge -----------------------------------------------------------------------
    def merge(self, rows: list[Row], default_effective: dt.date) -> None:
        """Insert new keys, update changed ones; later rows of the chunk win."""
        latest: dict[tuple[Any, ...], Row] = {}
        key_names = self.kind.key
        for row_no, values in rows:
            key = tuple(values[k] for k in key_names)
            if key in latest:
                self.counts.superseded += 1
            latest[key] = (row_no, values)
        existing = self._existing(list(latest))
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        history: list[dict[str, Any]] = []
        batch_id, now, versioned = self.batch_id, self.now, self.versioned
        for key, (row_no, row) in latest.items():
            old = existing.get(key)
            row["batch_id"] = batch_id
            row["updated_at"] = now
            if old is None:
                if versioned:
                    row["effective_from"] = row.get("effective_date") or default_effective
                    row["created_at"] = now
                inserts.append(row)
                continue
            if not self._differs(old, row):
                self.counts.unchanged += 1
                continue
            if versioned:
                effective = row.get("effective_date") or default_effective
                current_from: dt.date = old[-1]
                if effective < current_from:
                    self.counts.rejected.append((row_no, _backdated(effective, current_from)))
                    continue
                if effective > current_from:  # the same day corrects the current version
                    history.append(self._past_version(old, current_from, effective))
                row["effective_from"] = effective
            updates.append(row)
        self._write(inserts, updates, history)
        self.counts.inserted += len(inserts)
        self.counts.updated += len(updates)

    def _past_version(self, old: Any, valid_from: dt.date, valid_to: dt.date) -> dict[str, Any]:
        values = dict(zip(self.compare, old[len(self.kind.key) : -1], strict=True))
        attrs = {a: values[a] for a in ENTERPRISE_ATTRIBUTES}
        return attrs | {
            "credit_code": old[0],
            "valid_from": valid_from,
            "valid_to": valid_to,
            "batch_id": self.batch_id,
        }

    def _write(
        self,
        inserts: list[dict[str, Any]],
        updates: list[dict[str, Any]],
        history: list[dict[str, Any]],
    ) -> None:
        t = self.table
        stored = [c.name for c in t.columns if c.name not in ("id",)]
        columns = [c for c in stored if not inserts or c in inserts[0]]
        inserts.sort(key=lambda r: tuple(r[k] for k in self.kind.key))  # B-tree locality
        bulk_insert(self.conn, t, inserts, columns)
        changed = [c for c in stored if c not in ("created_at",)]
        bulk_update(
            self.conn,
            t,
            self.kind.key,
            updates,
            [c for c in changed if not updates or c in updates[0]],
        )
        if self.versioned:
            versions = Base.metadata.tables["enterprise_versions"]
            bulk_insert(self.conn, versions, history)


def _backdated(effective: dt.date, current_from: dt.date) -> RowProblem:
    return RowProblem(
        "effective_date",
        effective.isoformat(),
        f"effective date {effective} is before the latest recorded change ({current_from}); "
        "back-dated corrections are not applied",
        "backdated",
    )
