"""Hand DuckDB's results to the store, in the run's transaction.

Only changes travel: the values that differ from the current ones, the outbox events and
the segment moves.

- PostgreSQL gets them by ``COPY … FROM STDIN`` of a CSV file DuckDB writes, into the run's
  temporary tables.
- SQLite gets them as a second database file: ADBC writes DuckDB's Arrow stream into
  ``transfer.db`` in the run's scratch folder (in C, batch by batch, with no Python object
  per row), and the run's connection attaches it as ``run_transfer``; the run then reads
  ``run_transfer.run_diff`` and the others in place of its temporary tables
  (:data:`SQLITE_TABLES`). This is several times faster than ``executemany`` from Python
  and keeps millions of rows out of the temporary store's memory. The attached file is
  only read; it is detached when the connection goes back to the pool (see
  ``lendtag.store.db``), after the run's commit or rollback.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from lendtag.store.db import ATTACHED_KEY

BATCH_ROWS = 200_000
SQLITE_SCHEMA = "run_transfer"
SQLITE_TABLES = f"{SQLITE_SCHEMA}."  # the prefix of the run tables the SQLite transfer fills


@dataclass(frozen=True)
class Transfer:
    """The rows of a DuckDB ``query`` (with ``params``) for the run table ``table``."""

    query: str
    table: str
    columns: list[str]
    params: list[Any] = field(default_factory=list)


def copy_to_store(
    conn: Connection,
    duck: Any,
    transfers: list[Transfer],
    scratch: Path,
    timings: dict[str, float] | None = None,
) -> str:
    """Hand the rows of every transfer to the store; returns the prefix under which the run
    finds its tables (``""`` for the temporary tables, :data:`SQLITE_TABLES` on SQLite).
    ``timings``, if given, gets the seconds of each table (``transfer_<table>``)."""
    steps = timings if timings is not None else {}
    if conn.dialect.name == "postgresql":
        for transfer in transfers:
            clock = time.perf_counter()
            _copy_postgres(conn, duck, transfer, scratch)
            steps[f"transfer_{transfer.table}"] = time.perf_counter() - clock
        return ""
    import adbc_driver_sqlite.dbapi as adbc

    path = scratch / "transfer.db"
    # ADBC carries its own copy of SQLite (see lendtag.engines.sqlite_export): its
    # connection must be closed before the run's connection opens the file, or closing it
    # would drop the POSIX locks the other copy holds on it.
    with adbc.connect(str(path)) as target, target.cursor() as cursor:
        for transfer in transfers:
            clock = time.perf_counter()
            cursor.adbc_ingest(transfer.table, _reader(duck, transfer), mode="create")
            steps[f"transfer_{transfer.table}"] = time.perf_counter() - clock
        clock = time.perf_counter()
        target.commit()
        steps["transfer_commit"] = time.perf_counter() - clock
    attached = conn.info.setdefault(ATTACHED_KEY, [])
    conn.exec_driver_sql(f"ATTACH DATABASE ? AS {SQLITE_SCHEMA}", (str(path),))
    attached.append(SQLITE_SCHEMA)
    return SQLITE_TABLES


def _query(duck: Any, transfer: Transfer) -> str:
    """A query for the transfer's rows that needs no parameters: one with parameters is
    run once into a DuckDB temporary table (neither an Arrow reader nor ``COPY`` takes
    parameters)."""
    if not transfer.params:
        return transfer.query
    duck.execute(
        f"CREATE OR REPLACE TEMPORARY TABLE _transfer AS {transfer.query}", transfer.params
    )
    return "SELECT * FROM _transfer"


def _reader(duck: Any, transfer: Transfer) -> Any:
    """An Arrow stream of the transfer's rows, in the query's order."""
    return duck.sql(_query(duck, transfer)).to_arrow_reader(BATCH_ROWS)


def _copy_postgres(conn: Connection, duck: Any, transfer: Transfer, scratch: Path) -> None:
    query = _query(duck, transfer)
    driver = conn.connection.driver_connection
    path = scratch / f"{transfer.table}.csv"
    duck.execute(f"COPY ({query}) TO '{path}' (FORMAT csv, HEADER false, QUOTE '\"')")
    names = ", ".join(transfer.columns)
    with (
        driver.cursor() as cursor,  # type: ignore[union-attr]
        cursor.copy(f"COPY {transfer.table} ({names}) FROM STDIN (FORMAT csv)") as copy,
        path.open("rb") as source,
    ):
        while block := source.read(1 << 20):
            copy.write(block)
    path.unlink()
