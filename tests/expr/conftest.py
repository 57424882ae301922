"""Fixtures of the expression-language tests: one connection per engine for the session.

PostgreSQL is required: when the server at LENDTAG_TEST_POSTGRES_URL cannot be reached, the
tests that use it fail (they are never skipped).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.expr.engines import (
    POSTGRES_URL,
    DuckDBEngine,
    Engine,
    PostgresEngine,
    PythonEngine,
    SQLiteEngine,
)


@pytest.fixture(scope="session")
def sqlite_engine() -> SQLiteEngine:
    return SQLiteEngine()


@pytest.fixture(scope="session")
def duckdb_engine() -> DuckDBEngine:
    return DuckDBEngine()


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[PostgresEngine]:
    try:
        engine = PostgresEngine()
    except Exception as exc:  # the environment, not the code
        pytest.fail(f"PostgreSQL at {POSTGRES_URL} is required and unreachable: {exc}")
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def sql_engines(
    sqlite_engine: SQLiteEngine, duckdb_engine: DuckDBEngine, postgres_engine: PostgresEngine
) -> list[Engine]:
    """The three SQL engines, each compared with the Python back end."""
    return [sqlite_engine, duckdb_engine, postgres_engine]


@pytest.fixture(scope="session")
def python_engine() -> PythonEngine:
    return PythonEngine()
