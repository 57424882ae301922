"""Fast executemany for large batches: the statement is compiled once, values bound directly.

SQLAlchemy's per-row parameter processing costs more than SQLite's own insert. These helpers
compile INSERT/UPDATE once per dialect and hand the driver plain value tuples, applying a
column type's bind processor (dates on SQLite, for example) only where it has one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table, and_, bindparam, update


def _execute(
    conn: Connection,
    table: Table,
    compiled: Any,
    sources: dict[str, str],
    records: Sequence[dict[str, Any]],
) -> None:
    """Run ``compiled`` once per record; ``sources`` maps bind names to record keys."""
    positional = conn.dialect.paramstyle in ("qmark", "format", "numeric")
    names = list(compiled.positiontup) if positional else list(sources)
    keys = [sources[n] for n in names]
    procs = [
        (i, p)
        for i, k in enumerate(keys)
        if (p := table.c[k].type.bind_processor(conn.dialect)) is not None
    ]
    rows: list[Any] = []
    memo: list[tuple[Any, Any]] = [(None, None)] * len(keys)  # repeated values convert once
    for record in records:
        values = [record[k] for k in keys]
        for i, proc in procs:
            value = values[i]
            if value is not None:
                seen, converted = memo[i]
                if value is not seen:
                    converted = proc(value)
                    memo[i] = (value, converted)
                values[i] = converted
        rows.append(tuple(values) if positional else dict(zip(names, values, strict=True)))
    conn.exec_driver_sql(compiled.string, rows)


def bulk_insert(
    conn: Connection,
    table: Table,
    records: Sequence[dict[str, Any]],
    columns: Sequence[str] | None = None,
) -> None:
    """INSERT every record: the given columns, or all keys of the first record."""
    if not records:
        return
    columns = list(columns or records[0])
    compiled = table.insert().compile(dialect=conn.dialect, column_keys=columns)
    _execute(conn, table, compiled, {c: c for c in columns}, records)


def bulk_update(
    conn: Connection,
    table: Table,
    key: Sequence[str],
    records: Sequence[dict[str, Any]],
    columns: Sequence[str] | None = None,
) -> None:
    """UPDATE by ``key`` every record: the given columns, or all keys of the first record."""
    if not records:
        return
    set_cols = [c for c in (columns or records[0]) if c not in key]
    stmt = (
        update(table)
        .where(and_(*(table.c[k] == bindparam(f"key_{k}") for k in key)))
        .values({c: bindparam(f"set_{c}") for c in set_cols})
    )
    sources = {f"set_{c}": c for c in set_cols} | {f"key_{k}": k for k in key}
    _execute(conn, table, stmt.compile(dialect=conn.dialect), sources, records)
