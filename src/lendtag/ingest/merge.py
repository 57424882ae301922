"""Upsert validated rows into their table by natural key, writing only what changed.

Enterprises are versioned: a changed attribute closes the open version at the row's
effective date and opens a new one, so the attributes on any past date can be rebuilt.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Column, Connection, Numeric, Table, and_, bindparam, select, tuple_, update

from lendtag.ingest.errors import RowProblem
from lendtag.ingest.specs import Kind
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
    def _normalise(self, values: dict[str, Any]) -> dict[str, Any]:
        row = {c: values.get(c) for c in self.data_columns}
        for c, scale in self.scales.items():
            if row[c] is not None:
                row[c] = round(row[c], scale)
        return row

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
        for row_no, values in rows:
            key = tuple(values[k] for k in self.kind.key)
            if key in latest:
                self.counts.superseded += 1
            latest[key] = (row_no, values)
        existing = self._existing(list(latest))
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        versions_close: list[dict[str, Any]] = []
        versions_fix: list[dict[str, Any]] = []
        versions_new: list[dict[str, Any]] = []
        stamp = {"batch_id": self.batch_id}
        if self.versioned or "updated_at" in self.table.c:
            stamp["updated_at"] = self.now  # type: ignore[assignment]
        for key, (row_no, values) in latest.items():
            row = self._normalise(values)
            old = existing.get(key)
            effective = values.get("effective_date") or default_effective
            if old is None:
                if self.versioned:
                    row |= {"effective_from": effective, "created_at": self.now}
                    versions_new.append(self._version(row, effective))
                inserts.append(row | stamp)
                continue
            if not self._differs(old, row):
                self.counts.unchanged += 1
                continue
            if self.versioned:
                current_from: dt.date = old[-1]
                if effective < current_from:
                    self.counts.rejected.append(
                        (
                            row_no,
                            RowProblem(
                                "effective_date",
                                effective.isoformat(),
                                f"effective date {effective} is before the latest recorded change "
                                f"({current_from}); back-dated corrections are not applied",
                                "backdated",
                            ),
                        )
                    )
                    continue
                if effective == current_from:
                    versions_fix.append(
                        self._version(row, effective) | {"k_code": key[0], "k_from": effective}
                    )
                else:
                    versions_close.append({"k_code": key[0], "k_to": effective})
                    versions_new.append(self._version(row, effective))
                row["effective_from"] = effective
            updates.append(
                row | stamp | {f"k_{k}": v for k, v in zip(self.kind.key, key, strict=True)}
            )
        self._write(inserts, updates, versions_close, versions_fix, versions_new)
        self.counts.inserted += len(inserts)
        self.counts.updated += len(updates)

    def _version(self, row: dict[str, Any], valid_from: dt.date) -> dict[str, Any]:
        attrs = {a: row.get(a) for a in ENTERPRISE_ATTRIBUTES}
        return attrs | {
            "credit_code": row["credit_code"],
            "valid_from": valid_from,
            "valid_to": None,
            "batch_id": self.batch_id,
        }

    def _write(
        self,
        inserts: list[dict[str, Any]],
        updates: list[dict[str, Any]],
        close: list[dict[str, Any]],
        fix: list[dict[str, Any]],
        new: list[dict[str, Any]],
    ) -> None:
        t = self.table
        if inserts:
            self.conn.execute(t.insert(), inserts)
        if updates:
            values = {c: bindparam(c) for c in updates[0] if not c.startswith("k_")}
            cond = and_(*(t.c[k] == bindparam(f"k_{k}") for k in self.kind.key))
            self.conn.execute(update(t).where(cond).values(values), updates)
        if not self.versioned:
            return
        v = Base.metadata.tables["enterprise_versions"]
        if close:
            self.conn.execute(
                update(v)
                .where(v.c.credit_code == bindparam("k_code"), v.c.valid_to.is_(None))
                .values(valid_to=bindparam("k_to")),
                close,
            )
        if fix:
            skip = ("k_code", "k_from", "credit_code", "valid_from")
            self.conn.execute(
                update(v)
                .where(
                    v.c.credit_code == bindparam("k_code"), v.c.valid_from == bindparam("k_from")
                )
                .values({c: bindparam(c) for c in fix[0] if c not in skip}),
                fix,
            )
        if new:
            self.conn.execute(v.insert(), new)
