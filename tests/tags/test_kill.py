"""A run killed with SIGKILL at a random point leaves the previous state; a rerun completes it.

The reference is the same store copied before the run and run to completion undisturbed.
Both engines: the store's own, and DuckDB (killed while it reads, computes or hands over).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from lendtag.cli.demo import load_demo
from lendtag.core import Lendtag
from lendtag.demo import generate_portfolio
from lendtag.settings import Settings
from tests.tags.engine_fixtures import SMALL_CATALOG, load_catalog

AS_OF = dt.date(2026, 6, 30)
STATE_QUERIES = (
    "SELECT tag_code, credit_code, value, valid_from, fingerprint, source FROM tag_values "
    "ORDER BY tag_code, credit_code",
    "SELECT tag_code, credit_code, value, valid_from, valid_to, fingerprint FROM tag_history "
    "ORDER BY tag_code, credit_code, valid_from",
    "SELECT topic, key FROM outbox ORDER BY key, id",
)


def state(url: str) -> list[list[tuple[object, ...]]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        out = [[tuple(r) for r in conn.execute(text(q))] for q in STATE_QUERIES]
    engine.dispose()
    return out


def run_cli(url: str, as_of: dt.date, engine: str | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "lendtag",
            "tags",
            "run",
            "--as-of",
            as_of.isoformat(),
            "--database-url",
            url,
            *(["--engine", engine] if engine else []),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


@pytest.mark.slow
@pytest.mark.parametrize("engine", [None, "duckdb"])
def test_sigkill_at_random_points(tmp_path: Path, engine: str | None) -> None:
    db = tmp_path / "store.db"
    url = f"sqlite:///{db}"
    with Lendtag(Settings(database_url=url)) as lt:
        lt.init()
        files = generate_portfolio(tmp_path / "demo", customers=1500, seed=11)
        load_demo(lt, files, dt.date(2023, 1, 1))
        load_catalog(lt, SMALL_CATALOG)
        lt.tags_run(dt.date(2026, 3, 31))  # a previous state the killed runs must not disturb
    before = state(url)

    reference = tmp_path / "reference.db"
    shutil.copy(db, reference)
    started = time.perf_counter()
    assert run_cli(f"sqlite:///{reference}", AS_OF, engine).wait(timeout=300) == 0
    duration = time.perf_counter() - started
    expected = state(f"sqlite:///{reference}")
    assert expected != before

    rng = random.Random(20261203)
    for _ in range(4):
        proc = run_cli(url, AS_OF, engine)
        time.sleep(rng.uniform(0.05, duration * 0.95))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        now = state(url)
        # all or nothing: killed before its commit the run left no trace; killed after it
        # (or finished first) the run is complete
        assert now in (before, expected)
        if now == expected:
            break
    assert run_cli(url, AS_OF, engine).wait(timeout=300) == 0
    assert state(url) == expected
    assert run_cli(url, AS_OF, engine).wait(timeout=300) == 0  # and once more changes nothing
    assert state(url) == expected
