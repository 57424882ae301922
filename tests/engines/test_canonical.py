"""The stored text of a number is the same on SQLite, PostgreSQL, DuckDB and in Python."""

from __future__ import annotations

import random
import sqlite3

import duckdb
import psycopg
import pytest

from lendtag.engines.canonical import canonical_number, canonical_value, number_sql
from lendtag.tags.definitions import Tag
from tests.conftest import POSTGRES_URL
from tests.tags.engine_fixtures import tag

EDGES = [
    0.0,
    -0.0,
    0.9999995,
    -0.9999995,
    2.9999999,
    1e-7,
    -1e-7,
    123.4565,
    0.0000005,
    -1234.5,
    1e17,
    9.2e18 - 4096,
    1 / 3,
    -2 / 3,
]


def sample(n: int, seed: int) -> list[float]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        k = rng.random()
        if k < 0.3:
            v = rng.uniform(-1e4, 1e4)
        elif k < 0.5:
            v = round(rng.uniform(-1e6, 1e6), rng.randint(0, 7))
        elif k < 0.7:
            v = (rng.randint(0, 10**7) + 0.5) / 10**6 * rng.choice([1, -1])  # ties
        elif k < 0.8:
            v = rng.uniform(-1e15, 1e15)
        elif k < 0.9:
            v = rng.random() * 1e-5 * rng.choice([1, -1])
        else:
            v = rng.randint(1, 1000) / rng.randint(1, 1000)
        out.append(float(v))
    return out + EDGES


def test_python_text_follows_the_rules() -> None:
    assert [canonical_number(v) for v in EDGES[:9]] == [
        "0",
        "0",
        "1",
        "-1",
        "3",
        "0",
        "0",
        "123.4565",
        "0.000001",
    ]
    assert canonical_number(-1234.5) == "-1234.5"
    assert canonical_number(1 / 3) == "0.333333" and canonical_number(-2 / 3) == "-0.666667"
    assert canonical_number(12) == "12" and canonical_number(1e17) == "100000000000000000"
    with pytest.raises(ValueError, match="finite"):
        canonical_number(float("inf"))


def test_flags_and_categories() -> None:
    flag = Tag.model_validate(tag("a_flag", "flag", "TRUE"))
    assert canonical_value(flag, True) == "true" and canonical_value(flag, 0) == "false"
    assert canonical_value(flag, None) is None


@pytest.mark.postgres
def test_every_engine_writes_the_same_text() -> None:
    values = sample(5000, 20261203)
    expected = [canonical_number(v) for v in values]
    rows = list(enumerate(values))

    lite = sqlite3.connect(":memory:")
    lite.execute("CREATE TABLE t (i INTEGER, x REAL)")
    lite.executemany("INSERT INTO t VALUES (?, ?)", rows)
    got = [r[0] for r in lite.execute(f"SELECT {number_sql('sqlite', 'x')} FROM t ORDER BY i")]
    assert got == expected
    assert lite.execute(f"SELECT {number_sql('sqlite', 'NULL')}").fetchone() == (None,)
    lite.close()

    duck = duckdb.connect()
    duck.execute("CREATE TABLE t (i INTEGER, x DOUBLE)")
    duck.executemany("INSERT INTO t VALUES (?, ?)", rows)
    query = f"SELECT {number_sql('duckdb', 'x')} FROM t ORDER BY i"
    assert [r[0] for r in duck.execute(query).fetchall()] == expected
    duck.close()

    with psycopg.connect(POSTGRES_URL.replace("+psycopg", "")) as pg, pg.cursor() as cur:
        cur.execute("CREATE TEMPORARY TABLE t (i INTEGER, x DOUBLE PRECISION, d NUMERIC(20, 4))")
        with cur.copy("COPY t (i, x, d) FROM STDIN") as copy:
            for i, v in rows:
                copy.write_row((i, v, round(v, 4) if abs(v) < 1e15 else None))
        cur.execute(f"SELECT {number_sql('postgresql', 'x')} FROM t ORDER BY i")
        assert [r[0] for r in cur.fetchall()] == expected
        # an exact NUMERIC is read as the nearest double, as DuckDB reads a DECIMAL
        cur.execute(f"SELECT d, {number_sql('postgresql', 'd')} FROM t WHERE d IS NOT NULL")
        for d, text in cur.fetchall():
            assert text == canonical_number(float(d))
