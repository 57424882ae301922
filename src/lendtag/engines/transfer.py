"""Hand DuckDB's results to the store: rows into the run's temporary tables, in its transaction.

Only changes travel: the values that differ from the current ones and the segment moves.
SQLite gets them by ``executemany`` on the run's own connection, batch by batch from Arrow;
PostgreSQL by ``COPY … FROM STDIN`` of a CSV file DuckDB writes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection

BATCH_ROWS = 200_000


def copy_to_store(
    conn: Connection,
    duck: Any,
    query: str,
    table: str,
    columns: list[str],
    scratch: Path,
    params: list[Any] | None = None,
) -> int:
    """Insert the rows of a DuckDB ``query`` into the store table ``table``; returns rows."""
    if params:
        duck.execute(f"CREATE OR REPLACE TEMPORARY TABLE _transfer AS {query}", params)
        query = "SELECT * FROM _transfer"
    driver = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        path = scratch / f"{table}.csv"
        duck.execute(f"COPY ({query}) TO '{path}' (FORMAT csv, HEADER false, QUOTE '\"')")
        names = ", ".join(columns)
        with (
            driver.cursor() as cursor,  # type: ignore[union-attr]
            cursor.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT csv)") as copy,
            path.open("rb") as source,
        ):
            while block := source.read(1 << 20):
                copy.write(block)
        path.unlink()
        return int(duck.execute(f"SELECT COUNT(*) FROM ({query})").fetchall()[0][0])
    marks = ", ".join("?" for _ in columns)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
    reader = duck.sql(query).to_arrow_reader(BATCH_ROWS)
    total = 0
    cursor = driver.cursor()  # type: ignore[union-attr]
    try:
        for batch in reader:
            cursor.executemany(sql, zip(*(col.to_pylist() for col in batch.columns), strict=True))
            total += batch.num_rows
    finally:
        cursor.close()
    return total
