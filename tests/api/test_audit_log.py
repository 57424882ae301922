"""The audit log: written with every change, hash-chained; any tampering is found and named."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Connection, text
from typer.testing import CliRunner

from lendtag.cli.main import app
from lendtag.core import Lendtag
from tests.api.conftest import Api
from tests.factories import credit_code


def drop_triggers(conn: Connection) -> None:
    """What someone with write access to the database would do first."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log"))
    else:
        conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
        conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))


def tamper(lt: Lendtag, statement: str) -> None:
    with lt.store.write(audited=False) as conn:
        drop_triggers(conn)
        conn.execute(text(statement))


def test_writes_logins_and_denials_are_in_the_log_and_the_chain_holds(api: Api) -> None:
    api.post("analyst", f"/api/v1/customers/{credit_code(1)}/tags/watch_list")  # 405
    api.client.put(
        f"/api/v1/customers/{credit_code(1)}/tags/watch_list",
        json={"value": "true", "reason": "site visit"},
        headers=api.headers("rm_hz"),
    )
    api.get("viewer1", "/api/v1/audit")
    actions = [(e["actor"], e["action"], e["outcome"]) for e in api.core.audit_list(limit=1000)]
    assert ("admin1", "auth.login", "ok") in actions
    assert ("rm_hz", "tag.set", "ok") in actions
    assert ("viewer1", "access.denied", "denied") in actions
    verdict = api.client.get("/api/v1/audit/verify", headers=api.headers("auditor1")).json()
    assert verdict["ok"] and verdict["entries"] == len(actions) == verdict["head"]["seq"]


def test_the_database_refuses_updates_and_deletes(api: Api) -> None:
    for statement in (
        "UPDATE audit_log SET actor = 'x' WHERE seq = 1",
        "DELETE FROM audit_log WHERE seq = 1",
    ):
        with (
            pytest.raises(Exception, match="append-only"),
            api.core.store.write(audited=False) as conn,
        ):
            conn.execute(text(statement))
    assert api.core.audit_verify()["ok"]


def problems(lt: Lendtag) -> list[tuple[int, str]]:
    doc = lt.audit_verify()
    return [(p["seq"], p["problem"]) for p in doc["problems"]]


TAMPERING: list[tuple[str, Callable[[int], str], Callable[[int], list[tuple[int, str]]]]] = [
    (
        "edited",
        lambda n: f"UPDATE audit_log SET actor = 'mallory' WHERE seq = {n // 2}",
        lambda n: [(n // 2, "edited")],
    ),
    (
        "deleted in the middle",
        lambda n: f"DELETE FROM audit_log WHERE seq = {n // 2}",
        lambda n: [(n // 2, "deleted")],
    ),
    (
        "deleted at the end",
        lambda n: f"DELETE FROM audit_log WHERE seq >= {n - 1}",
        lambda n: [(n - 1, "deleted")],
    ),
    (
        "reordered",
        lambda n: (
            "UPDATE audit_log SET seq = CASE seq WHEN 3 THEN -4 WHEN 4 THEN -3 END "
            "WHERE seq IN (3, 4); UPDATE audit_log SET seq = -seq WHERE seq < 0"
        ),
        lambda n: [(3, "reordered"), (4, "reordered")],
    ),
]


@pytest.mark.parametrize(
    ("case", "statement", "expected"), TAMPERING, ids=[t[0] for t in TAMPERING]
)
def test_tampering_is_detected_and_located(
    api: Api,
    case: str,
    statement: Callable[[int], str],
    expected: Callable[[int], list[tuple[int, str]]],
) -> None:
    n = api.core.audit_verify()["entries"]
    assert n >= 10
    for part in statement(n).split("; "):
        tamper(api.core, part)
    found = problems(api.core)
    assert found[: len(expected(n))] == expected(n), found


def test_audit_verify_on_the_command_line(api: Api) -> None:
    url = api.core.settings.database_url
    runner = CliRunner()
    ok = runner.invoke(app, ["audit", "verify", "--database-url", url, "--json"])
    assert ok.exit_code == 0 and '"ok": true' in ok.stdout
    tamper(api.core, "UPDATE audit_log SET details = '{}' WHERE seq = 2")
    bad = runner.invoke(app, ["audit", "verify", "--database-url", url])
    assert bad.exit_code == 1 and "entry 2 was edited" in bad.stderr
