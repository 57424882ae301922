"""Copy what a run reads from the store into DuckDB, typed exactly.

The tables and columns to copy are found in the point-in-time base query itself (every
column it references of a store table or view), so there is one definition of the base:
``lendtag.tags.pit``. Types come from the SQLAlchemy models: dates are DATE, flags BOOLEAN,
integers BIGINT, and money follows the store's own arithmetic — DOUBLE on SQLite (whose
NUMERIC columns hold doubles), DECIMAL(p, s) as declared on PostgreSQL — so DuckDB computes
what the store would.

Readers: SQLite through ADBC (Arrow, from a second connection: the run holds the write
lock, so no one can change what it reads), PostgreSQL through ``COPY … TO STDOUT`` on the
run's own connection (so it reads the run's own REPEATABLE READ snapshot).
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, cast

import sqlglot
from sqlalchemy import Boolean, Column, Connection, Date, DateTime, Float, Integer, Numeric, Table
from sqlalchemy.dialects import postgresql
from sqlglot import exp

from lendtag.store.models import Enterprise
from lendtag.store.models.base import Base
from lendtag.tags.errors import TagRunError
from lendtag.tags.pit import base_query


@dataclass(frozen=True)
class SourceColumn:
    name: str
    kind: str  # boolean | integer | number | date | text
    duck_type: str


@dataclass(frozen=True)
class Source:
    """A store table (or view) and the columns of it the base reads."""

    name: str
    columns: tuple[SourceColumn, ...]
    where: str = ""  # an extra SQL filter on the store side (current values only)


def duck_base_sql(as_of: dt.date) -> str:
    """The base query for DuckDB (PostgreSQL's SQL, which DuckDB reads as it is)."""
    return str(
        base_query("postgresql", as_of).compile(
            dialect=postgresql.dialect(),  # type: ignore[no-untyped-call]
            compile_kwargs={"literal_binds": True},
        )
    )


def _kind(column: Column[Any]) -> str:
    t = column.type
    if isinstance(t, Boolean):
        return "boolean"
    if isinstance(t, Date) and not isinstance(t, DateTime):
        return "date"
    if isinstance(t, Integer):
        return "integer"
    if isinstance(t, Numeric | Float):
        return "number"
    return "text"


def _duck_type(column: Column[Any], store_dialect: str) -> str:
    kind = _kind(column)
    if kind == "number":
        t = column.type
        if (
            store_dialect == "postgresql"
            and isinstance(t, Numeric)
            and not isinstance(t, Float)
            and t.precision is not None
            and t.precision <= 38
        ):
            return f"DECIMAL({t.precision}, {t.scale or 0})"
        return "DOUBLE"
    return {"boolean": "BOOLEAN", "date": "DATE", "integer": "BIGINT", "text": "VARCHAR"}[kind]


def _model_columns(name: str) -> dict[str, Column[Any]]:
    if name == "enterprise_timeline":  # the view: an enterprise's attributes over time
        view = cast(Table, Enterprise.__table__)
        columns: dict[str, Column[Any]] = {c.name: c for c in view.columns}
        columns["valid_from"] = Column("valid_from", Date())
        columns["valid_to"] = Column("valid_to", Date())
        return columns
    table = Base.metadata.tables.get(name)
    if not isinstance(table, Table):
        raise TagRunError(f"the base query reads {name!r}, which is not a lendtag table")
    return {c.name: c for c in table.columns}


def base_sources(store_dialect: str, as_of: dt.date) -> list[Source]:
    """Every store table or view the base query reads, with the columns it uses."""
    tree = sqlglot.parse_one(duck_base_sql(as_of), read="postgres")
    ctes = {c.alias for c in tree.find_all(exp.CTE)}
    used: dict[str, set[str]] = {}
    for table in tree.find_all(exp.Table):
        if table.name not in ctes:
            used.setdefault(table.name, set())
    for col in tree.find_all(exp.Column):
        if col.table and col.table not in ctes:
            used.setdefault(col.table, set()).add(col.name)
    sources = []
    for name in sorted(used):
        model = _model_columns(name)
        unknown = sorted(used[name] - set(model))
        if unknown:
            raise TagRunError(f"the base query reads unknown columns {unknown} of {name}")
        cols = tuple(
            SourceColumn(c, _kind(model[c]), _duck_type(model[c], store_dialect))
            for c in sorted(used[name])
        )
        sources.append(Source(name, cols))
    return sources


def text_source(name: str, columns: list[str], where: str) -> Source:
    """A source of text columns (current tag values, segment members)."""
    return Source(name, tuple(SourceColumn(c, "text", "VARCHAR") for c in columns), where)


# -- readers ---------------------------------------------------------------------------------


class Reader(Protocol):
    def load_all(self, duck: Any, sources: list[tuple[Source, str]]) -> None:
        """Create each DuckDB table ``target`` from the store's ``source``."""


_SQLITE_READ = {  # CAST for a stable Arrow type, and a first row that fixes it
    "boolean": ("CAST({c} AS INTEGER)", "0"),
    "integer": ("CAST({c} AS INTEGER)", "0"),
    "number": ("CAST({c} AS REAL)", "0.5"),
    "date": ("CAST({c} AS TEXT)", "''"),
    "text": ("CAST({c} AS TEXT)", "''"),
}


def _typed_select(source: Source, relation: str) -> str:
    cols = ", ".join(f'CAST("{c.name}" AS {c.duck_type}) AS "{c.name}"' for c in source.columns)
    return f"SELECT {cols} FROM {relation}"


class SqliteReader:
    """Reads SQLite tables into Arrow through ADBC, in a child process (``sqlite_export``).

    ADBC infers each column's type from the first rows, so every column is cast and the
    result starts with a typed sentinel row, dropped afterwards.
    """

    def __init__(self, path: str, scratch: Path) -> None:
        self._path = path
        self._dir = scratch

    @staticmethod
    def select(source: Source) -> str:
        sentinel = ", ".join(f'{_SQLITE_READ[c.kind][1]} AS "{c.name}"' for c in source.columns)
        cols = ", ".join(
            _SQLITE_READ[c.kind][0].format(c=f'"{c.name}"') + f' AS "{c.name}"'
            for c in source.columns
        )
        where = f" WHERE {source.where}" if source.where else ""
        return f'SELECT {sentinel} UNION ALL SELECT {cols} FROM "{source.name}"{where}'

    def load_all(self, duck: Any, sources: list[tuple[Source, str]]) -> None:
        jobs = [
            {"sql": self.select(s), "out": str(self._dir / f"{target}.arrow")}
            for s, target in sources
        ]
        with subprocess.Popen(
            [sys.executable, "-m", "lendtag.engines.sqlite_export", self._path],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ) as child:
            try:
                self._receive(duck, sources, jobs, child)
            finally:
                if child.poll() is None:
                    child.kill()

    def _receive(
        self,
        duck: Any,
        sources: list[tuple[Source, str]],
        jobs: list[dict[str, str]],
        child: subprocess.Popen[str],
    ) -> None:
        import pyarrow as pa

        assert child.stdin is not None and child.stdout is not None
        child.stdin.write(json.dumps(jobs))
        child.stdin.close()
        for (source, target), job in zip(sources, jobs, strict=True):
            if child.stdout.readline().strip() != job["out"]:
                raise self._failure(child, source.name)
            with pa.memory_map(job["out"]) as mapped:
                arrow = pa.ipc.open_file(mapped).read_all().slice(1)
                duck.register("_arrow_in", arrow)
                try:
                    typed = _typed_select(source, "_arrow_in")
                    duck.execute(f"CREATE TABLE {target} AS {typed}")
                finally:
                    duck.unregister("_arrow_in")
                del arrow
            Path(job["out"]).unlink()
        if child.wait() != 0:
            raise self._failure(child, "the store")

    def _failure(self, child: subprocess.Popen[str], what: str) -> TagRunError:
        child.wait()
        error = (child.stderr.read() if child.stderr else "").strip().splitlines()
        return TagRunError(
            f"reading {what} from the SQLite store {self._path} failed: "
            f"{error[-1] if error else f'the reader exited with {child.returncode}'}",
            details={"database": self._path, "table": what},
        )


class PostgresReader:
    """Reads PostgreSQL tables with COPY on the run's own connection, through a CSV file."""

    def __init__(self, conn: Connection, temp_dir: Path) -> None:
        self._driver = conn.connection.driver_connection
        self._dir = temp_dir

    def load(self, duck: Any, source: Source, target: str) -> None:
        select = ", ".join(f'"{c.name}"' for c in source.columns)
        where = f" WHERE {source.where}" if source.where else ""
        path = self._dir / f"{target}.csv"
        statement = f'COPY (SELECT {select} FROM "{source.name}"{where}) TO STDOUT (FORMAT csv)'
        with (
            self._driver.cursor() as cursor,  # type: ignore[union-attr]
            cursor.copy(statement) as copy,
            path.open("wb") as out,
        ):
            for block in copy:
                out.write(block)
        types = ", ".join(f"'{c.name}': '{c.duck_type}'" for c in source.columns)
        relation = (
            f"read_csv('{path}', columns = {{{types}}}, header = false, auto_detect = false, "
            "allow_quoted_nulls = false, quote = '\"', escape = '\"')"
        )
        duck.execute(f"CREATE TABLE {target} AS SELECT * FROM {relation}")
        path.unlink()

    def load_all(self, duck: Any, sources: list[tuple[Source, str]]) -> None:
        for source, target in sources:
            self.load(duck, source, target)


def reader_for(conn: Connection, database: str | None, scratch: Path) -> Reader:
    """The reader for the run's store."""
    if conn.dialect.name == "postgresql":
        return PostgresReader(conn, scratch)
    if database in (None, "", ":memory:") or str(database).startswith("file:"):
        raise TagRunError(
            "the DuckDB engine reads the store from its file; an in-memory SQLite "
            "database cannot be read by another process — use the store's own "
            "engine (--engine sqlite)",
            details={"database": database, "expected": "a SQLite file"},
        )
    return SqliteReader(str(Path(database).resolve()), scratch)


def scratch_dir(base: Path | None) -> tempfile.TemporaryDirectory[str]:
    """A private folder for DuckDB's spill files and CSV transfers, removed afterwards."""
    if base is not None:
        base.mkdir(parents=True, exist_ok=True)
    return tempfile.TemporaryDirectory(prefix="lendtag-duckdb-", dir=base)
