"""`lendtag tags …` and `lendtag catalog …` as a script sees them: every command with --json
prints exactly one JSON document on stdout."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from lendtag.cli.main import app
from lendtag.core import Lendtag
from lendtag.settings import Settings
from tests.factories import credit_code
from tests.tags.engine_fixtures import load_catalog, small_book
from tests.tags.test_bulk import EXTENSION

C1 = credit_code(1)
DRAFT = """\
code: leverage_band
name: {zh: 杠杆, en: Leverage}
description: {zh: 杠杆, en: Leverage}
dimension: risk
kind: rule
value_type: category
categories:
  - {value: low, name: {zh: 低, en: low}}
  - {value: high, name: {zh: 高, en: high}}
expression: "CASE WHEN debt_ratio > 0.85 THEN 'high' WHEN debt_ratio IS NOT NULL THEN 'low' END"
owner: risk
purpose: [credit_risk_assessment]
"""


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    with Lendtag(Settings(database_url=url)) as lt:
        lt.init()
        load_catalog(lt)
        small_book(lt, tmp_path)
    return url


def call(runner: CliRunner, db: str | None, *args: str) -> Any:
    """Run a command with --json; it must succeed and print one JSON document."""
    extra = ["--database-url", db] if db else []
    result = runner.invoke(app, [*args, *extra, "--json"])
    assert result.exit_code == 0, result.stderr or result.stdout
    return json.loads(result.stdout)  # one document: anything after it is "extra data"


def test_run_prints_exactly_the_documented_keys(runner: CliRunner, db: str) -> None:
    doc = call(runner, db, "tags", "run", "--as-of", "2026-06-30")
    assert set(doc) == {"run_id", "as_of", "customers", "tags", "changed"}
    assert (doc["as_of"], doc["customers"], doc["tags"]) == ("2026-06-30", 3, 5)
    again = call(runner, db, "tags", "run", "--as-of", "2026-06-30", "--engine", "duckdb")
    assert set(again) == set(doc) and again["changed"] == 0
    help_text = runner.invoke(app, ["tags", "run", "--help"]).stdout
    assert "duckdb" in help_text


def test_questions_about_values(runner: CliRunner, db: str, tmp_path: Path) -> None:
    call(runner, db, "tags", "run", "--as-of", "2026-03-01")
    call(runner, db, "tags", "run", "--as-of", "2026-06-30")
    shown = call(runner, db, "tags", "show", C1.lower(), "--as-of", "2026-03-01")
    assert shown["credit_code"] == C1
    assert {t["tag"]: t["value"] for t in shown["tags"]}["leverage_band"] == "low"
    history = call(runner, db, "tags", "history", C1, "leverage_band")
    assert [(h["value"], h["valid_to"]) for h in history] == [
        ("low", "2026-06-30"),
        ("high", None),
    ]
    explained = call(runner, db, "tags", "explain", C1, "leverage_band")
    assert explained["decided_by"] == "WHEN debt_ratio > 0.7 THEN 'high'"
    matrix = call(
        runner, db, "tags", "migration", "leverage_band", "--from", "2026-03-01", "--to",
        "2026-06-30",
    )  # fmt: skip
    assert matrix["states"] == ["low", "high", "(none)"]
    draft = tmp_path / "draft.yaml"
    draft.write_text(DRAFT, encoding="utf-8")
    preview = call(runner, db, "tags", "preview", str(draft), "--as-of", "2026-06-30")
    assert preview["tag"] == "leverage_band" and preview["would_change"] == 1
    listed = call(runner, db, "tags", "list")
    assert {t["code"] for t in listed} >= {"leverage_band", "watch_list"}
    runs = call(runner, db, "tags", "runs")
    assert [r["as_of"] for r in runs] == ["2026-06-30", "2026-03-01"]


def test_manual_values_and_the_lifecycle(runner: CliRunner, db: str, tmp_path: Path) -> None:
    today = dt.date.today()
    expires = (today + dt.timedelta(days=30)).isoformat()
    doc = call(
        runner, db, "tags", "set", C1, "watch_list", "true", "--by", "carol", "--reason",
        "site visit", "--expires", expires,
    )  # fmt: skip
    assert doc == {
        "credit_code": C1,
        "tag": "watch_list",
        "value": "true",
        "since": today.isoformat(),
        "expires_on": expires,
    }
    cleared = call(
        runner, db, "tags", "clear", C1, "watch_list", "--by", "dave", "--reason", "resolved"
    )
    assert cleared["cleared"] == "true"
    [period] = call(runner, db, "tags", "history", C1, "watch_list")
    assert (period["closed_by"], period["close_reason"]) == ("dave", "resolved")

    draft = tmp_path / "draft.yaml"
    draft.write_text(DRAFT, encoding="utf-8")
    drafted = call(runner, db, "tags", "draft", str(draft), "--author", "alice")
    assert drafted == {"kind": "tag", "code": "leverage_band", "version": 2, "status": "draft"}
    submitted = call(runner, db, "tags", "submit", "leverage_band", "--by", "alice")
    assert (submitted["step"], submitted["version"]) == ("submit", 2)
    refused = runner.invoke(
        app, ["tags", "publish", "leverage_band", "--by", "alice", "--database-url", db, "--json"]
    )
    assert refused.exit_code != 0
    assert "must not be the author" in json.loads(refused.stdout)["error"]["message"]
    published = call(runner, db, "tags", "publish", "leverage_band", "--by", "bob")
    assert (published["step"], published["version"]) == ("publish", 2)
    versions = call(runner, db, "tags", "versions", "leverage_band")
    assert [v["status"] for v in versions] == ["retired", "published"]


def test_catalog_exchange(runner: CliRunner, db: str, tmp_path: Path) -> None:
    out = tmp_path / "catalog.yaml"
    exported = call(runner, db, "catalog", "export", str(out))
    assert exported["file"] == str(out) and exported["counts"]["tags"] == 6
    inline = call(runner, db, "catalog", "export")
    assert inline["yaml"] == out.read_text(encoding="utf-8")
    assert inline["sha256"] == exported["sha256"]

    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    call(runner, None, "init", "--database-url", fresh)
    imported = call(runner, fresh, "catalog", "import", str(out), "--by", "carol", "--submit")
    assert len(imported["submitted"]) == 1 + 2 + 6  # dimension, features, tags
    published = call(runner, fresh, "catalog", "publish", "--by", "dave")
    assert len(published["published"]) == 9 and published["left_in_review"] == []
    again = call(runner, fresh, "catalog", "export")
    assert again["yaml"] == inline["yaml"]

    ext = tmp_path / "ext.yaml"
    ext.write_text(EXTENSION, encoding="utf-8")
    valid = call(runner, None, "catalog", "validate", str(ext), "--with-standard")
    assert valid == {"file": str(ext), "valid": True, "counts": valid["counts"]}
    assert valid["counts"]["tags"] == 1
    bad = tmp_path / "bad.yaml"
    bad.write_text(EXTENSION.replace("negative_equity", "negative_equty"), encoding="utf-8")
    result = runner.invoke(app, ["catalog", "validate", str(bad), "--with-standard", "--json"])
    assert result.exit_code != 0
    error = json.loads(result.stdout)["error"]
    [problem] = error["details"]["errors"]
    assert (problem["line"], problem["code"]) == (15, "cash_rich")
    schema = call(runner, None, "catalog", "schema")
    assert schema["title"] == "lendtag catalog (lendtag-catalog/1)"
    loaded = call(runner, fresh, "catalog", "load-standard", "--by", "ops")
    assert loaded["reviewer"] == "lendtag-standard"
