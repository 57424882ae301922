"""The demo portfolio loads cleanly: every good row accepted, every planted defect caught."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lendtag.cli.demo import LOAD_ORDER, load_demo
from lendtag.cli.main import app
from lendtag.core import Lendtag
from lendtag.demo import DEMO_AS_OF, generate_portfolio


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
    result = CliRunner().invoke(app, ["demo", "--customers", "200", "--json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["database"] == "sqlite:///./lendtag.db" and (tmp_path / "lendtag.db").exists()
    assert doc["summary"]["customers"] >= 200
    assert doc["summary"]["quarantine_open"] > 0
    again = CliRunner().invoke(app, ["demo", "--customers", "200", "--json"])
    assert again.exit_code == 0
    imports = json.loads(again.stdout)["imports"]
    assert all(b["inserted"] == 0 and b["updated"] == 0 for b in imports)
