"""The resources end to end: customers' filters and paging, imports and the quarantine, the
tag catalog and its lifecycle, runs, the outbox and the audit log as an auditor reads it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from tests.api.conftest import Api
from tests.factories import credit_code, customer, write_csv

NEW = [credit_code(5), credit_code(6)]


def add_two_customers(api: Api, tmp: Path) -> None:
    """A micro wholesaler (section F) and a large manufacturer, next to the small book."""
    rows = [
        customer(5, industry_code="F5171", employees="3", revenue="40", total_assets="90"),
        customer(6, employees="2500", revenue="900000", total_assets="1500000"),
    ]
    api.core.import_file("customers", write_csv(tmp / "more.csv", rows))


def codes(r: Any) -> list[str]:
    assert r.status_code == 200, r.text
    return [c["credit_code"] for c in r.json()["items"]]


def test_customers_filter_on_size_section_and_tags_and_page(api: Api, tmp_path: Path) -> None:
    add_two_customers(api, tmp_path)
    everyone = api.get("viewer1", "/api/v1/customers").json()
    assert everyone["total"] == 6
    sizes = {c["credit_code"]: c["size_class"] for c in everyone["items"]}
    assert (sizes[NEW[0]], sizes[NEW[1]], sizes[credit_code(1)]) == ("micro", "large", "small")

    assert codes(api.get("viewer1", "/api/v1/customers", params={"size_class": "micro"})) == [
        NEW[0]
    ]
    assert codes(api.get("viewer1", "/api/v1/customers", params={"size_class": "large"})) == [
        NEW[1]
    ]
    small = api.get("viewer1", "/api/v1/customers", params={"size_class": "small"})
    assert small.json()["total"] == 4 and NEW[0] not in codes(small)
    assert codes(api.get("viewer1", "/api/v1/customers", params={"section": "F"})) == [NEW[0]]
    assert api.get("viewer1", "/api/v1/customers", params={"section": "c"}).json()["total"] == 5
    both = api.get("viewer1", "/api/v1/customers", params={"section": "C", "size_class": "micro"})
    assert both.json() == {"items": [], "total": 0, "limit": 100, "offset": 0}

    api.core.tags_set(credit_code(2), "watch_list", "true", by="rm_hz", reason="site visit")
    api.core.tags_set(NEW[1], "watch_list", "true", by="admin1", reason="large exposure")
    watched = api.get("viewer1", "/api/v1/customers", params={"tag": "watch_list:true"})
    assert codes(watched) == sorted([credit_code(2), NEW[1]])
    combined = api.get(
        "viewer1",
        "/api/v1/customers",
        params={"tag": ["watch_list:true", "overdue_30:false"]},
    )
    assert codes(combined) == [credit_code(2)]  # customer 6 has no run values yet
    bad = api.get("viewer1", "/api/v1/customers", params={"tag": "watch_list"})
    assert bad.status_code == 422 and "CODE:VALUE" in bad.json()["error"]["message"]

    ordered = sorted(sizes)
    page = api.get("viewer1", "/api/v1/customers", params={"limit": 2, "offset": 2}).json()
    assert [c["credit_code"] for c in page["items"]] == ordered[2:4]
    assert (page["total"], page["limit"], page["offset"]) == (6, 2, 2)
    last = api.get("viewer1", "/api/v1/customers", params={"limit": 4, "offset": 4}).json()
    assert [c["credit_code"] for c in last["items"]] == ordered[4:] and last["total"] == 6
    beyond = api.get("viewer1", "/api/v1/customers", params={"offset": 100}).json()
    assert beyond["items"] == [] and beyond["total"] == 6
    assert api.get("viewer1", "/api/v1/customers", params={"limit": 1001}).status_code == 422


HEADER = (
    "credit_code,name,industry_code,registered_capital,established_on,region_code,"
    "employees,revenue,total_assets,channel\n"
)


def upload(api: Api, user: str, text: str, **kw: Any) -> Any:
    files = {"file": ("customers.csv", text.encode(), "text/csv")}
    return api.post(user, "/api/v1/imports", data={"kind": "customers"}, files=files, **kw)


def test_a_quarantined_row_is_corrected_and_released(api: Api) -> None:
    code = credit_code(7)
    r = upload(api, "admin1", HEADER + f"{code},新公司,Z99,1,2020-01-01,330100,10,100,100,web\n")
    assert r.status_code == 201 and (r.json()["accepted"], r.json()["quarantined"]) == (0, 1)
    batch = r.json()["batch_id"]
    [row] = api.get("admin1", f"/api/v1/imports/{batch}/quarantine").json()
    assert row["column"] == "industry_code" and row["status"] == "open"
    assert api.get("admin1", f"/api/v1/customers/{code}").status_code == 404

    still_bad = api.post(
        "admin1", f"/api/v1/quarantine/{row['id']}/release", json={"set": {"industry_code": "Z"}}
    )
    assert still_bad.status_code == 422, still_bad.text
    assert still_bad.json()["error"]["code"] == "release_rejected"
    assert api.get("admin1", "/api/v1/quarantine").json()[0]["status"] == "open"

    released = api.post(
        "admin1",
        f"/api/v1/quarantine/{row['id']}/release",
        json={"set": {"industry_code": "C3411"}, "effective_date": "2024-06-01"},
    )
    assert released.status_code == 200, released.text
    assert released.json()["accepted"] == 1
    assert api.get("admin1", "/api/v1/quarantine").json() == []
    [after] = api.get("admin1", "/api/v1/quarantine", params={"status": "released"}).json()
    assert after["id"] == row["id"]
    shown = api.get("admin1", f"/api/v1/customers/{code}").json()
    assert shown["industry_code"] == "C3411" and shown["effective_from"] == "2024-06-01"
    twice = api.post("admin1", f"/api/v1/quarantine/{row['id']}/release", json={"set": {}})
    assert twice.status_code == 422 and "already released" in twice.json()["error"]["message"]
    unknown = api.post("admin1", "/api/v1/quarantine/999999/release", json={"set": {}})
    assert unknown.status_code == 404


def test_an_upload_with_an_idempotency_key_is_imported_once(api: Api) -> None:
    text = HEADER + f"{credit_code(8)},又一家公司,C3411,1,2020-01-01,330100,10,100,100,web\n"
    key = {"Idempotency-Key": "upload-2026-07-01"}
    before = len(api.get("admin1", "/api/v1/imports").json())
    first = upload(api, "admin1", text, headers=key)
    again = upload(api, "admin1", text, headers=key)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and again.headers["idempotent-replayed"] == "true"
    assert len(api.get("admin1", "/api/v1/imports").json()) == before + 1
    other = upload(api, "admin1", text.replace("又一家", "另一家"), headers=key)
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    fresh = upload(api, "admin1", text)  # without a key, the same file is a new batch
    assert fresh.status_code == 201 and fresh.json()["batch_id"] != first.json()["batch_id"]


def test_a_release_with_an_idempotency_key_replays_its_answer(api: Api) -> None:
    code = credit_code(9)
    upload(api, "admin1", HEADER + f"{code},再一家,Z99,1,2020-01-01,330100,10,100,100,web\n")
    [row] = api.get("admin1", "/api/v1/quarantine").json()
    path = f"/api/v1/quarantine/{row['id']}/release"
    key = {"Idempotency-Key": f"release-{row['id']}"}
    body = {"set": {"industry_code": "C3411"}}
    first = api.post("admin1", path, json=body, headers=key)
    again = api.post("admin1", path, json=body, headers=key)
    assert first.status_code == again.status_code == 200, first.text
    assert first.json() == again.json() and again.headers["idempotent-replayed"] == "true"
    other = api.post("admin1", path, json={"set": {"industry_code": "C3412"}}, headers=key)
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert api.get("admin1", f"/api/v1/customers/{code}").json()["industry_code"] == "C3411"


def test_the_tag_catalog_reads(api: Api) -> None:
    listed = {t["code"]: t for t in api.get("viewer1", "/api/v1/tags").json()}
    assert {"overdue_30", "leverage_band", "watch_list"} <= set(listed)
    assert listed["overdue_30"]["values"] == {"false": 4}
    assert listed["overdue_30"]["coverage"] == 1.0
    one = api.get("viewer1", "/api/v1/tags/overdue_30").json()
    assert one["tag"] == "overdue_30" and one["version"] == 1
    assert one["definition"]["expression"] == "current_dpd > 30"
    assert [v["status"] for v in one["versions"]] == ["published"]
    assert len(one["fingerprint"]) == 64
    missing = api.get("viewer1", "/api/v1/tags/no_such_tag")
    assert missing.status_code == 404 and missing.json()["error"]["details"] == {
        "tag": "no_such_tag"
    }
    moved = api.get(
        "analyst",
        "/api/v1/tags/overdue_30/migration",
        params={"from": "2026-01-01", "to": "2026-06-30"},
    ).json()
    assert moved["states"] == ["false", "(none)"]
    assert moved["matrix"] == [[0, 0], [4, 0]] and (moved["stayed"], moved["moved"]) == (0, 4)


def test_a_preview_shows_what_a_draft_would_change_and_writes_nothing(api: Api) -> None:
    current = api.get("analyst", "/api/v1/tags/overdue_30").json()["definition"]
    draft = current | {"expression": "current_dpd >= 0"}
    audit_before = api.core.audit_verify()["entries"]
    r = api.post("analyst", "/api/v1/tags/preview", json={"tag": draft, "as_of": "2026-06-30"})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert (doc["tag"], doc["customers"], doc["new_tag"]) == ("overdue_30", 4, False)
    assert doc["distribution"] == {"true": 4} and doc["would_change"] == 4
    assert doc["changes"] == [{"from": "false", "to": "true", "customers": 4}]
    assert api.core.audit_verify()["entries"] == audit_before
    assert api.get("analyst", "/api/v1/tags/overdue_30").json()["version"] == 1
    broken = api.post(
        "analyst", "/api/v1/tags/preview", json={"tag": draft | {"expression": "x >"}}
    )
    assert broken.status_code == 422


def draft_body(code: str, expression: str) -> dict[str, Any]:
    return {
        "code": code,
        "name": {"zh": "大企业", "en": "Big staff"},
        "description": {"zh": "员工多", "en": "Many employees"},
        "dimension": "risk",
        "kind": "rule",
        "value_type": "flag",
        "expression": expression,
        "owner": "risk",
        "purpose": ["credit_risk_assessment"],
    }


def step(api: Api, user: str, code: str, name: str, note: str | None = None) -> Any:
    body = {"note": note} if note else {}
    return api.post(user, f"/api/v1/definitions/tag/{code}/{name}", json=body)


def test_a_draft_is_rejected_then_published_then_retired(api: Api) -> None:
    created = api.post(
        "analyst",
        "/api/v1/definitions",
        json={"kind": "tag", "body": draft_body("big_staff", "employees > 100")},
    )
    assert created.status_code == 201 and created.json()["version"] == 1
    assert step(api, "analyst", "big_staff", "submit").status_code == 200
    rejected = step(api, "approver1", "big_staff", "reject", "threshold too low")
    assert rejected.status_code == 200 and rejected.json()["step"] == "reject"
    [back] = api.get("viewer1", "/api/v1/definitions/tag/big_staff").json()
    assert back["status"] == "draft" and back["note"] == "threshold too low"  # back to the author
    assert step(api, "approver1", "big_staff", "publish").status_code == 409  # not in review
    assert api.get("viewer1", "/api/v1/tags/big_staff").status_code == 404

    api.post(
        "analyst",
        "/api/v1/definitions",
        json={"kind": "tag", "body": draft_body("big_staff", "employees > 1000")},
    )
    step(api, "analyst", "big_staff", "submit")
    assert step(api, "approver1", "big_staff", "publish").status_code == 200
    published = api.get("viewer1", "/api/v1/tags/big_staff").json()
    assert published["version"] == 1  # the rejected draft was rewritten, not kept
    assert published["definition"]["expression"] == "employees > 1000"
    assert "big_staff" in {t["code"] for t in api.get("viewer1", "/api/v1/tags").json()}

    retired = step(api, "approver1", "big_staff", "retire")
    assert retired.status_code == 200 and retired.json()["step"] == "retire"
    assert api.get("viewer1", "/api/v1/tags/big_staff").status_code == 404
    assert "big_staff" not in {t["code"] for t in api.get("viewer1", "/api/v1/tags").json()}
    statuses = [v["status"] for v in api.get("viewer1", "/api/v1/definitions/tag/big_staff").json()]
    assert statuses == ["retired"]
    in_use = step(api, "approver1", "leverage_band", "retire")  # litigation_flag reads it
    assert in_use.status_code == 409, in_use.text
    actions = [e["action"] for e in api.core.audit_list(limit=1000)]
    assert {"definition.reject", "definition.publish", "definition.retire"} <= set(actions)


def test_runs_are_listed_and_read(api: Api) -> None:
    created = api.post("analyst", "/api/v1/tag-runs", json={"as_of": "2026-07-31"})
    assert created.status_code == 201
    run_id = created.json()["run_id"]
    listed = api.get("viewer1", "/api/v1/tag-runs").json()
    assert [r["id"] for r in listed][:2] == [run_id, run_id - 1]
    assert listed[0]["as_of"] == "2026-07-31" and listed[0]["status"] == "committed"
    assert len(api.get("viewer1", "/api/v1/tag-runs", params={"limit": 1}).json()) == 1
    one = api.get("viewer1", f"/api/v1/tag-runs/{run_id}").json()
    assert one["id"] == run_id and one["customers"] == 4 and "overdue_30" in one["coverage"]
    missing = api.get("viewer1", "/api/v1/tag-runs/999999")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_the_outbox_is_read_in_order_and_acknowledged(api: Api) -> None:
    events = api.get("analyst", "/api/v1/outbox").json()
    assert len(events) == 4 and [e["id"] for e in events] == sorted(e["id"] for e in events)
    assert {e["topic"] for e in events} == {"tags.changed"}
    after = api.get("analyst", "/api/v1/outbox", params={"after": events[1]["id"]}).json()
    assert [e["id"] for e in after] == [e["id"] for e in events[2:]]
    ack = api.post("admin1", "/api/v1/outbox/ack", json={"ids": [events[0]["id"], 999_999]})
    assert ack.json() == {"requested": 2, "acknowledged": 1}
    again = api.post("admin1", "/api/v1/outbox/ack", json={"ids": [events[0]["id"]]})
    assert again.json() == {"requested": 1, "acknowledged": 0}
    pending = api.get("analyst", "/api/v1/outbox").json()
    assert [e["id"] for e in pending] == [e["id"] for e in events[1:]]
    everything = api.get("analyst", "/api/v1/outbox", params={"pending": "false"}).json()
    assert len(everything) == 4 and everything[0]["delivered_at"] is not None
    assert api.post("analyst", "/api/v1/outbox/ack", json={"ids": [1]}).status_code == 403
    assert api.post("admin1", "/api/v1/outbox/ack", json={"ids": []}).status_code == 422


def test_the_audit_log_as_an_auditor_reads_it(api: Api) -> None:
    api.get("viewer1", "/api/v1/audit")  # denied, and recorded
    entries = api.get("auditor1", "/api/v1/audit", params={"limit": 1000}).json()
    seqs = [e["seq"] for e in entries]
    assert seqs == list(range(1, len(seqs) + 1))
    later = api.get("auditor1", "/api/v1/audit", params={"after": seqs[-3]}).json()
    assert [e["seq"] for e in later] == seqs[-2:]
    assert len(api.get("auditor1", "/api/v1/audit", params={"limit": 2}).json()) == 2
    mine = api.get("auditor1", "/api/v1/audit", params={"actor": "viewer1"}).json()
    assert mine and {e["actor"] for e in mine} == {"viewer1"}
    assert [e["action"] for e in mine] == ["auth.login", "access.denied"]
    assert mine[-1]["details"]["reason"] == "role" and len(mine[-1]["hash"]) == 64
    assert api.get("auditor1", "/api/v1/audit", params={"actor": "nobody"}).json() == []
    assert dt.datetime.fromisoformat(str(mine[0]["at"]))
