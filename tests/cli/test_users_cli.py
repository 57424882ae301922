"""`lendtag users add|list|disable|enable|reset|token` and `lendtag audit verify --json`.

Passwords come on standard input (--password-stdin), never as an argument; an API token is
shown once and stored only as its hash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from typer.testing import CliRunner

from lendtag.cli.main import app
from lendtag.core import Lendtag
from lendtag.settings import Settings
from lendtag.store.models import ApiToken

PASSWORD = "a long enough passphrase"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A migrated SQLite store; cheap password hashing for the commands run in-process."""
    monkeypatch.setenv("LENDTAG_ARGON2_TIME_COST", "1")
    monkeypatch.setenv("LENDTAG_ARGON2_MEMORY_KIB", "1024")
    url = f"sqlite:///{tmp_path / 'users.db'}"
    with Lendtag(Settings(database_url=url)) as lt:
        lt.init()
    yield url


def run(db: str, *args: str, stdin: str | None = None) -> tuple[int, Any, str]:
    """Run a command with --json; (exit code, the JSON document or None, stderr)."""
    result = CliRunner().invoke(app, [*args, "--database-url", db, "--json"], input=stdin)
    lines = result.stdout.strip().splitlines()
    return result.exit_code, json.loads(lines[-1]) if lines else None, result.stderr


def core(db: str) -> Lendtag:
    return Lendtag(Settings(database_url=db, argon2_time_cost=1, argon2_memory_kib=1024))


def test_add_a_user_with_a_password_from_stdin_and_log_in(db: str) -> None:
    code, doc, _ = run(
        db,
        "users",
        "add",
        "Alice",
        "--role",
        "relationship_manager",
        "--branch",
        "HZ01",
        "--branch",
        "SH02",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert code == 0, doc
    assert doc == {
        "username": "alice",
        "role": "relationship_manager",
        "branches": ["HZ01", "SH02"],
        "authority_level": None,
    }
    code, listed, _ = run(db, "users", "list")
    assert code == 0
    assert listed == [
        {
            "username": "alice",
            "role": "relationship_manager",
            "authority_level": None,
            "branches": ["HZ01", "SH02"],
            "disabled": False,
            "locked": False,
            "has_password": True,
        }
    ]
    with core(db) as lt:
        assert lt.login("alice", PASSWORD)["token_type"] == "bearer"
        entries = [e for e in lt.audit_list(limit=100) if e["action"] == "user.add"]
        assert entries[0]["actor"].startswith("cli:") and PASSWORD not in str(entries)


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["bob", "--role", "viewer", "--password-stdin"], "short\n", "at least 12"),
        (["bob", "--role", "viewer", "--password-stdin"], "\n", "no password on standard input"),
        (["bob", "--role", "relationship_manager"], None, "needs at least one --branch"),
        (["bob", "--role", "approver"], None, "authority-level"),
        (["bob", "--role", "superuser"], None, "unknown role"),
        (["Bad Name!", "--role", "viewer"], None, "is not valid"),
    ],
)
def test_add_refuses_bad_requests(
    db: str, args: list[str], stdin: str | None, message: str
) -> None:
    code, doc, stderr = run(db, "users", "add", *args, stdin=stdin)
    assert code == 2, (code, doc)
    assert doc["error"]["code"] == "invalid_input" and message in doc["error"]["message"]
    assert message in " ".join(stderr.split())
    assert run(db, "users", "list")[1] == []


def test_disable_revokes_every_token_and_enable_lets_them_log_in_again(db: str) -> None:
    run(db, "users", "add", "carol", "--role", "viewer", "--password-stdin", stdin=PASSWORD)
    with core(db) as lt:
        session = lt.login("carol", PASSWORD)["access_token"]
    code, issued, _ = run(db, "users", "token", "carol", "--days", "7")
    assert code == 0
    code, doc, _ = run(db, "users", "disable", "carol")
    assert code == 0 and doc == {"username": "carol", "disabled": True, "tokens_revoked": 2}
    with core(db) as lt:
        assert lt.authenticate(session) is None and lt.authenticate(issued["token"]) is None
        with pytest.raises(Exception, match="wrong username or password"):
            lt.login("carol", PASSWORD)
    assert run(db, "users", "token", "carol")[0] == 2  # no new token for a disabled user
    assert run(db, "users", "enable", "carol")[1]["disabled"] is False
    with core(db) as lt:
        assert lt.authenticate(session) is None  # revoked tokens stay revoked
        assert lt.login("carol", PASSWORD)["access_token"]
    assert run(db, "users", "disable", "nobody")[0] != 0


def test_reset_needs_stdin_sets_the_new_password_and_ends_sessions(db: str) -> None:
    run(db, "users", "add", "dave", "--role", "viewer", "--password-stdin", stdin=PASSWORD)
    with core(db) as lt:
        session = lt.login("dave", PASSWORD)["access_token"]
    code, doc, _ = run(db, "users", "reset", "dave")
    assert code == 2 and "--password-stdin" in doc["error"]["message"]
    code, doc, _ = run(
        db, "users", "reset", "dave", "--password-stdin", stdin="an entirely new passphrase\n"
    )
    assert code == 0 and doc == {"username": "dave", "sessions_revoked": 1}
    with core(db) as lt:
        assert lt.authenticate(session) is None
        with pytest.raises(Exception, match="wrong username or password"):
            lt.login("dave", PASSWORD)
        assert lt.login("dave", "an entirely new passphrase")["access_token"]


def test_an_api_token_is_shown_once_and_stored_only_as_its_hash(db: str) -> None:
    run(db, "users", "add", "etl-bot", "--role", "admin")  # a service account: no password
    code, doc, _ = run(db, "users", "token", "etl-bot", "--days", "30", "--label", "nightly")
    assert code == 0 and doc["username"] == "etl-bot" and doc["token"].startswith("lt_")
    token = doc["token"]
    with core(db) as lt:
        principal = lt.authenticate(token)
        assert principal is not None and principal.username == "etl-bot"
        with lt.store.read() as conn:
            rows = [dict(r._mapping) for r in conn.execute(select(ApiToken.__table__))]
            dump = " ".join(
                str(v) for r in conn.execute(text("SELECT * FROM api_tokens")) for v in r
            )
    [row] = rows
    assert row["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert row["kind"] == "api" and row["label"] == "nightly"
    assert token not in dump and token[3:] not in dump
    # the plain-text output prints the token alone on stdout, for scripts
    result = CliRunner().invoke(app, ["users", "token", "etl-bot", "--database-url", db])
    assert result.exit_code == 0 and result.stdout.strip().startswith("lt_")
    assert "shown only once" in result.stderr


def test_audit_verify_as_json(db: str) -> None:
    run(db, "users", "add", "erin", "--role", "auditor", "--password-stdin", stdin=PASSWORD)
    run(db, "users", "token", "erin")
    code, doc, _ = run(db, "audit", "verify")
    assert code == 0
    assert doc["ok"] is True and doc["problems"] == [] and doc["entries"] == 2
    assert doc["head"]["seq"] == 2 and len(doc["head"]["hash"]) == 64
    with core(db) as lt, lt.store.write(audited=False) as conn:
        conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
        conn.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE seq = 1"))
    code, doc, _ = run(db, "audit", "verify")
    assert code == 1 and doc["ok"] is False
    assert [(p["seq"], p["problem"]) for p in doc["problems"]] == [(1, "edited")]
