"""Idempotency-Key: a repeat replays the first result; another body is 422; races have one
effect."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

from tests.api.conftest import Api

DRAFT = {
    "kind": "tag",
    "body": {
        "code": "big_debt",
        "name": {"zh": "高负债", "en": "Big debt"},
        "description": {"zh": "负债率高于九成", "en": "Debt ratio above 90%"},
        "dimension": "risk",
        "kind": "rule",
        "value_type": "flag",
        "expression": "debt_ratio > 0.9",
        "owner": "risk",
        "purpose": ["credit_risk_assessment"],
    },
}


def test_the_same_key_replays_the_first_result(api: Api) -> None:
    key = {"Idempotency-Key": "draft-1"}
    first = api.post("analyst", "/api/v1/definitions", json=DRAFT, headers=key)
    again = api.post("analyst", "/api/v1/definitions", json=DRAFT, headers=key)
    assert first.status_code == again.status_code == 201
    assert (
        first.json()
        == again.json()
        == {
            "kind": "tag",
            "code": "big_debt",
            "version": 1,
            "status": "draft",
        }
    )
    assert again.headers["idempotent-replayed"] == "true"
    assert len(api.core.definition_versions("tag", "big_debt")) == 1
    other = DRAFT | {"body": DRAFT["body"] | {"expression": "debt_ratio > 0.95"}}
    reused = api.post("analyst", "/api/v1/definitions", json=other, headers=key)
    assert reused.status_code == 422
    assert reused.json()["error"]["code"] == "idempotency_key_reused"


def test_keys_belong_to_their_user(api: Api) -> None:
    key = {"Idempotency-Key": "run-2026-06-30"}
    body = {"as_of": "2026-07-31"}
    mine = api.post("analyst", "/api/v1/tag-runs", json=body, headers=key)
    theirs = api.post("admin1", "/api/v1/tag-runs", json=body, headers=key)
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["run_id"] != theirs.json()["run_id"]


def test_concurrent_identical_requests_have_one_effect(api: Api) -> None:
    runs_before = len(api.core.tags_runs(100))
    key = {"Idempotency-Key": "concurrent-run"}
    body = {"as_of": (dt.date(2026, 8, 31)).isoformat()}

    def send(_: int) -> tuple[int, int]:
        r = api.post("analyst", "/api/v1/tag-runs", json=body, headers=key)
        return r.status_code, r.json().get("run_id", -1)

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(send, range(6)))
    assert {status for status, _ in results} == {201}
    assert len({run for _, run in results}) == 1
    assert len(api.core.tags_runs(100)) == runs_before + 1


def test_a_failed_first_attempt_can_be_retried(api: Api) -> None:
    key = {"Idempotency-Key": "retry-me"}
    broken = DRAFT | {"body": DRAFT["body"] | {"dimension": "nowhere"}}
    assert api.post("analyst", "/api/v1/definitions", json=broken, headers=key).status_code == 422
    fixed = api.post("analyst", "/api/v1/definitions", json=broken, headers=key)
    assert fixed.status_code == 422  # the same request fails the same way, nothing stored
    assert api.core.definition_versions("tag", "big_debt") == []
