"""Object-level access: a relationship manager sees only the customers of their branches.

Every object, list and export endpoint is called with another branch's ids: the answer is
404 (or an empty list) and none of that branch's data appears anywhere in it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from lendtag.tags.definitions import Catalog
from tests.api.conftest import Api
from tests.factories import credit_code
from tests.tags.engine_fixtures import load_catalog

MINE = [credit_code(1), credit_code(2)]  # HZ01, rm_hz's
THEIRS = [credit_code(3), credit_code(4)]  # SH02


def leaks(response: Any) -> list[str]:
    return [c for c in THEIRS if c in response.text]


OBJECT_ROUTES = [
    ("GET", "/api/v1/customers/{c}", {}),
    ("GET", "/api/v1/customers/{c}/tags", {}),
    ("GET", "/api/v1/customers/{c}/tags/history", {}),
    ("GET", "/api/v1/customers/{c}/tags/overdue_30/explain", {}),
    ("PUT", "/api/v1/customers/{c}/tags/watch_list", {"json": {"value": "false", "reason": "x"}}),
    ("DELETE", "/api/v1/customers/{c}/tags/watch_list", {"params": {"reason": "x"}}),
    ("PATCH", "/api/v1/customers/{c}", {"json": {"employees": 7}}),
]


@pytest.mark.parametrize(("method", "path", "kw"), OBJECT_ROUTES)
def test_another_branch_s_customer_is_not_found(api: Api, method: str, path: str, kw: dict) -> None:
    for code in MINE + THEIRS:
        api.core.tags_set(code, "watch_list", "true", by="admin1", reason="setup")
    mine = api.client.request(method, path.format(c=MINE[0]), headers=api.headers("rm_hz"), **kw)
    assert mine.status_code < 400, mine.text
    for code in THEIRS:
        r = api.client.request(method, path.format(c=code), headers=api.headers("rm_hz"), **kw)
        assert r.status_code == 404, (path, r.text)
        assert r.json()["error"]["code"] == "not_found"
        assert r.json()["error"]["message"] == f"no customer with credit code {code}"
    # the same answer as for a customer that does not exist at all
    ghost = api.client.request(method, path.format(c="9" * 18), headers=api.headers("rm_hz"), **kw)
    assert ghost.status_code == 404
    # the other branch's customer is untouched and its manager still sees it
    other = api.get("rm_sh", f"/api/v1/customers/{THEIRS[0]}")
    assert other.status_code == 200 and other.json()["employees"] == 120
    assert {t["tag"]: t["value"] for t in other.json()["tags"]}["watch_list"] == "true"


def test_denied_objects_are_audited(api: Api) -> None:
    api.get("rm_hz", f"/api/v1/customers/{THEIRS[0]}")
    entries = [e for e in api.core.audit_list(limit=1000) if e["action"] == "access.denied"]
    assert entries[-1]["actor"] == "rm_hz" and entries[-1]["object_id"] == THEIRS[0]


def test_lists_and_searches_hold_only_the_branch(api: Api) -> None:
    r = api.get("rm_hz", "/api/v1/customers")
    assert [c["credit_code"] for c in r.json()["items"]] == MINE and r.json()["total"] == 2
    assert not leaks(r)
    r = api.get("rm_hz", "/api/v1/customers", params={"branch": "SH02"})
    assert r.json() == {"items": [], "total": 0, "limit": 100, "offset": 0}
    r = api.get("rm_hz", "/api/v1/customers", params={"search": THEIRS[0]})
    assert r.json()["total"] == 0
    r = api.get("rm_hz", "/api/v1/customers", params={"tag": "overdue_30:false"})
    assert r.json()["total"] == 2 and not leaks(r)
    assert api.get("admin1", "/api/v1/customers").json()["total"] == 4


SEGMENT = {
    "code": "everyone",
    "name": {"zh": "全部", "en": "Everyone"},
    "expression": "employees > 0",
    "owner": "risk",
    "purpose": ["post_loan_monitoring"],
}


def test_segments_members_history_exports_and_counts_hold_only_the_branch(api: Api) -> None:
    load_catalog(api.core, Catalog.model_validate({"segments": [SEGMENT]}))
    api.core.tags_run(dt.date(2026, 9, 30))
    r = api.get("rm_hz", "/api/v1/segments/everyone/members")
    assert [m["credit_code"] for m in r.json()["items"]] == MINE and not leaks(r)
    r = api.get("rm_hz", "/api/v1/segments/everyone/history")
    assert {m["credit_code"] for m in r.json()} == set(MINE) and not leaks(r)
    r = api.get("rm_hz", "/api/v1/segments/everyone/history", params={"credit_code": THEIRS[0]})
    assert r.json() == []
    for fmt in ("csv", "xlsx", "parquet"):
        r = api.get("rm_hz", "/api/v1/segments/everyone/export", params={"format": fmt})
        assert r.status_code == 200
        if fmt == "csv":
            assert all(c in r.text for c in MINE) and not leaks(r)
        else:
            assert not any(c.encode() in r.content for c in THEIRS)
    r = api.post("rm_hz", "/api/v1/segments/count", json={"expression": "everyone"})
    assert r.json()["customers"] == 2 and r.json()["members"] == 2
    listed = api.get("rm_hz", "/api/v1/segments").json()
    assert listed and all("members" not in s for s in listed)
    assert api.get("analyst", "/api/v1/segments/everyone/members").json()["total"] == 4


def test_imports_and_quarantine_of_another_user_are_not_found(api: Api, tmp_path: Path) -> None:
    good = (
        "credit_code,name,industry_code,registered_capital,established_on,region_code,"
        "employees,revenue,total_assets,channel\n"
    )
    bad = good + "91330100MA2XXXXXXX,坏数据,C3411,1,2020-01-01,330100,1,1,1,branch\n"
    files = {"file": ("bad.csv", bad.encode(), "text/csv")}
    r = api.post("rm_sh", "/api/v1/imports", data={"kind": "customers"}, files=files)
    assert r.status_code == 201, r.text
    batch = r.json()["batch_id"]
    assert api.get("rm_sh", f"/api/v1/imports/{batch}").status_code == 200
    assert api.get("rm_hz", f"/api/v1/imports/{batch}").status_code == 404
    assert api.get("rm_hz", f"/api/v1/imports/{batch}/quarantine").status_code == 404
    assert batch not in [b["id"] for b in api.get("rm_hz", "/api/v1/imports").json()]
    rows = api.get("rm_sh", "/api/v1/quarantine").json()
    assert len(rows) == 1 and rows[0]["batch_id"] == batch
    assert api.get("rm_hz", "/api/v1/quarantine").json() == []
    release = api.post("rm_hz", f"/api/v1/quarantine/{rows[0]['id']}/release", json={"set": {}})
    assert release.status_code == 404
    assert api.get("admin1", f"/api/v1/imports/{batch}").json()["created_by"] == "rm_sh"


def test_an_upload_cannot_touch_another_branch_s_customers(api: Api) -> None:
    header = (
        "credit_code,name,industry_code,registered_capital,established_on,region_code,"
        "employees,revenue,total_assets,channel,branch\n"
    )
    row = "{c},{n},C3411,1,2020-01-01,330100,9,100,100,branch,{b}\n"
    text = header + "".join(
        [
            row.format(c=MINE[0], n="我的客户", b="HZ01"),
            row.format(c=THEIRS[0], n="抢来的客户", b="HZ01"),
            row.format(c=credit_code(9), n="别行新客户", b="SH02"),
        ]
    )
    files = {"file": ("mine.csv", text.encode(), "text/csv")}
    r = api.post("rm_hz", "/api/v1/imports", data={"kind": "customers"}, files=files)
    assert r.status_code == 201, r.text
    assert (r.json()["accepted"], r.json()["quarantined"]) == (1, 2)
    rows = api.get("rm_hz", f"/api/v1/imports/{r.json()['batch_id']}/quarantine").json()
    assert {(q["row"], q["column"], q["errors"][0]["code"]) for q in rows} == {
        (3, "credit_code", "out_of_scope"),
        (4, "branch", "out_of_scope"),
    }
    assert leaks(api.get("rm_hz", "/api/v1/quarantine")) == [THEIRS[0]]  # its own file's row
    theirs = api.get("rm_sh", f"/api/v1/customers/{THEIRS[0]}").json()
    assert theirs["branch"] == "SH02" and theirs["name"] != "抢来的客户"
    assert api.get("admin1", f"/api/v1/customers/{credit_code(9)}").status_code == 404
    assert api.get("rm_hz", f"/api/v1/customers/{MINE[0]}").json()["employees"] == 9


def test_a_scoped_user_cannot_move_a_customer_to_another_branch(api: Api) -> None:
    r = api.client.patch(
        f"/api/v1/customers/{MINE[0]}", json={"branch": "SH02"}, headers=api.headers("rm_hz")
    )
    assert r.status_code == 403
    assert api.get("rm_hz", f"/api/v1/customers/{MINE[0]}").json()["branch"] == "HZ01"
    r = api.client.patch(
        f"/api/v1/customers/{MINE[0]}", json={"branch": "SH02"}, headers=api.headers("admin1")
    )
    assert r.status_code == 200
    assert api.get("rm_hz", f"/api/v1/customers/{MINE[0]}").status_code == 404


PORTFOLIO_FIGURES = {"customers", "changed", "coverage"}


def test_runs_hide_portfolio_wide_figures_from_a_branch_user(api: Api) -> None:
    full = api.get("admin1", "/api/v1/tag-runs").json()
    assert full and set(full[0]) >= PORTFOLIO_FIGURES and full[0]["customers"] == 4
    listed = api.get("rm_hz", "/api/v1/tag-runs").json()
    assert [r["id"] for r in listed] == [r["id"] for r in full]
    for run in listed:
        assert not PORTFOLIO_FIGURES & set(run), run
    run_id = full[0]["id"]
    one = api.get("rm_hz", f"/api/v1/tag-runs/{run_id}")
    assert one.status_code == 200 and not PORTFOLIO_FIGURES & set(one.json())
    assert one.json()["as_of"] == full[0]["as_of"]
    assert api.get("viewer1", f"/api/v1/tag-runs/{run_id}").json()["coverage"]


def test_the_tag_catalog_hides_value_counts_and_coverage_from_a_branch_user(api: Api) -> None:
    full = {t["code"]: t for t in api.get("viewer1", "/api/v1/tags").json()}
    assert full["overdue_30"]["values"] and "coverage" in full["overdue_30"]
    scoped = {t["code"]: t for t in api.get("rm_hz", "/api/v1/tags").json()}
    assert set(scoped) == set(full)
    for tag in scoped.values():
        assert "values" not in tag and "coverage" not in tag, tag
        assert tag["name"] == full[tag["code"]]["name"]


def test_a_live_count_of_an_expression_counts_only_the_branch(api: Api) -> None:
    expression = {"expression": "employees > 0"}
    everyone = api.post("analyst", "/api/v1/segments/count", json=expression)
    assert everyone.status_code == 200 and everyone.json()["customers"] == 4
    r = api.post("rm_hz", "/api/v1/segments/count", json=expression)
    assert r.status_code == 200, r.text
    assert r.json()["customers"] == 2 and r.json()["members"] == 2
    # a condition that only another branch's customers meet counts none of them
    r = api.post("rm_hz", "/api/v1/segments/count", json={"expression": "branch = 'SH02'"})
    assert r.status_code == 200 and r.json()["members"] == 0 and not leaks(r)
