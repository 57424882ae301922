"""One JSON error shape everywhere, pinned; never a traceback or SQL."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api


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
        raise RuntimeError("SELECT secret FROM somewhere: /srv/lendtag/core.py line 3")

    monkeypatch.setattr(api.core, "customers_page", boom)
    r = api.get("admin1", "/api/v1/customers")
    assert r.status_code == 500
    assert_error_shape(r.json(), "internal_error")
    assert "secret" not in r.text and "somewhere" not in r.text
    assert any("RuntimeError" in rec.getMessage() for rec in caplog.records)
    assert not any("secret" in rec.getMessage() for rec in caplog.records)
