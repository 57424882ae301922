"""The engines the differential tests run expressions on: Python, SQLite, DuckDB, PostgreSQL.

Each engine holds one table ``t`` with a column per name of ``SCHEMA`` and evaluates a
compiled expression over a list of rows with ``SELECT <expr> FROM t ORDER BY id``. Values
come back normalised by the expression's type (SQLite's 0/1 booleans and ISO-text dates,
PostgreSQL's and DuckDB's native types) so they can be compared with ``==``.
"""

from __future__ import annotations

import datetime
import decimal
import math
import os
import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import duckdb
import psycopg

from lendtag.expr import CompiledExpression, Type

SCHEMA: dict[str, str] = {
    "i1": "integer",
    "i2": "integer",
    "n1": "number",
    "n2": "number",
    "t1": "text",
    "t2": "text",
    "b1": "boolean",
    "d1": "date",
    "d2": "date",
}
COLUMNS = tuple(SCHEMA)
Row = Mapping[str, Any]

POSTGRES_URL = os.environ.get(
    "LENDTAG_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


class OutOfDomainError(Exception):
    """The engine hit a floating-point overflow: outside the documented domain."""


def normalize(value: Any, type_: Type) -> Any:
    """An engine's value as the Python back end's value of the same SQL value."""
    if value is None:
        return None
    if type_ == Type.BOOLEAN:
        assert value in (0, 1), value
        return bool(value)
    if type_ == Type.DATE:
        return datetime.date.fromisoformat(value) if isinstance(value, str) else value
    if type_ == Type.NUMBER:
        assert not isinstance(value, decimal.Decimal), "a number came back as an exact decimal"
        return float(value)
    if type_ == Type.INTEGER:
        assert isinstance(value, int) and not isinstance(value, bool), repr(value)
        return value
    assert isinstance(value, str), repr(value)
    return value


def same(left: Any, right: Any) -> bool:
    """Equality of normalised values (a float NaN never occurs; -0.0 equals 0.0)."""
    if isinstance(left, float) and isinstance(right, float):
        return left == right or (math.isinf(left) and left == right)
    return bool(left == right) and type(left) is type(right)


class Engine(Protocol):
    name: str

    def run(
        self, compiled: CompiledExpression, rows: Sequence[Row], as_of: datetime.date
    ) -> list[Any]: ...


class PythonEngine:
    name = "python"

    def run(
        self, compiled: CompiledExpression, rows: Sequence[Row], as_of: datetime.date
    ) -> list[Any]:
        return [compiled.evaluate(row, as_of) for row in rows]


def _values(row: Row, index: int, *, sqlite: bool = False) -> tuple[Any, ...]:
    out: list[Any] = [index]
    for column in COLUMNS:
        value = row.get(column)
        if sqlite and isinstance(value, datetime.date):
            value = value.isoformat()
        elif sqlite and isinstance(value, bool):
            value = int(value)
        out.append(value)
    return tuple(out)


_INSERT_COLUMNS = ", ".join(("id", *COLUMNS))


class SQLiteEngine:
    """Bound parameter for the as-of date (``:as_of``, ISO text)."""

    name = "sqlite"

    def __init__(self) -> None:
        self.connection = sqlite3.connect(":memory:")
        self.connection.execute(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, i1 INTEGER, i2 INTEGER, n1 REAL, n2 REAL,"
            " t1 TEXT, t2 TEXT, b1 INTEGER, d1 TEXT, d2 TEXT)"
        )

    def run(
        self, compiled: CompiledExpression, rows: Sequence[Row], as_of: datetime.date
    ) -> list[Any]:
        cursor = self.connection.cursor()
        cursor.execute("DELETE FROM t")
        marks = ", ".join("?" * (len(COLUMNS) + 1))
        cursor.executemany(
            f"INSERT INTO t ({_INSERT_COLUMNS}) VALUES ({marks})",
            [_values(row, i, sqlite=True) for i, row in enumerate(rows)],
        )
        sql = compiled.to_sql("sqlite")
        params = compiled.sql_parameters("sqlite", as_of)
        result = cursor.execute(f"SELECT {sql} FROM t ORDER BY id", params).fetchall()
        return [normalize(r[0], compiled.type) for r in result]


class DuckDBEngine:
    """Bound parameter for the as-of date (``$as_of``)."""

    name = "duckdb"

    def __init__(self) -> None:
        self.connection = duckdb.connect(":memory:")
        self.connection.execute(
            "CREATE TABLE t (id INTEGER, i1 BIGINT, i2 BIGINT, n1 DOUBLE, n2 DOUBLE,"
            " t1 VARCHAR, t2 VARCHAR, b1 BOOLEAN, d1 DATE, d2 DATE)"
        )

    def run(
        self, compiled: CompiledExpression, rows: Sequence[Row], as_of: datetime.date
    ) -> list[Any]:
        self.connection.execute("DELETE FROM t")
        marks = ", ".join("?" * (len(COLUMNS) + 1))
        self.connection.executemany(
            f"INSERT INTO t ({_INSERT_COLUMNS}) VALUES ({marks})",
            [_values(row, i) for i, row in enumerate(rows)],
        )
        sql = compiled.to_sql("duckdb")
        params = compiled.sql_parameters("duckdb", as_of) or None
        result = self.connection.execute(f"SELECT {sql} FROM t ORDER BY id", params).fetchall()
        return [normalize(r[0], compiled.type) for r in result]


class PostgresEngine:
    """psycopg with ``%(as_of)s`` (pyformat) when the expression uses AS_OF(); text columns
    carry an ICU collation, so a missing ``COLLATE "C"`` would change the answers."""

    name = "postgres"

    def __init__(self, url: str = POSTGRES_URL) -> None:
        self.connection = psycopg.connect(url.replace("+psycopg", ""), autocommit=True)
        text = 'TEXT COLLATE "en-x-icu"'
        self.connection.execute(
            "CREATE TEMP TABLE t (id INTEGER, i1 BIGINT, i2 BIGINT, n1 DOUBLE PRECISION,"
            f" n2 DOUBLE PRECISION, t1 {text}, t2 {text}, b1 BOOLEAN, d1 DATE, d2 DATE)"
        )

    def run(
        self, compiled: CompiledExpression, rows: Sequence[Row], as_of: datetime.date
    ) -> list[Any]:
        with self.connection.cursor() as cursor:
            cursor.execute("DELETE FROM t")
            marks = ", ".join(["%s"] * (len(COLUMNS) + 1))
            cursor.executemany(
                f"INSERT INTO t ({_INSERT_COLUMNS}) VALUES ({marks})",
                [_values(row, i) for i, row in enumerate(rows)],
            )
            sql = compiled.to_sql("postgres", param_style="pyformat")
            params = compiled.sql_parameters("postgres", as_of) or None
            try:
                cursor.execute(f"SELECT {sql} FROM t ORDER BY id", params)  # type: ignore[arg-type]
            except psycopg.errors.NumericValueOutOfRange as error:
                if "value out of range: " in str(error):  # float8 overflow or underflow
                    raise OutOfDomainError(str(error)) from error
                raise
            return [normalize(r[0], compiled.type) for r in cursor.fetchall()]

    def close(self) -> None:
        self.connection.close()
