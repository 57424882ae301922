"""Shared fixtures: a migrated lendtag core on SQLite and on PostgreSQL.

PostgreSQL is not optional: when LENDTAG_TEST_POSTGRES_URL (default: the CI server at
127.0.0.1:5432, database ``test``) cannot be reached, the tests that need it fail.
Each test gets its own PostgreSQL schema, so test runs never see each other's data.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from lendtag.core import Lendtag
from lendtag.settings import Settings

POSTGRES_URL = os.environ.get(
    "LENDTAG_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
_counter = itertools.count()


def _pg_schema_url(schema: str) -> str:
    sep = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A URL whose connections live in a fresh, private PostgreSQL schema."""
    schema = f"lt_test_{os.getpid()}_{next(_counter)}"
    admin = create_engine(POSTGRES_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # pragma: no cover - the environment, not the code
        pytest.fail(f"PostgreSQL at {POSTGRES_URL} is required and unreachable: {exc}")
    try:
        yield _pg_schema_url(schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty database, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'lendtag.db'}"
    url: str = request.getfixturevalue("pg_schema_url")
    return url


@pytest.fixture
def lt(database_url: str) -> Iterator[Lendtag]:
    """A migrated lendtag core on each database."""
    core = Lendtag(Settings(database_url=database_url, import_chunk_rows=100))
    core.init()
    yield core
    core.close()


@pytest.fixture
def sqlite_lt(tmp_path: Path) -> Iterator[Lendtag]:
    """A migrated lendtag core on SQLite only (for tests that are about files, not SQL)."""
    core = Lendtag(Settings(database_url=f"sqlite:///{tmp_path / 'lendtag.db'}"))
    core.init()
    yield core
    core.close()
