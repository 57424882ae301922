"""An API over a small book on SQLite and PostgreSQL, with one user of every role.

Branch HZ01 holds customers 1 and 2, branch SH02 customers 3 and 4. The relationship
manager ``rm_hz`` works for HZ01 only. Customer 1 has a legal representative with an
identity number and a phone (personal data).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from lendtag.api import create_app
from lendtag.core import Lendtag
from lendtag.ingest.specs import KINDS
from lendtag.settings import Settings
from tests.conftest import POSTGRES_URL, _pg_schema_url
from tests.factories import credit_code, customer, write_csv
from tests.tags.engine_fixtures import SMALL_CATALOG, load_catalog

PASSWORD = "correct horse battery staple"
ID_NUMBER = "11010519491231002X"
PHONE = "13800138000"
BRANCH_OF = {1: "HZ01", 2: "HZ01", 3: "SH02", 4: "SH02"}
USERS: dict[str, dict[str, Any]] = {
    "viewer1": {"role": "viewer"},
    "rm_hz": {"role": "relationship_manager", "branches": ["HZ01"]},
    "rm_sh": {"role": "relationship_manager", "branches": ["SH02"]},
    "analyst": {"role": "risk_analyst"},
    "approver1": {"role": "approver", "authority_level": 2},
    "auditor1": {"role": "auditor"},
    "admin1": {"role": "admin"},
}
ROLE_USER = {
    "viewer": "viewer1",
    "relationship_manager": "rm_hz",
    "risk_analyst": "analyst",
    "approver": "approver1",
    "auditor": "auditor1",
    "admin": "admin1",
}


def fast_settings(url: str, **extra: Any) -> Settings:
    """Cheap password hashing: the tests hash many passwords."""
    return Settings(
        database_url=url, argon2_time_cost=1, argon2_memory_kib=1024, import_chunk_rows=100, **extra
    )


def load_book(lt: Lendtag, tmp: Path) -> None:
    rows = [customer(n, branch=BRANCH_OF[n]) for n in BRANCH_OF]
    header = [*rows[0].keys()]
    lt.import_file(
        "customers", write_csv(tmp / "c.csv", rows, header), effective_date=dt.date(2024, 1, 1)
    )
    person = {
        "credit_code": credit_code(1),
        "relation": "legal_representative",
        "party_type": "person",
        "name": "张三丰",
        "id_number": ID_NUMBER,
        "phone": PHONE,
    }
    lt.import_file("persons", write_csv(tmp / "p.csv", [person], KINDS["persons"].header))
    load_catalog(lt, SMALL_CATALOG)
    lt.tags_run(dt.date(2026, 6, 30))


@dataclass
class Api:
    """A TestClient with a token per user."""

    client: TestClient
    core: Lendtag
    tokens: dict[str, str]

    def headers(self, user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[user]}"}

    def get(self, user: str, path: str, **kw: Any) -> Any:
        return self.client.get(path, headers=self.headers(user) | kw.pop("headers", {}), **kw)

    def post(self, user: str, path: str, **kw: Any) -> Any:
        return self.client.post(path, headers=self.headers(user) | kw.pop("headers", {}), **kw)

    def login(self, username: str, password: str = PASSWORD) -> Any:
        return self.client.post(
            "/api/v1/auth/token", data={"username": username, "password": password}
        )


def add_users(lt: Lendtag) -> None:
    for name, spec in USERS.items():
        lt.users_add(
            name,
            spec["role"],
            password=PASSWORD,
            branches=spec.get("branches"),
            authority_level=spec.get("authority_level"),
        )


def prepare_book(url: str, tmp: Path) -> Lendtag:
    """A migrated store at ``url`` holding the small book and one user of every role."""
    core = Lendtag(fast_settings(url))
    core.init()
    load_book(core, tmp)
    add_users(core)
    return core


@contextmanager
def module_database(kind: str, tmp: Path, name: str) -> Iterator[str]:
    """The URL of an empty database for a whole module: a SQLite file or a PostgreSQL schema."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp / 'lendtag.db'}"
        return
    schema = f"lt_{name}_{os.getpid()}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _pg_schema_url(schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def api(database_url: str, tmp_path: Path) -> Iterator[Api]:
    core = prepare_book(database_url, tmp_path)
    with TestClient(create_app(core=core), raise_server_exceptions=False) as client:
        tokens = {}
        for name in USERS:
            r = client.post("/api/v1/auth/token", data={"username": name, "password": PASSWORD})
            assert r.status_code == 200, r.text
            tokens[name] = r.json()["access_token"]
        yield Api(client, core, tokens)
    core.close()
