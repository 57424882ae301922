"""Extra fields in a request body change nothing: every body model forbids them."""

from __future__ import annotations

from tests.api.conftest import Api
from tests.factories import credit_code

CUSTOMER = f"/api/v1/customers/{credit_code(1)}"


def test_extra_fields_are_refused_and_nothing_changes(api: Api) -> None:
    before = api.get("admin1", CUSTOMER).json()
    for extra in (
        {"size_class": "large"},
        {"role": "admin"},
        {"status": "approved"},
        {"credit_code": credit_code(9)},
        {"industry_section": "J"},
    ):
        r = api.client.patch(
            CUSTOMER, json={"employees": 999, **extra}, headers=api.headers("admin1")
        )
        assert r.status_code == 422, extra
        assert r.json()["error"]["code"] == "invalid_input"
    after = api.get("admin1", CUSTOMER).json()
    assert {k: after[k] for k in ("employees", "size_class", "branch")} == {
        k: before[k] for k in ("employees", "size_class", "branch")
    }


def test_a_draft_cannot_publish_itself_or_claim_another_author(api: Api) -> None:
    body = {
        "code": "self_published",
        "name": {"zh": "自发布", "en": "Self published"},
        "description": {"zh": "测试", "en": "test"},
        "dimension": "risk",
        "kind": "rule",
        "value_type": "flag",
        "expression": "debt_ratio > 0.5",
        "owner": "risk",
        "purpose": ["credit_risk_assessment"],
    }
    r = api.post(
        "analyst", "/api/v1/definitions", json={"kind": "tag", "body": body, "status": "published"}
    )
    assert r.status_code == 422
    r = api.post(
        "analyst",
        "/api/v1/definitions",
        json={"kind": "tag", "body": body | {"status": "published"}},
    )
    assert r.status_code == 422
    r = api.post(
        "analyst", "/api/v1/definitions", json={"kind": "tag", "body": body, "author": "bob"}
    )
    assert r.status_code == 422
    assert (
        api.post("analyst", "/api/v1/definitions", json={"kind": "tag", "body": body}).status_code
        == 201
    )
    [version] = api.core.definition_versions("tag", "self_published")
    assert (version["status"], version["author"]) == ("draft", "analyst")
    api.post("analyst", "/api/v1/definitions/tag/self_published/submit", json={})
    own = api.post("analyst", "/api/v1/definitions/tag/self_published/publish", json={})
    assert own.status_code == 409 and "must not be the author" in own.json()["error"]["message"]
    ok = api.post("approver1", "/api/v1/definitions/tag/self_published/publish", json={})
    assert ok.status_code == 200


def test_a_manual_value_is_set_by_the_caller_whatever_the_body_says(api: Api) -> None:
    r = api.client.put(
        f"{CUSTOMER}/tags/watch_list",
        json={"value": "true", "reason": "visit", "set_by": "someone-else"},
        headers=api.headers("rm_hz"),
    )
    assert r.status_code == 422
    r = api.client.put(
        f"{CUSTOMER}/tags/watch_list",
        json={"value": "true", "reason": "visit"},
        headers=api.headers("rm_hz"),
    )
    assert r.status_code == 200
    [period] = api.core.tags_history(credit_code(1), "watch_list")
    assert period["set_by"] == "rm_hz"


def test_an_update_goes_to_the_history(api: Api) -> None:
    r = api.client.patch(
        CUSTOMER,
        json={"employees": 450, "effective_date": "2026-07-01"},
        headers=api.headers("rm_hz"),
    )
    assert r.status_code == 200 and r.json()["changed"] is True, r.text
    doc = api.get("rm_hz", CUSTOMER).json()
    assert doc["employees"] == 450 and doc["size_class"] == "medium"
    old = api.get("rm_hz", CUSTOMER, params={"as_of": "2026-06-30"}).json()
    assert old["employees"] == 120
    bad = api.client.patch(CUSTOMER, json={"industry_code": "Z9999"}, headers=api.headers("rm_hz"))
    assert bad.status_code == 422 and "industry_code" in bad.json()["error"]["message"]
