"""Schemathesis over the OpenAPI schema, in process: no operation ever answers 5xx."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from lendtag.api import create_app
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


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def book(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    tmp = tmp_path_factory.mktemp("fuzz")
    with module_database(request.param, tmp, "fuzz") as url:
        core = prepare_book(url, tmp)
        with TestClient(create_app(core=core), raise_server_exceptions=False) as client:
            tokens = {}
            for name in USERS:
                r = client.post("/api/v1/auth/token", data={"username": name, "password": PASSWORD})
                tokens[name] = r.json()["access_token"]
            yield Api(client, core, tokens)
        core.close()


@schema.exclude(operation_id=["auth.logout", "runs.create"]).parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error_as_admin(case: Any, book: Api) -> None:
    case.call_and_validate(app=book.client.app, headers=book.headers("admin1"), checks=CHECKS)
