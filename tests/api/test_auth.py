"""Logins, tokens, expiry, disable, lockout: one answer for every failure."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
from sqlalchemy import select, text, update

from lendtag.access import users
from lendtag.store.models import ApiToken
from lendtag.store.models.base import utcnow
from tests.api.conftest import PASSWORD, Api


def failure(r: Any) -> tuple[int, str, str, dict[str, Any]]:
    err = r.json()["error"]
    return r.status_code, err["code"], err["message"], err["details"]


def test_login_gives_an_expiring_bearer_token(api: Api) -> None:
    r = api.login("analyst")
    body = r.json()
    assert r.status_code == 200 and body["token_type"] == "bearer"
    assert 3500 <= body["expires_in"] <= 3600 and body["access_token"].startswith("lt_")
    me = api.client.get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert me.json() == {
        "username": "analyst",
        "role": "risk_analyst",
        "authority_level": None,
        "branches": [],
    }


def test_unknown_users_and_wrong_passwords_get_identical_answers(api: Api) -> None:
    unknown = api.login("nobody", PASSWORD)
    wrong = api.login("analyst", "not the password at all")
    assert failure(unknown) == failure(wrong)
    assert unknown.status_code == 401 and unknown.headers["www-authenticate"] == "Bearer"
    assert set(unknown.headers) - {"x-request-id", "content-length"} == set(wrong.headers) - {
        "x-request-id",
        "content-length",
    }
    reasons = [
        e["details"]["reason"]
        for e in api.core.audit_list(limit=1000)
        if e["action"] == "auth.login" and e["outcome"] == "failed"
    ]
    assert reasons[-2:] == ["unknown_user", "bad_password"]


def test_repeated_failures_lock_the_account_even_for_the_right_password(api: Api) -> None:
    for _ in range(5):
        assert api.login("approver1", "guess guess guess").status_code == 401
    locked = api.login("approver1", PASSWORD)
    assert failure(locked) == failure(api.login("nobody-at-all", PASSWORD))
    assert [u["locked"] for u in api.core.users_list() if u["username"] == "approver1"] == [True]
    api.core.users_reset("approver1", "a brand new passphrase")
    assert api.login("approver1", "a brand new passphrase").status_code == 200


def test_expired_revoked_and_disabled_tokens_stop_working(api: Api) -> None:
    headers = api.headers("viewer1")
    assert api.client.get("/api/v1/auth/me", headers=headers).status_code == 200
    with api.core.store.write(audited=False) as conn:
        conn.execute(
            update(ApiToken).values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        )
    expired = api.client.get("/api/v1/auth/me", headers=headers)
    assert failure(expired)[:2] == (401, "unauthenticated")

    token = api.login("analyst").json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    assert api.client.post("/api/v1/auth/logout", headers=auth).status_code == 204
    assert api.client.get("/api/v1/auth/me", headers=auth).status_code == 401

    token = api.login("rm_hz").json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    api.core.users_disable("rm_hz")
    assert api.client.get("/api/v1/auth/me", headers=auth).status_code == 401
    assert failure(api.login("rm_hz")) == failure(api.login("nobody", PASSWORD))


def test_service_account_api_tokens(api: Api) -> None:
    api.core.users_add("etl-bot", "admin", password=None)
    issued = api.core.users_token("etl-bot", days=30, label="nightly import")
    auth = {"Authorization": f"Bearer {issued['token']}"}
    assert api.client.get("/api/v1/auth/me", headers=auth).json()["username"] == "etl-bot"
    assert api.login("etl-bot", "").status_code in (401, 422)
    assert failure(api.login("etl-bot", PASSWORD))[0] == 401


def test_garbage_tokens_are_refused(api: Api) -> None:
    for header in ("Bearer", "Bearer ", "Bearer lt_" + "x" * 300, "Basic abc", "bearer lt_nope"):
        r = api.client.get("/api/v1/auth/me", headers={"Authorization": header})
        assert r.status_code == 401, header


def test_the_docs_authorize_button_logs_in_with_the_oauth2_password_flow(api: Api) -> None:
    schemes = api.client.get("/openapi.json").json()["components"]["securitySchemes"]
    [scheme] = schemes.values()
    assert scheme["type"] == "oauth2"
    assert scheme["flows"]["password"]["tokenUrl"] == "/api/v1/auth/token"
    # what Swagger UI's Authorize dialog sends
    form = {
        "grant_type": "password",
        "username": "viewer1",
        "password": PASSWORD,
        "scope": "",
        "client_id": "",
    }
    r = api.client.post("/api/v1/auth/token", data=form)
    assert r.status_code == 200, r.text
    auth = {"Authorization": f"Bearer {r.json()['access_token']}"}
    assert api.client.get("/api/v1/auth/me", headers=auth).json()["username"] == "viewer1"


def test_a_lockout_ends_after_the_configured_time(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = api.core.settings
    for _ in range(settings.login_max_failures):
        assert api.login("viewer1", "a wrong guess, again").status_code == 401
    locked_at = utcnow()

    def clock(after: dt.timedelta) -> None:
        monkeypatch.setattr(users, "utcnow", lambda: locked_at + after)

    lockout = dt.timedelta(minutes=settings.login_lockout_minutes)
    clock(lockout - dt.timedelta(seconds=30))
    still = api.login("viewer1")
    assert failure(still) == failure(api.login("nobody", PASSWORD))  # the right password, locked
    clock(lockout + dt.timedelta(seconds=1))
    assert api.login("viewer1").status_code == 200
    # the count started again: one more failure does not lock the account
    assert api.login("viewer1", "one more wrong guess").status_code == 401
    assert api.login("viewer1").status_code == 200
    reasons = [
        e["details"]["reason"]
        for e in api.core.audit_list(limit=1000)
        if e["action"] == "auth.login" and e["outcome"] == "failed" and e["actor"] == "viewer1"
    ]
    assert reasons == ["bad_password"] * settings.login_max_failures + ["locked", "bad_password"]


def test_tokens_are_stored_only_as_hashes(api: Api) -> None:
    session = api.login("analyst").json()["access_token"]
    api.core.users_add("feed-bot", "admin", password=None)
    service = api.core.users_token("feed-bot", days=1)["token"]
    with api.core.store.read() as conn:
        rows = [tuple(r) for r in conn.execute(text("SELECT * FROM api_tokens"))]
        hashes = {r.token_hash for r in conn.execute(select(ApiToken.token_hash))}
    stored = " ".join(str(v) for row in rows for v in row)
    for token in (session, service, *api.tokens.values()):
        assert token not in stored and token[3:] not in stored
        assert hashlib.sha256(token.encode()).hexdigest() in hashes
