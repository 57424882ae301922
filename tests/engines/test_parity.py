"""Same values on every engine: the store's own and DuckDB write identical text.

On a demo portfolio with a broad catalog, on SQLite and PostgreSQL: a rerun on the other
engine for the same date writes nothing, and the same runs on each engine from a clean
slate leave identical values, history and segment memberships.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import text

from lendtag.cli.demo import load_demo
from lendtag.core import Lendtag
from lendtag.demo import generate_portfolio
from tests.engines.catalog import catalogs
from tests.tags.engine_fixtures import load_catalog

D1, D2 = dt.date(2026, 3, 31), dt.date(2026, 6, 30)
STATE = {
    "tag_values": "SELECT tag_code, credit_code, value, valid_from, fingerprint, source "
    "FROM tag_values ORDER BY tag_code, credit_code",
    "tag_history": "SELECT tag_code, credit_code, value, valid_from, valid_to, fingerprint "
    "FROM tag_history ORDER BY tag_code, credit_code, valid_from",
    "segment_members": "SELECT segment_code, credit_code, valid_from, fingerprint "
    "FROM segment_members ORDER BY segment_code, credit_code",
    "segment_history": "SELECT segment_code, credit_code, valid_from, valid_to "
    "FROM segment_history ORDER BY segment_code, credit_code, valid_from",
    "outbox": "SELECT topic, key FROM outbox ORDER BY topic, key",
}
RUN_TABLES = ("tag_values", "tag_history", "segment_members", "segment_history", "outbox")


@pytest.fixture
def portfolio(lt: Lendtag, tmp_path: Path) -> Lendtag:
    files = generate_portfolio(tmp_path / "demo", customers=400, seed=7)
    load_demo(lt, files, dt.date(2023, 1, 1))
    for cat in catalogs():
        load_catalog(lt, cat)
    return lt


def state(lt: Lendtag) -> dict[str, list[tuple[object, ...]]]:
    with lt.store.read() as conn:
        return {name: [tuple(r) for r in conn.execute(text(q))] for name, q in STATE.items()}


def reset_runs(lt: Lendtag) -> None:
    with lt.store.write(audited=False) as conn:
        for name in (*RUN_TABLES, "tag_runs"):
            conn.execute(text(f"DELETE FROM {name}"))


def own(lt: Lendtag) -> str:
    return "sqlite" if lt.store.dialect == "sqlite" else "postgres"


@pytest.mark.slow
def test_alternating_engines_writes_no_spurious_change(portfolio: Lendtag) -> None:
    first = portfolio.tags_run(D1)
    assert first.changed > 5000 and first.engine == own(portfolio)
    assert portfolio.tags_run(D1, engine="duckdb").changed == 0
    moved = portfolio.tags_run(D2, engine="duckdb")
    assert moved.changed > 0 and moved.engine == "duckdb"
    assert portfolio.tags_run(D2).changed == 0
    assert portfolio.tags_run(D2, engine="duckdb").changed == 0


@pytest.mark.slow
def test_each_engine_from_a_clean_slate_leaves_the_same_state(portfolio: Lendtag) -> None:
    results = {}
    states = {}
    for engine in (own(portfolio), "duckdb"):
        reset_runs(portfolio)
        results[engine] = [portfolio.tags_run(d, engine=engine) for d in (D1, D2)]
        states[engine] = state(portfolio)
    store, duck = states[own(portfolio)], states["duckdb"]
    for name in STATE:
        assert store[name] == duck[name], name
    assert store["tag_history"] and store["segment_members"] and store["segment_history"]
    a, b = results[own(portfolio)], results["duckdb"]
    assert [(r.customers, r.tags, r.changed, r.coverage) for r in a] == [
        (r.customers, r.tags, r.changed, r.coverage) for r in b
    ]
    values = {v for (_, _, v, *_rest) in duck["tag_values"]}
    assert any(v.startswith("-") and "." in v for v in values)  # negative decimals
    assert all(not v.endswith((".0", ".")) and v != "-0" for v in values)
