"""The demo portfolio loads cleanly: every good row accepted, every planted defect caught."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lendtag.access.errors import AuthenticationError
from lendtag.cli.demo import LOAD_ORDER, load_demo
from lendtag.cli.main import app
from lendtag.core import Lendtag
from lendtag.core.quickstart import quarter_ends
from lendtag.demo import DEMO_AS_OF, generate_portfolio
from lendtag.settings import Settings


def test_demo_portfolio_loads_on_each_database(lt: Lendtag, tmp_path: Path) -> None:
    files = generate_portfolio(tmp_path / "demo", customers=300, seed=5)
    results = load_demo(lt, files, dt.date(DEMO_AS_OF.year - 3, 1, 1))
    by_kind = dict(zip((*LOAD_ORDER, "bad_customers"), results, strict=True))
    for kind in LOAD_ORDER:
        r = by_kind[kind]
        assert r["quarantined"] == 0, (kind, lt.quarantine_list(kind=kind)[:3])
        assert r["accepted"] == files.counts[kind], kind
    bad = by_kind["bad_customers"]
    assert bad["quarantined"] == len(files.bad_row_defects)
    caught = {q["row"] - 1 for q in lt.quarantine_list()}  # spreadsheet row → data row
    assert caught == set(files.bad_row_defects)
    summary = lt.portfolio_summary()
    assert summary["customers"] == 300 + bad["inserted"]
    assert set(summary["by_size_class"]) >= {"micro", "small", "medium"}


def test_demo_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    args = ["demo", "--customers", "200", "--no-serve", "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["database"] == "sqlite:///./lendtag.db" and (tmp_path / "lendtag.db").exists()
    assert doc["summary"]["customers"] >= 200
    assert doc["summary"]["quarantine_open"] > 0
    assert "api" not in doc
    # the standard catalog is published and tagged at five quarter-ends up to the as-of date
    assert sum(doc["catalog"]["published"].values()) > 40
    assert [r["as_of"] for r in doc["runs"]] == [
        "2025-06-30",
        "2025-09-30",
        "2025-12-31",
        "2026-03-31",
        "2026-06-30",
    ]
    assert all(r["changed"] > 0 for r in doc["runs"])
    assert doc["tags"]["published_tags"] > 40 and doc["tags"]["current_values"] > 200 * 20
    assert {u["role"] for u in doc["users"]} == {
        "admin",
        "risk_analyst",
        "relationship_manager",
        "approver",
        "auditor",
        "viewer",
    }
    with Lendtag(Settings(database_url=f"sqlite:///{tmp_path / 'lendtag.db'}")) as lt:
        assert lt.login("demo-rm", doc["password"])["token_type"] == "bearer"
        shown = lt.tags_show(lt.customers_list()[0]["credit_code"])
        assert {"enterprise_size", "province"} <= {t["tag"] for t in shown}

    again = CliRunner().invoke(app, args)
    assert again.exit_code == 0, again.stderr
    second = json.loads(again.stdout)
    assert all(b["inserted"] == 0 and b["updated"] == 0 for b in second["imports"])
    assert second["catalog"]["published"] == {}
    assert [(r["as_of"], r["changed"]) for r in second["runs"]] == [("2026-06-30", 0)]
    assert second["password"] != doc["password"]
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'lendtag.db'}")
    with Lendtag(settings) as lt, pytest.raises(AuthenticationError):
        lt.login("demo-admin", doc["password"])


def test_quarter_ends() -> None:
    assert quarter_ends(dt.date(2026, 6, 30), 3) == [
        dt.date(2025, 12, 31),
        dt.date(2026, 3, 31),
        dt.date(2026, 6, 30),
    ]
    assert quarter_ends(dt.date(2026, 5, 15), 4) == [
        dt.date(2025, 9, 30),
        dt.date(2025, 12, 31),
        dt.date(2026, 3, 31),
        dt.date(2026, 5, 15),
    ]
    assert quarter_ends(dt.date(2026, 1, 1), 2) == [dt.date(2025, 12, 31), dt.date(2026, 1, 1)]
    assert quarter_ends(dt.date(2026, 1, 1), 1) == [dt.date(2026, 1, 1)]
