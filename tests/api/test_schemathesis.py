"""Schemathesis over the OpenAPI schema, in process: no operation ever answers 5xx.

As admin (every operation, SQLite and PostgreSQL), as a risk analyst and as a branch-scoped
relationship manager (the operations their role is granted, SQLite)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from lendtag.access.roles import Role
from lendtag.api import create_app
from lendtag.api.policy import POLICY
from lendtag.settings import Settings
from tests.api.conftest import PASSWORD, USERS, Api, module_database, prepare_book
from tests.factories import credit_code

CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]
KNOWN = {
    "credit_code": [credit_code(n) for n in (1, 2, 3, 4)],
    "tag": ["overdue_30", "leverage_band", "watch_list"],
    "code": ["overdue_30", "leverage_band", "watch_list", "risk"],
    "batch_id": [1, 2],
    "row_id": [1],
    "run_id": [1],
}

schema = schemathesis.openapi.from_dict(create_app(Settings(database_url="sqlite://")).openapi())
schema.config.generation.update(max_examples=10)


@schema.hook
def flatmap_path_parameters(_ctx: Any, params: dict[str, Any]) -> Any:
    known = {k: st.sampled_from(v) for k, v in KNOWN.items() if k in (params or {})}
    if not known:
        return st.just(params)
    return st.one_of(st.just(params), st.fixed_dictionaries(known).map(lambda d: params | d))


def open_book(kind: str, tmp: Path) -> Iterator[Api]:
    with module_database(kind, tmp, "fuzz") as url:
        core = prepare_book(url, tmp)
        with TestClient(create_app(core=core), raise_server_exceptions=False) as client:
            tokens = {}
            for name in USERS:
                r = client.post("/api/v1/auth/token", data={"username": name, "password": PASSWORD})
                tokens[name] = r.json()["access_token"]
            yield Api(client, core, tokens)
        core.close()


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def book(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    yield from open_book(request.param, tmp_path_factory.mktemp("fuzz"))


@pytest.fixture(scope="module")
def sqlite_book(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """The book on SQLite only: the role-specific runs below check the routes' own logic
    (what a role may reach, the branch filter), which the admin run already takes through
    both databases' SQL; one database keeps the file under two minutes."""
    yield from open_book("sqlite", tmp_path_factory.mktemp("fuzz-roles"))


SKIPPED = ["auth.logout", "runs.create"]  # ends the session; a run per example is slow
"""Operations not fuzzed: the other tests of the suite cover them."""


def granted(role: Role) -> list[str]:
    """The operations the policy grants ``role``, less the skipped ones."""
    return sorted(name for name, roles in POLICY.items() if role in roles and name not in SKIPPED)


@schema.exclude(operation_id=SKIPPED).parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error_as_admin(case: Any, book: Api) -> None:
    case.call_and_validate(app=book.client.app, headers=book.headers("admin1"), checks=CHECKS)


@schema.include(operation_id=granted(Role.RISK_ANALYST)).parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), max_examples=8)
def test_no_server_error_as_risk_analyst(case: Any, sqlite_book: Api) -> None:
    """The analyst's routes: drafts and the lifecycle, previews, runs' reads, the outbox."""
    api = sqlite_book
    case.call_and_validate(app=api.client.app, headers=api.headers("analyst"), checks=CHECKS)


@schema.include(operation_id=granted(Role.RELATIONSHIP_MANAGER)).parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), max_examples=8)
def test_no_server_error_as_branch_relationship_manager(case: Any, sqlite_book: Api) -> None:
    """Every path a branch-scoped user takes (customers, imports, segments) filters by branch."""
    api = sqlite_book
    case.call_and_validate(app=api.client.app, headers=api.headers("rm_hz"), checks=CHECKS)
