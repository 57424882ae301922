"""One JSON error shape everywhere, pinned; never a traceback or SQL."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from lendtag.api import create_app
from lendtag.settings import Settings
from tests.api.conftest import ID_NUMBER, Api
from tests.factories import credit_code


def assert_error_shape(body: dict, code: str) -> None:
    assert set(body) == {"error"}
    err = body["error"]
    assert set(err) == {"code", "message", "details", "request_id"}
    assert err["code"] == code
    assert isinstance(err["message"], str) and err["message"]
    assert isinstance(err["details"], dict)
    assert len(err["request_id"]) >= 8
    text = str(body).lower()
    for leak in ("traceback", "select ", "sqlalchemy", "psycopg", "sqlite3", 'file "'):
        assert leak not in text


def test_the_error_shape_is_the_same_for_every_failure(api: Api) -> None:
    cases = [
        (api.client.get("/api/v1/nowhere"), 404, "not_found"),
        (api.client.delete("/healthz"), 405, "method_not_allowed"),
        (api.client.get("/api/v1/customers"), 401, "unauthenticated"),
        (api.get("auditor1", "/api/v1/customers"), 403, "forbidden"),
        (api.get("admin1", "/api/v1/customers", params={"limit": 0}), 422, "invalid_input"),
        (api.get("admin1", "/api/v1/customers/" + "9" * 18), 404, "not_found"),
        (
            api.post("analyst", "/api/v1/segments/count", json={"expression": "nope > 1"}),
            422,
            "catalog_error",
        ),
    ]
    for response, status, code in cases:
        assert response.status_code == status, response.text
        assert_error_shape(response.json(), code)
        assert response.headers["x-request-id"] == response.json()["error"]["request_id"]


def test_a_request_id_given_by_the_caller_is_kept(api: Api) -> None:
    r = api.client.get("/api/v1/customers", headers={"X-Request-ID": "abc-123-def"})
    assert r.json()["error"]["request_id"] == "abc-123-def"
    assert r.headers["x-request-id"] == "abc-123-def"


def test_an_unexpected_failure_is_a_500_without_internals(
    api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def boom(*_a: object, **_k: object) -> None:
        raise RuntimeError(f"SELECT secret FROM somewhere WHERE id = '{ID_NUMBER}'")

    monkeypatch.setattr(api.core, "customers_page", boom)
    caplog.set_level(logging.DEBUG)
    r = api.get("admin1", "/api/v1/customers", headers={"X-Request-ID": "planted-500"})
    assert r.status_code == 500
    assert_error_shape(r.json(), "internal_error")
    assert r.json()["error"]["request_id"] == "planted-500"
    assert r.headers["x-request-id"] == "planted-500"
    assert "secret" not in r.text and ID_NUMBER not in r.text
    [record] = [rec for rec in caplog.records if rec.levelno >= logging.ERROR]
    assert record.name == "lendtag.api" and record.exc_info is None
    message = record.getMessage()
    assert "RuntimeError" in message and "customers.list" in message and "planted-500" in message
    for leak in ("secret", "somewhere", ID_NUMBER):
        assert leak not in message
    # the request was counted as a 500 of its route
    metrics = api.client.get("/metrics").text
    assert 'route="customers.list",status="500"' in metrics


def test_a_failure_in_a_route_with_a_path_parameter_does_not_log_the_path(
    api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def boom(*_a: object, **_k: object) -> None:
        raise KeyError(ID_NUMBER)

    monkeypatch.setattr(api.core, "tags_history", boom)
    code = credit_code(1)
    r = api.get("admin1", f"/api/v1/customers/{code}/tags/history")
    assert r.status_code == 500 and r.headers["x-request-id"] == r.json()["error"]["request_id"]
    text = " ".join(rec.getMessage() for rec in caplog.records)
    assert "KeyError" in text and "customers.tag_history" in text
    assert code not in text and ID_NUMBER not in text


def test_health_is_503_in_the_error_shape_when_the_database_is_not_ready(
    tmp_path: Path,
) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'never-initialised.db'}")
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        r = client.get("/healthz")
    assert r.status_code == 503
    assert_error_shape(r.json(), "unavailable")
    assert r.json()["error"]["details"] == {
        "status": "unavailable",
        "database": "database_not_migrated",
    }
    assert "never-initialised" not in r.text  # the database's location is not told
    assert r.headers["x-request-id"] == r.json()["error"]["request_id"]
