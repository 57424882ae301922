"""Lean executemany for large batches: plain SQL, value tuples, conversions column by column.

SQLAlchemy's per-row parameter processing costs more than SQLite's own insert. These helpers
write the INSERT/UPDATE/SELECT text once, hand the driver plain value tuples and convert a
column's values with the type's bind processor only where the type has one that matters
(dates and timestamps on SQLite), once per distinct value. Values read back go through the
type's result processor, so a row looked up here compares equal to one SQLAlchemy reads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Boolean, Connection, CursorResult, Integer, Numeric, String, Table

Convert = Callable[[Sequence[Any]], list[Any]]
_CONVERTED_LIMIT = 100_000  # distinct values a converter remembers before starting afresh
LOOKUP_PARAMS = 5_000
"""Bound parameters per key lookup (SQLite allows 32,766; PostgreSQL 65,535)."""

# Types whose bind processor is a no-op for the values an import produces (floats for
# Numeric(asdecimal=False), bools, ints and strings bind natively in sqlite3 and psycopg).
_NATIVE = (Boolean, Integer, Numeric, String)


def _placeholder(conn: Connection) -> str:
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def _quote(conn: Connection, name: str) -> str:
    return str(conn.dialect.identifier_preparer.quote(name))


def _table(conn: Connection, table: Table) -> str:
    return str(conn.dialect.identifier_preparer.format_table(table))


def bind_converter(conn: Connection, table: Table, column: str) -> Convert | None:
    """A function converting a column of values for the driver, or None if none is needed."""
    type_ = table.c[column].type
    if isinstance(type_, _NATIVE):
        return None
    process = type_.dialect_impl(conn.dialect).bind_processor(conn.dialect)
    if process is None:
        return None

    seen: dict[Any, Any] = {None: None}  # kept from call to call: dates repeat across chunks

    def convert(values: Sequence[Any]) -> list[Any]:
        try:  # each distinct value (a date, a batch's timestamp) is converted once
            return list(map(seen.__getitem__, values))
        except KeyError:
            pass
        except TypeError:
            return [None if v is None else process(v) for v in values]
        try:
            new = set(values).difference(seen)
        except TypeError:  # an unhashable value among them
            return [None if v is None else process(v) for v in values]
        if len(seen) + len(new) > _CONVERTED_LIMIT:
            seen.clear()
            seen[None] = None
            new = set(values)
            new.discard(None)
        seen.update((v, process(v)) for v in new)
        return list(map(seen.__getitem__, values))

    return convert


def bind_value(conn: Connection, table: Table, column: str, value: Any) -> Any:
    """One value converted for the driver (a constant of a whole batch)."""
    convert = bind_converter(conn, table, column)
    return value if convert is None or value is None else convert([value])[0]


def _literal(value: Any) -> str | None:
    """``value`` as an SQLite literal, or None when it is not a plain int, float or text."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str) and "\x00" not in value:
        return "'" + value.replace("'", "''") + "'"
    return None


def insert_rows(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    constants: dict[str, Any] | None = None,
    *,
    or_ignore: bool = False,
) -> int:
    """INSERT ``rows`` (tuples in the order of ``columns``, already converted); returns how
    many rows were inserted.

    ``constants`` (column → value, already converted) are the same on every row: on SQLite
    they are written into the statement (fewer values to bind per row), elsewhere bound.
    ``or_ignore`` (SQLite only): a row that breaks a constraint is skipped, not an error —
    the caller finds the skipped rows (e.g. with :func:`rows_after`) and deals with them.
    """
    if not rows:
        return 0
    mark = _placeholder(conn)
    names = [_quote(conn, c) for c in columns]
    values = [mark] * len(columns)
    bound: list[Any] = []
    for name, value in (constants or {}).items():
        literal = _literal(value) if conn.dialect.name == "sqlite" else None
        names.append(_quote(conn, name))
        if literal is None:
            values.append(mark)
            bound.append(value)
        else:
            values.append(literal)
    if bound:
        extra = tuple(bound)
        rows = [row + extra for row in rows]
    verb = "INSERT OR IGNORE" if or_ignore else "INSERT"
    if or_ignore and conn.dialect.name != "sqlite":
        raise ValueError("or_ignore is for SQLite only")
    sql = f"{verb} INTO {_table(conn, table)} ({', '.join(names)}) VALUES ({', '.join(values)})"
    result = conn.exec_driver_sql(sql, rows if isinstance(rows, list) else list(rows))
    return len(rows) if not or_ignore else int(result.rowcount)


def last_rowid(conn: Connection, table: Table) -> int:
    """The largest rowid of an SQLite table (0 when it is empty)."""
    return int(conn.exec_driver_sql(f"SELECT max(rowid) FROM {_table(conn, table)}").scalar() or 0)


def rows_after(
    conn: Connection, table: Table, columns: Sequence[str], rowid: int
) -> Iterator[tuple[Any, ...]]:
    """``columns`` of the SQLite rows whose rowid is above ``rowid`` (the rows inserted since
    :func:`last_rowid` gave it), typed as SQLAlchemy reads them."""
    head = f"SELECT {', '.join(_quote(conn, c) for c in columns)} FROM {_table(conn, table)}"
    records = conn.exec_driver_sql(head + " WHERE rowid > ?", (rowid,))
    return _typed(conn, table, columns, records)


def _typed(
    conn: Connection, table: Table, columns: Sequence[str], records: CursorResult[Any]
) -> Iterator[tuple[Any, ...]]:
    """The records as SQLAlchemy would type them (the driver's column types decide)."""
    described = records.cursor.description if records.cursor is not None else None
    driver_types = [d[1] for d in described] if described else [None] * len(columns)
    results = [
        table.c[c].type.dialect_impl(conn.dialect).result_processor(conn.dialect, t)
        for c, t in zip(columns, driver_types, strict=True)
    ]
    processed = [(i, p) for i, p in enumerate(results) if p is not None]
    for record in records:
        if processed:
            values = list(record)
            for i, process in processed:
                values[i] = process(values[i])
            yield tuple(values)
        else:
            yield tuple(record)


def update_rows(
    conn: Connection,
    table: Table,
    key: Sequence[str],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
) -> None:
    """UPDATE by ``key``: each row is the values of ``columns`` followed by the key's values."""
    if not rows:
        return
    mark = _placeholder(conn)
    sets = ", ".join(f"{_quote(conn, c)} = {mark}" for c in columns)
    where = " AND ".join(f"{_quote(conn, k)} = {mark}" for k in key)
    conn.exec_driver_sql(f"UPDATE {_table(conn, table)} SET {sets} WHERE {where}", list(rows))


def select_by_keys(
    conn: Connection,
    table: Table,
    key: Sequence[str],
    columns: Sequence[str],
    keys: Sequence[Any],
) -> Iterator[tuple[Any, ...]]:
    """The rows (``columns``, typed as SQLAlchemy reads them) whose ``key`` is in ``keys``.

    ``keys`` holds plain values for a one-column key, tuples for a composite one.
    """
    mark = _placeholder(conn)
    key_converters = [bind_converter(conn, table, k) for k in key]
    head = f"SELECT {', '.join(_quote(conn, c) for c in columns)} FROM {_table(conn, table)} WHERE "
    step = max(1, LOOKUP_PARAMS // len(key))
    for start in range(0, len(keys), step):
        part = keys[start : start + step]
        if len(key) == 1:
            convert = key_converters[0]
            params: list[Any] = convert(part) if convert is not None else list(part)
            cond = f"{_quote(conn, key[0])} IN ({', '.join([mark] * len(part))})"
        else:
            columns_of_part = [list(c) for c in zip(*part, strict=True)]
            for i, convert in enumerate(key_converters):
                if convert is not None:
                    columns_of_part[i] = convert(columns_of_part[i])
            params = [v for row in zip(*columns_of_part, strict=True) for v in row]
            one = "(" + ", ".join([mark] * len(key)) + ")"
            cond = (
                "("
                + ", ".join(_quote(conn, k) for k in key)
                + ") IN (VALUES "
                + ", ".join([one] * len(part))
                + ")"
            )
        yield from _typed(conn, table, columns, conn.exec_driver_sql(head + cond, tuple(params)))


def bulk_insert(
    conn: Connection,
    table: Table,
    records: Iterable[dict[str, Any]],
    columns: Sequence[str] | None = None,
) -> None:
    """INSERT every record (dicts): the given columns, or all keys of the first record."""
    records = list(records)
    if not records:
        return
    names = list(columns or records[0])
    values = [[r[c] for r in records] for c in names]
    for i, name in enumerate(names):
        convert = bind_converter(conn, table, name)
        if convert is not None:
            values[i] = convert(values[i])
    insert_rows(conn, table, names, list(zip(*values, strict=True)))
