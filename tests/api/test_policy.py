"""The route policy table is complete, and no role gets more than it grants."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from lendtag.access.roles import Role
from lendtag.api import create_app
from lendtag.api.policy import POLICY, PUBLIC, policy_table
from lendtag.settings import Settings
from tests.api.conftest import ROLE_USER, Api
from tests.factories import credit_code

PATH_VALUES = {
    "credit_code": credit_code(1),
    "tag": "overdue_30",
    "code": "overdue_30",
    "kind": "tag",
    "batch_id": "1",
    "row_id": "1",
    "run_id": "1",
}
QUERY_VALUES: dict[str, dict[str, str]] = {
    "tags.migration": {"from": "2026-01-01", "to": "2026-06-30"},
    "customers.tag_clear": {"reason": "policy test"},
}
SIDE_EFFECTS = {"auth.logout"}  # calling it as a granted role would end the session


def operations() -> list[tuple[str, str, str]]:
    schema = create_app(Settings(database_url="sqlite://")).openapi()
    return [
        (method.upper(), path, op["operationId"])
        for path, item in schema["paths"].items()
        for method, op in item.items()
    ]


def test_every_route_is_in_the_policy_and_the_policy_has_no_stale_route() -> None:
    names = {name for _, _, name in operations()}
    missing = names - set(POLICY) - PUBLIC
    assert not missing, f"routes without a policy entry: {sorted(missing)}"
    stale = (set(POLICY) | PUBLIC) - names
    assert not stale, f"policy entries for routes that do not exist: {sorted(stale)}"


def call(api: Api, user: str, method: str, path: str, name: str) -> Any:
    url = re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES[m.group(1)], path)
    kwargs: dict[str, Any] = {"params": QUERY_VALUES.get(name, {})}
    if method in ("POST", "PUT", "PATCH"):
        kwargs["json"] = {}
    return api.client.request(method, url, headers=api.headers(user), **kwargs)


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_no_role_gets_more_than_the_table_grants(api: Api, role: str) -> None:
    user = ROLE_USER[role]
    for method, path, name in operations():
        if name in PUBLIC:
            continue
        granted = Role(role) in POLICY[name]
        if granted and name in SIDE_EFFECTS:
            continue
        r = call(api, user, method, path, name)
        if granted:
            assert r.status_code != 403 or r.json()["error"]["code"] != "forbidden", (
                role,
                name,
                r.text,
            )
        else:
            assert r.status_code == 403, (role, name, r.status_code, r.text)
            assert r.json()["error"]["details"] == {"route": name, "role": role}


def test_denials_are_audited(api: Api) -> None:
    before = len(api.core.audit_list(limit=1000))
    assert api.get("viewer1", "/api/v1/audit").status_code == 403
    entries = api.core.audit_list(after=before, limit=10)
    denied = [e for e in entries if e["action"] == "access.denied"]
    assert denied and denied[-1]["actor"] == "viewer1"
    assert denied[-1]["object_id"] == "audit.list" and denied[-1]["outcome"] == "denied"


def test_public_routes_need_no_token(api: Api) -> None:
    assert api.client.get("/healthz").json() == {"status": "ok", "database": "ok"}
    assert "lendtag_http_requests_total" in api.client.get("/metrics").text


def test_the_table_in_docs_api_md_is_the_policy() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text(encoding="utf-8")
    start = doc.index("<!-- policy-table:")
    start = doc.index("\n", start) + 1
    documented = doc[start : doc.index("<!-- /policy-table -->")]
    table = policy_table(create_app(Settings(database_url="sqlite://")).openapi())
    assert documented == table, (
        "docs/api.md's role × route table is out of date; replace it with:\n" + table
    )
    # and the table says what the policy says, role by role
    for name, roles in POLICY.items():
        [row] = [line for line in table.splitlines() if line.startswith(f"| `{name}` |")]
        cells = [c.strip() for c in row.split("|")[3:-1]]
        assert cells == ["yes" if r in roles else "" for r in Role], name
