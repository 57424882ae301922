"""Personal data is masked unless the role has clearance and the request states a purpose."""

from __future__ import annotations

import logging

import pytest

from tests.api.conftest import ID_NUMBER, PHONE, Api
from tests.factories import credit_code

CUSTOMER = f"/api/v1/customers/{credit_code(1)}"


def party(body: dict) -> dict:
    [p] = body["related_parties"]
    return p


def test_personal_fields_are_masked_by_default(api: Api) -> None:
    for user in ("viewer1", "rm_hz", "analyst", "approver1", "admin1"):
        r = api.get(user, CUSTOMER)
        assert r.status_code == 200
        p = party(r.json())
        assert (p["id_number"], p["phone"], p["name"]) == (
            "1101**********002X",
            "138****8000",
            "张**",
        )
        assert ID_NUMBER not in r.text and PHONE not in r.text and "张三丰" not in r.text


def test_unmasking_needs_clearance_and_a_purpose_and_is_audited(api: Api) -> None:
    no_purpose = api.get("rm_hz", CUSTOMER, params={"unmask": "true"})
    assert no_purpose.status_code == 403 and "purpose" in no_purpose.json()["error"]["message"]
    bad_purpose = api.get(
        "rm_hz", CUSTOMER, params={"unmask": "true"}, headers={"X-Purpose": "curiosity"}
    )
    assert bad_purpose.status_code == 403
    for user in ("viewer1", "analyst", "admin1"):
        r = api.get(
            user, CUSTOMER, params={"unmask": "true"}, headers={"X-Purpose": "credit_approval"}
        )
        assert r.status_code == 403 and "clearance" in r.json()["error"]["message"], user
    before = api.core.audit_verify()["entries"]
    r = api.get(
        "rm_hz", CUSTOMER, params={"unmask": "true"}, headers={"X-Purpose": "credit_approval"}
    )
    assert r.status_code == 200
    assert (party(r.json())["id_number"], party(r.json())["phone"]) == (ID_NUMBER, PHONE)
    [entry] = [
        e for e in api.core.audit_list(after=before) if e["action"] == "customer.read_unmasked"
    ]
    assert entry["actor"] == "rm_hz" and entry["object_id"] == credit_code(1)
    assert entry["details"]["purpose"] == "credit_approval"
    assert ID_NUMBER not in str(api.core.audit_list(limit=10_000))
    assert PHONE not in str(api.core.audit_list(limit=10_000))


def test_personal_data_never_reaches_logs_or_errors(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    api.get("rm_hz", CUSTOMER, params={"unmask": "true"}, headers={"X-Purpose": "credit_approval"})
    bad = (
        "credit_code,relation,party_type,name,id_number,phone,share_pct,related_credit_code\n"
        f"{credit_code(2)},guarantor,person,李四,110105194912310021,1380013800,,\n"
    )
    r = api.post(
        "rm_hz",
        "/api/v1/imports",
        data={"kind": "persons"},
        files={"file": ("guarantors.csv", bad.encode(), "text/csv")},
    )
    assert r.status_code == 201 and r.json()["quarantined"] == 1
    rows = api.get("rm_hz", "/api/v1/quarantine").json()
    text = str(rows)
    assert "110105194912310021" not in text and "1380013800" not in text
    assert rows[0]["errors"], rows
    for record in caplog.records:
        message = record.getMessage()
        for secret in (ID_NUMBER, PHONE, "110105194912310021", "1380013800"):
            assert secret not in message
