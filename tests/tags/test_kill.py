"""A run killed with SIGKILL at a random point leaves the previous state; a rerun completes it.

The reference is the same store (a copy of the SQLite file, or a second PostgreSQL schema
loaded the same way) run to completion undisturbed. Both engines — the store's own, and
DuckDB (killed while it reads, computes or hands over) — on SQLite and PostgreSQL, with a
catalog that has segments: values, history, segment membership and its history, and the
outbox events are all or nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from lendtag.cli.demo import load_demo
from lendtag.core import Lendtag
from lendtag.demo import generate_portfolio
from lendtag.settings import Settings
from lendtag.tags.definitions import Catalog
from tests.conftest import POSTGRES_URL
from tests.engines.catalog import segment
from tests.tags.engine_fixtures import SMALL_CATALOG, load_catalog

AS_OF = dt.date(2026, 6, 30)
SEGMENTS = Catalog.model_validate(
    {
        "segments": [
            segment("leveraged", "leverage_band = 'high'"),
            segment("overdue_borrowers", "overdue_30 AND loans_active > 0"),
            segment("small_low_leverage", "size_class IN ('small', 'micro') AND NOT overdue_30"),
        ]
    }
)
STATE_QUERIES = (
    "SELECT tag_code, credit_code, value, valid_from, fingerprint, source FROM tag_values "
    "ORDER BY tag_code, credit_code",
    "SELECT tag_code, credit_code, value, valid_from, valid_to, fingerprint FROM tag_history "
    "ORDER BY tag_code, credit_code, valid_from",
    "SELECT segment_code, credit_code, valid_from, fingerprint FROM segment_members "
    "ORDER BY segment_code, credit_code",
    "SELECT segment_code, credit_code, valid_from, valid_to, fingerprint FROM segment_history "
    "ORDER BY segment_code, credit_code, valid_from",
)
OUTBOX = "SELECT topic, key, payload FROM outbox ORDER BY topic, key, id"


def _event(payload: Any) -> str:
    """An outbox payload without the run id (a killed run may have used one up)."""
    doc = json.loads(payload) if isinstance(payload, str) else dict(payload)
    doc.pop("run_id", None)
    return json.dumps(doc, sort_keys=True, default=str)


def state(url: str) -> list[list[tuple[object, ...]]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        out = [[tuple(r) for r in conn.execute(text(q))] for q in STATE_QUERIES]
        out.append([(r.topic, r.key, _event(r.payload)) for r in conn.execute(text(OUTBOX))])
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


def prepare(url: str, files: Any) -> None:
    """The demo book, a catalog with segments, and a committed run before the killed ones."""
    with Lendtag(Settings(database_url=url)) as lt:
        lt.init()
        load_demo(lt, files, dt.date(2023, 1, 1))
        load_catalog(lt, SMALL_CATALOG)
        load_catalog(lt, SEGMENTS)
        lt.tags_run(dt.date(2026, 3, 31))


@contextmanager
def pg_schemas(*names: str) -> Iterator[list[str]]:
    """URLs of fresh PostgreSQL schemas, dropped afterwards."""
    admin = create_engine(POSTGRES_URL)
    sep = "&" if "?" in POSTGRES_URL else "?"
    schemas = [f"lt_kill_{os.getpid()}_{name}" for name in names]
    with admin.begin() as conn:
        for s in schemas:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{s}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{s}"'))
    try:
        yield [f"{POSTGRES_URL}{sep}options=-csearch_path%3D{s}" for s in schemas]
    finally:
        with admin.begin() as conn:
            for s in schemas:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{s}" CASCADE'))
        admin.dispose()


@contextmanager
def stores(database: str, tmp_path: Path, engine: str | None) -> Iterator[tuple[str, str]]:
    """(the store to kill runs in, an identical reference store), both prepared."""
    files = generate_portfolio(tmp_path / "demo", customers=1500, seed=11)
    if database == "sqlite":
        db, reference = tmp_path / "store.db", tmp_path / "reference.db"
        prepare(f"sqlite:///{db}", files)
        shutil.copy(db, reference)
        yield f"sqlite:///{db}", f"sqlite:///{reference}"
        return
    with pg_schemas(f"store_{engine or 'own'}", f"reference_{engine or 'own'}") as urls:
        for url in urls:
            prepare(url, files)
        yield urls[0], urls[1]


@pytest.mark.slow
@pytest.mark.parametrize("engine", [None, "duckdb"])
@pytest.mark.parametrize(
    "database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_sigkill_at_random_points(tmp_path: Path, database: str, engine: str | None) -> None:
    with stores(database, tmp_path, engine) as (url, reference):
        before = state(url)
        assert state(reference) == before
        started = time.perf_counter()
        assert run_cli(reference, AS_OF, engine).wait(timeout=300) == 0
        duration = time.perf_counter() - started
        expected = state(reference)
        assert expected != before
        assert expected[2] != before[2] and expected[3], "segment membership moves"

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
        assert run_cli(url, AS_OF, engine).wait(timeout=300) == 0  # once more changes nothing
        assert state(url) == expected
