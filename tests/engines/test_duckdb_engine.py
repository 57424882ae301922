"""The DuckDB engine: chosen by --engine, recorded, refused where it cannot work."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from typer.testing import CliRunner

from lendtag.cli.main import app
from lendtag.core import Lendtag
from lendtag.settings import Settings
from lendtag.store.models import TagRun
from lendtag.tags.definitions import Catalog
from lendtag.tags.errors import TagRunError
from tests.factories import credit_code
from tests.tags.engine_fixtures import categories, load_catalog, small_book, tag

D1, D2 = dt.date(2026, 3, 1), dt.date(2026, 6, 30)


@pytest.fixture
def book(lt: Lendtag, tmp_path: Path) -> Lendtag:
    load_catalog(lt)
    small_book(lt, tmp_path)
    return lt


def test_values_on_duckdb_are_the_point_in_time_values(book: Lendtag) -> None:
    r = book.tags_run(D2, engine="duckdb")
    assert (r.engine, r.customers, r.tags, r.changed) == ("duckdb", 3, 5, 9)
    assert {v["tag"]: v["value"] for v in book.tags_show(credit_code(2))} == {
        "leverage_band": "high",
        "debt_ratio_pct": "90",
        "overdue_30": "true",
        "inquiry_count": "3",
        "litigation_flag": "true",
    }
    steps = {k for k in r.timings if not k.startswith(("write_", "transfer_"))}  # parts
    assert steps == {"read", "compute", "diff", "transfer", "write"}
    assert {"write_history", "write_update", "write_insert", "write_outbox"} <= set(r.timings)
    with book.store.read() as conn:
        run = conn.execute(
            select(
                TagRun.engine, TagRun.status, TagRun.changed, TagRun.coverage, TagRun.fingerprints
            )
        ).one()
    assert (run.engine, run.status, run.changed) == ("duckdb", "committed", 9)
    assert run.coverage["leverage_band"] == pytest.approx(0.6667)
    assert set(run.fingerprints) == {
        "leverage_band",
        "overdue_30",
        "debt_ratio_pct",
        "inquiry_count",
        "litigation_flag",
    }


def test_a_bad_category_fails_the_run_and_leaves_the_state(book: Lendtag) -> None:
    book.tags_run(D1, engine="duckdb")
    broken = Catalog.model_validate(
        {
            "tags": [
                tag(
                    "leverage_band",
                    "category",
                    "CASE WHEN debt_ratio > 0.7 THEN 'HIGH' ELSE 'low' END",
                    categories=categories("low", "high"),
                )
            ]
        }
    )
    load_catalog(book, broken)
    before = book.tags_show(credit_code(1))
    with pytest.raises(TagRunError, match=r"'HIGH'.*not one of its categories"):
        book.tags_run(D2, engine="duckdb")
    assert book.tags_show(credit_code(1)) == before
    with book.store.read() as conn:
        rows = conn.execute(select(TagRun.engine, TagRun.status).order_by(TagRun.id)).all()
    assert [tuple(r) for r in rows] == [("duckdb", "committed"), ("duckdb", "failed")]


def test_only_some_tags_on_duckdb(book: Lendtag) -> None:
    book.tags_run(D1)
    r = book.tags_run(D2, engine="duckdb", only=["overdue_30"])
    assert r.tags == 1 and r.changed == 1  # customer 2 is 30 days late by D2


def test_the_engine_must_fit_the_store(book: Lendtag) -> None:
    other = "postgres" if book.store.dialect == "sqlite" else "sqlite"
    with pytest.raises(TagRunError, match=f"--engine {other} cannot run on this store"):
        book.tags_run(D1, engine=other)
    with pytest.raises(TagRunError, match="unknown engine 'spark'"):
        book.tags_run(D1, engine="spark")


def test_an_in_memory_sqlite_store_needs_its_own_engine() -> None:
    with Lendtag(Settings(database_url="sqlite://")) as lt:
        lt.init()
        load_catalog(lt)
        with pytest.raises(TagRunError, match="in-memory SQLite"):
            lt.tags_run(D1, engine="duckdb")
        assert lt.tags_run(D1).engine == "sqlite"


def test_duckdb_settings(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        Settings(duckdb_memory_limit="lots")
    with pytest.raises(ValidationError):
        Settings(duckdb_threads=0)
    scratch = tmp_path / "scratch"
    url = f"sqlite:///{tmp_path / 'store.db'}"
    settings = Settings(
        database_url=url, duckdb_memory_limit="1GB", duckdb_threads=1, duckdb_temp_dir=scratch
    )
    with Lendtag(settings) as lt:
        lt.init()
        load_catalog(lt)
        small_book(lt, tmp_path)
        assert lt.tags_run(D2, engine="duckdb").changed == 9
    assert scratch.is_dir() and not any(scratch.iterdir())  # the run's files are gone


def test_cli_runs_on_duckdb(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with Lendtag(Settings(database_url=url)) as lt:
        lt.init()
        load_catalog(lt)
        small_book(lt, tmp_path)
    args = ["tags", "run", "--as-of", "2026-06-30", "--database-url", url, "--json"]
    result = CliRunner().invoke(app, [*args, "--engine", "duckdb"])
    assert result.exit_code == 0, result.output
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 0, again.output
    assert '"changed": 0' in again.stdout


def _attached(lt: Lendtag) -> set[str]:
    """The databases attached to any connection in the pool (all checked out at once)."""
    pooled = max(lt.store.engine.pool.checkedin(), 1)  # type: ignore[attr-defined]
    conns = [lt.store.engine.connect() for _ in range(pooled)]
    try:
        return {r[1] for c in conns for r in c.exec_driver_sql("PRAGMA database_list").all()}
    finally:
        for c in conns:
            c.close()


def test_the_sqlite_transfer_file_is_detached_after_the_run(
    sqlite_lt: Lendtag, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On SQLite the changes arrive in an attached file; once the run's transaction is
    over no pooled connection has it, whether the run committed or failed."""
    load_catalog(sqlite_lt)
    small_book(sqlite_lt, tmp_path)
    first = sqlite_lt.tags_run(D1, engine="duckdb")
    assert first.changed > 0
    assert "run_transfer" not in _attached(sqlite_lt)
    second = sqlite_lt.tags_run(D2, engine="duckdb")  # attaches again: it was detached
    assert second.changed > 0 and "run_transfer" not in _attached(sqlite_lt)

    def fail(*_: object, **__: object) -> int:
        raise RuntimeError("the disk is full")

    before = sqlite_lt.tags_show(credit_code(1))
    monkeypatch.setattr("lendtag.tags.run.apply_membership", fail)
    with pytest.raises(RuntimeError, match="disk is full"):
        sqlite_lt.tags_run(D2 + dt.timedelta(days=1), engine="duckdb")
    assert "run_transfer" not in _attached(sqlite_lt)
    assert sqlite_lt.tags_show(credit_code(1)) == before
