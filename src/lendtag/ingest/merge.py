"""Upsert validated rows into their table by natural key, writing only what changed.

Rows arrive column by column (the good rows of a chunk). Keys are looked up in one query
per few thousand; new keys are inserted, changed rows updated, identical rows left alone;
within a chunk the later row of a key wins. Enterprises are versioned: a changed attribute
closes the open version at the row's effective date and opens a new one, so the attributes
on any past date can be rebuilt.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from sqlalchemy import Column, Connection, Numeric, Table

from lendtag.ingest.errors import RowProblem
from lendtag.ingest.specs import Columns, Kind
from lendtag.store.bulk import (
    bind_converter,
    bind_value,
    bulk_insert,
    insert_rows,
    last_rowid,
    rows_after,
    select_by_keys,
    update_rows,
)
from lendtag.store.models import ENTERPRISE_ATTRIBUTES, Base

Row = tuple[int, dict[str, Any]]  # (row number, values)
Key = tuple[Any, ...]


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
    """Merges chunks of valid rows of one kind inside the caller's transaction.

    ``scope`` (branches the importer may write to, None for all): an existing customer of
    another branch is not changed; its row is rejected as ``out_of_scope``.
    """

    def __init__(
        self,
        conn: Connection,
        kind: Kind,
        batch_id: int,
        now: dt.datetime,
        scope: frozenset[str] | None = None,
        present: Collection[str] | None = None,
    ) -> None:
        self.conn = conn
        self.kind = kind
        self.batch_id = batch_id
        self.now = now
        self.scope = scope
        self.table: Table = Base.metadata.tables[kind.table]
        names = {c.name for c in self.table.columns}
        # a column the file does not have says nothing about it: stored values are kept
        # (an empty cell, by contrast, clears); ``present`` None means every column
        # (known_from, set on insert only, is filled in from the effective date when absent)
        absent = {
            c.name
            for c in kind.columns
            if present is not None and c.name not in present and c.name != "known_from"
        }
        self.data_columns = [c.name for c in kind.columns if c.name in names - absent] + [
            extra for extra in ("industry_section", "size_class", "party_key") if extra in names
        ]
        # kept columns an old version needs (enterprises copy every attribute to history)
        self.kept = (
            sorted(absent & set(ENTERPRISE_ATTRIBUTES)) if kind.table == "enterprises" else []
        )
        # known_from (related parties) is set when a relation is first recorded, then kept
        self.known = "known_from" in self.data_columns
        self.compare = [c for c in self.data_columns if c not in kind.key and c != "known_from"]
        self.scales = {
            c: s for c in self.data_columns if (s := _rounder(self.table.c[c])) is not None
        }
        self.versioned = kind.table == "enterprises"
        self.looked_up = [*kind.key, *self.compare, *self.kept] + (
            ["effective_from"] if self.versioned else []
        )
        self.owner = (
            self.looked_up.index("branch") if self.versioned and scope is not None else None
        )
        self.optimistic = conn.dialect.name == "sqlite"
        self.converters = {c: bind_converter(conn, self.table, c) for c in self.data_columns}
        self.omittable = {
            c
            for c in self.data_columns
            if c not in kind.key
            and self.table.c[c].default is None
            and self.table.c[c].server_default is None
        }
        # bookkeeping columns the table has: the same value on every row of the batch
        stamp = bind_value(conn, self.table, "updated_at", now) if "updated_at" in names else now
        constants = {"batch_id": batch_id, "updated_at": stamp, "created_at": stamp}
        self.constants: dict[str, Any] = {c: v for c, v in constants.items() if c in names}
        self.stamped = [c for c in ("batch_id", "updated_at") if c in names]
        self.counts = MergeCounts()

    # -- the merge -----------------------------------------------------------------------
    def merge(self, rows: list[Row], default_effective: dt.date) -> None:
        """Merge rows given as (row number, values); later rows of the same key win."""
        if not rows:
            return
        needed = [*self.data_columns, "effective_date"]
        columns = {c: [values.get(c) for _, values in rows] for c in needed}
        self.merge_columns([no for no, _ in rows], columns, default_effective)

    def merge_columns(
        self,
        row_nos: Sequence[int],
        columns: Columns,
        default_effective: dt.date,
        rows: Sequence[int] | None = None,
    ) -> None:
        """Merge rows whose values ``columns`` holds, column by column.

        ``row_nos`` numbers every row of ``columns``; ``rows`` are the positions of the rows
        to merge, in file order (None: all of them).
        """
        n = len(row_nos)
        keys = self._keys(columns)
        if rows is None or len(rows) == n:
            latest = dict(zip(keys, range(n), strict=True))  # the last row of a key wins
            merged = n
        else:
            latest = dict(zip(map(keys.__getitem__, rows), rows, strict=True))
            merged = len(rows)
        if not merged:
            return
        self.counts.superseded += merged - len(latest)
        effective = self._effective(columns, default_effective, n)
        if self.known:
            given = columns["known_from"]
            columns = {**columns, "known_from": [d or default_effective for d in given]}
        picked = None if len(latest) == n else sorted(latest.values())
        if self.optimistic:
            # SQLite: insert every row, skipping those whose key is already there (and any
            # that breaks a constraint: it is inserted again below, and fails there); only
            # the skipped rows are looked up and compared
            before = last_rowid(self.conn, self.table)
            if self._insert(picked, columns, effective, or_ignore=True) == len(latest):
                return
            added = {
                self._key_of(r) for r in rows_after(self.conn, self.table, self.kind.key, before)
            }
            latest = {k: i for k, i in latest.items() if k not in added}
            existing = self._existing(list(latest))
        else:
            existing = self._existing(list(latest))
            if not existing:  # all new: insert them, in file order
                self._insert(picked, columns, effective)
                return
        new_values = list(zip(*(columns[c] for c in self.compare), strict=True))
        inserts: list[int] = []
        updates: list[int] = []
        history: list[dict[str, Any]] = []
        width = len(self.kind.key)
        end = width + len(self.compare)
        for key, i in latest.items():
            old = existing.get(key)
            if old is None:
                inserts.append(i)
                continue
            if self.owner is not None and old[self.owner] not in self.scope:  # type: ignore[operator]
                self.counts.rejected.append((row_nos[i], self._not_yours(old[0])))
                continue
            if old[width:end] == new_values[i] or not self._differs(old[width:end], new_values[i]):
                self.counts.unchanged += 1
                continue
            if self.versioned:
                day: dt.date = effective[0][i]
                current_from: dt.date = old[-1]
                if day < current_from:
                    self.counts.rejected.append((row_nos[i], _backdated(day, current_from)))
                    continue
                if day > current_from:  # the same day corrects the current version
                    history.append(self._past_version(old, current_from, day))
            updates.append(i)
        if inserts:
            self._insert(sorted(inserts), columns, effective)
        self._update(sorted(updates), columns, effective)
        if history:
            bulk_insert(self.conn, Base.metadata.tables["enterprise_versions"], history)

    # -- helpers -------------------------------------------------------------------------
    def _keys(self, columns: Columns) -> Sequence[Any]:
        """Each row's key: the value itself for a one-column key, else a tuple."""
        if len(self.kind.key) == 1:
            return columns[self.kind.key[0]]
        return list(zip(*(columns[k] for k in self.kind.key), strict=True))

    def _effective(
        self, columns: Columns, default: dt.date, n: int
    ) -> tuple[list[dt.date], dt.date | None]:
        """Per row, the date its values take effect (enterprises only), and that date when it
        is the same for every row."""
        if not self.versioned:
            return [], None
        given = columns.get("effective_date")
        if given is None or given.count(None) == n:
            return [default] * n, default
        return [day if day is not None else default for day in given], None

    def _key_of(self, record: tuple[Any, ...]) -> Any:
        return record[0] if len(self.kind.key) == 1 else record[: len(self.kind.key)]

    def _existing(self, keys: Sequence[Any]) -> dict[Any, tuple[Any, ...]]:
        records = select_by_keys(self.conn, self.table, self.kind.key, self.looked_up, keys)
        return {self._key_of(record): record for record in records}

    def _differs(self, old: Sequence[Any], new: Sequence[Any]) -> bool:
        for c, a, b in zip(self.compare, old, new, strict=True):
            if a != b and not (
                a is not None
                and b is not None
                and c in self.scales
                and abs(a - b) < 10 ** -self.scales[c] / 2
            ):
                return True
        return False

    def _not_yours(self, code: str) -> RowProblem:
        yours = ", ".join(sorted(self.scope or ())) or "none"
        return RowProblem(
            "credit_code",
            code,
            f"customer {code} is not a customer of your branches ({yours})",
            "out_of_scope",
        )

    def _column(self, name: str, values: Sequence[Any]) -> Sequence[Any]:
        """A column's values converted for the driver."""
        convert = self.converters.get(name)
        if convert is None and name == "effective_from":
            convert = bind_converter(self.conn, self.table, name)
        return convert(values) if convert is not None else values

    def _insert(
        self,
        rows: list[int] | None,
        columns: Columns,
        effective: tuple[list[dt.date], dt.date | None],
        *,
        or_ignore: bool = False,
    ) -> int:
        """Insert ``rows`` (positions in the chunk; None: every row); returns how many were."""
        names: list[str] = []
        values: list[Sequence[Any]] = []
        for name in self.data_columns:
            column = columns[name]
            if name in self.omittable and _all_none(column):
                continue  # not given in this chunk: the column's NULL, without binding it
            names.append(name)
            values.append(self._column(name, column))
        constants = dict(self.constants)
        if self.versioned:
            days, same = effective
            if same is not None:
                constants["effective_from"] = self._column("effective_from", [same])[0]
            else:
                names.append("effective_from")
                values.append(self._column("effective_from", days))
        tuples = list(zip(*values, strict=True))
        if rows is not None:
            tuples = [tuples[i] for i in rows]
        added = insert_rows(self.conn, self.table, names, tuples, constants, or_ignore=or_ignore)
        self.counts.inserted += added
        return added

    def _update(
        self, rows: list[int], columns: Columns, effective: tuple[list[dt.date], dt.date | None]
    ) -> None:
        if not rows:
            return
        pick = _picker(rows)
        names = list(self.compare)
        values = [self._column(c, pick(columns[c])) for c in names]
        if self.versioned:
            names.append("effective_from")
            values.append(self._column("effective_from", pick(effective[0])))
        for name in self.stamped:
            names.append(name)
            values.append([self.constants[name]] * len(rows))
        values += [self._column(k, pick(columns[k])) for k in self.kind.key]
        update_rows(self.conn, self.table, self.kind.key, names, list(zip(*values, strict=True)))
        self.counts.updated += len(rows)

    def _past_version(self, old: Any, valid_from: dt.date, valid_to: dt.date) -> dict[str, Any]:
        width = len(self.kind.key)
        values = dict(zip([*self.compare, *self.kept], old[width:-1], strict=True))
        attrs = {a: values[a] for a in ENTERPRISE_ATTRIBUTES}
        return attrs | {
            "credit_code": old[0],
            "valid_from": valid_from,
            "valid_to": valid_to,
            "batch_id": self.batch_id,
        }


def _all_none(values: Sequence[Any]) -> bool:
    return not values or (values[0] is None and values.count(None) == len(values))


def _picker(rows: list[int] | None) -> Callable[[Sequence[Any]], Sequence[Any]]:
    """A function taking ``rows`` (positions) of a column; None: the whole column."""
    if rows is None:
        return lambda values: values
    if len(rows) == 1:
        only = rows[0]
        return lambda values: [values[only]]
    get = itemgetter(*rows)
    return lambda values: list(get(values))


def _backdated(effective: dt.date, current_from: dt.date) -> RowProblem:
    return RowProblem(
        "effective_date",
        effective.isoformat(),
        f"effective date {effective} is before the latest recorded change ({current_from}); "
        "back-dated corrections are not applied",
        "backdated",
    )
