"""The `lendtag` command as a user and a script see it: --json documents, exit codes, messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lendtag.cli.main import app
from tests.factories import CUSTOMER_HEADER, customer, write_csv


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_import_and_read_back_as_json(runner: CliRunner, db: str, tmp_path: Path) -> None:
    code, out, _ = run(runner, "init", "--database-url", db, "--json")
    assert code == 0 and json.loads(out)["changed"] is True
    path = write_csv(tmp_path / "c.csv", [customer(1), customer(2, industry_code="Z99")])
    code, out, _ = run(
        runner, "import", "customers", str(path), "--channel", "web", "--database-url", db, "--json"
    )
    assert code == 0
    doc = json.loads(out)
    assert {k: doc[k] for k in ("accepted", "quarantined")} == {"accepted": 1, "quarantined": 1}
    assert isinstance(doc["batch_id"], int)
    code, out, _ = run(runner, "customers", "list", "--database-url", db, "--json")
    [listed] = json.loads(out)
    for key in (
        "credit_code",
        "name",
        "industry_code",
        "industry_section",
        "size_class",
        "size_indicators",
    ):
        assert key in listed
    code, out, _ = run(
        runner, "customers", "show", customer(1)["credit_code"], "--database-url", db, "--json"
    )
    shown = json.loads(out)
    assert shown["size_class"] == "small" and shown["channel"] == "branch"
    code, out, _ = run(runner, "quarantine", "list", "--database-url", db, "--json")
    [q] = json.loads(out)
    assert (q["row"], q["column"], q["value"]) == (3, "industry_code", "Z99")
    code, out, _ = run(
        runner,
        "quarantine",
        "release",
        str(q["id"]),
        "--set",
        "industry_code=C3411",
        "--database-url",
        db,
        "--json",
    )
    assert code == 0 and json.loads(out)["inserted"] == 1
    code, out, _ = run(runner, "batches", "list", "--database-url", db, "--json")
    assert [b["status"] for b in json.loads(out)] == ["committed", "committed"]


def test_errors_are_one_line_and_an_exit_code(runner: CliRunner, db: str, tmp_path: Path) -> None:
    code, out, err = run(runner, "customers", "list", "--database-url", db, "--json")
    assert code == 4
    assert json.loads(out)["error"]["code"] == "database_not_migrated"
    assert "lendtag init" in err and "Traceback" not in err
    run(runner, "init", "--database-url", db)
    code, out, err = run(runner, "customers", "show", "91330100000000000X", "--database-url", db)
    assert code == 3 and "no customer" in err and out == ""
    bad = write_csv(tmp_path / "c.csv", [customer(1)], [*CUSTOMER_HEADER[:-1], "colour"])
    code, out, err = run(runner, "import", "customers", str(bad), "--database-url", db, "--json")
    assert code == 2
    details = json.loads(out)["error"]["details"]
    assert details["missing"] == ["channel"] and details["unknown"] == ["colour"]
    code, _, err = run(runner, "import", "widgets", str(bad), "--database-url", db)
    assert code == 2 and "unknown kind" in err
    code, _, err = run(runner, "quarantine", "release", "1", "--set", "oops", "--database-url", db)
    assert code == 2 and "COLUMN=VALUE" in err


def test_database_url_from_environment(
    runner: CliRunner, db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LENDTAG_DATABASE_URL", db)
    code, out, _ = run(runner, "init", "--json")
    assert code == 0 and json.loads(out)["database"] == db


def test_help_lists_the_commands(runner: CliRunner) -> None:
    code, out, _ = run(runner, "--help")
    assert code == 0
    for command in ("init", "import", "quarantine", "customers", "demo-data", "demo"):
        assert command in out
