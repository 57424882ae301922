"""Benchmark: a tag run of 52 rule tags on 1,000,000 customers with the DuckDB engine.

Generates the portfolio in DuckDB SQL (bench/tags_data.py) and bulk-writes it into a real
lendtag SQLite store; loads 19 features and 52 rule tags (bench/tags_catalog.py); then, in
the same run:

- the full run on DuckDB (``lendtag tags run --engine duckdb``), history write included;
- ONE hand-written DuckDB query computing the same 52 values from the same source data
  (already in DuckDB), and the count of values where it and the store disagree;
- the SQLite write floor: the hand-written query's values handed by ADBC into an empty,
  unindexed SQLite table — the least any run keeping its values in SQLite spends writing
  them (no key, history, events or audit), to show how much of the full run is the store;
- a rerun for a later date after 1 % of customers changed (new attribute version and a new
  bureau report);
- the in-store SQLite engine on a 100,000-customer store;
- peak RSS of this process and of its children (the SQLite reader).

Targets: full run ≤ 2× the hand-written query; the 1 % rerun ≤ 0.25× the full run (and no
mismatch). The last line is one JSON object with the figures, the targets and
``target_met``. Stores are written under bench/out/ (git-ignored).

Usage: python bench/tags_batch.py [--customers N] [--sqlite-customers M] [--out DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb
import tags_catalog
import tags_data

from lendtag.core import Lendtag
from lendtag.engines.canonical import number_sql
from lendtag.engines.snapshot import SqliteReader, text_source
from lendtag.settings import Settings
from lendtag.store import audit
from lendtag.tags import catalog
from lendtag.tags.definitions import Catalog

D1, D2 = dt.date(2026, 6, 30), dt.date(2026, 9, 30)
CHANGE_ON = dt.date(2026, 8, 1)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def build_store(duck: Any, path: Path, customers: int) -> dict[str, Any]:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    clock = time.perf_counter()
    rows = tags_data.generate(duck, customers)
    generated = time.perf_counter() - clock
    url = f"sqlite:///{path}"
    with Lendtag(Settings(database_url=url)) as lt:  # closed before ADBC writes the file
        lt.init()
    clock = time.perf_counter()
    tags_data.write_store(duck, path)
    written = time.perf_counter() - clock
    with Lendtag(Settings(database_url=url)) as lt, lt.store.write() as conn:
        body = Catalog.model_validate(tags_catalog.catalog_body())
        catalog.load_catalog(conn, body, "bench", reviewer="bench-reviewer")
        audit.append(conn, "catalog.load", object_type="catalog", object_id="bench")
    log(f"store {path.name}: {rows} generated in {generated:.1f}s, written in {written:.1f}s")
    return {"rows": rows, "generate_s": round(generated, 2), "write_s": round(written, 2)}


def baseline(duck: Any, as_of: dt.date) -> float:
    duck.execute("DROP TABLE IF EXISTS baseline")
    clock = time.perf_counter()
    duck.execute(f"CREATE TABLE baseline AS {tags_catalog.hand_query(as_of)}")
    return time.perf_counter() - clock


def baseline_values() -> str:
    """The hand-written query's values as stored text, one row per (tag, customer)."""
    parts = []
    for code, value_type in tags_catalog.TAG_TYPES.items():
        if value_type == "flag":
            text = f"CASE WHEN {code} THEN 'true' ELSE 'false' END"
        elif value_type == "category":
            text = code
        else:
            text = number_sql("duckdb", code)
        parts.append(
            f"SELECT '{code}' AS tag_code, credit_code, {text} AS value FROM baseline "
            f"WHERE {code} IS NOT NULL"
        )
    return " UNION ALL ".join(parts)


def sqlite_write_floor(duck: Any, scratch: Path) -> tuple[float, int]:
    """The least a run that keeps its values in SQLite must spend writing them: the
    hand-written query's values handed by ADBC (C, no Python per row) into an empty
    SQLite table with no key, no index, no history and no events. Returns (s, rows)."""
    import adbc_driver_sqlite.dbapi as adbc

    path = scratch / "floor.db"
    clock = time.perf_counter()
    reader = duck.sql(f"SELECT * FROM ({baseline_values()}) ORDER BY credit_code, tag_code")
    with adbc.connect(str(path)) as target, target.cursor() as cursor:
        rows = cursor.adbc_ingest("tag_values", reader.to_arrow_reader(200_000), mode="create")
        target.commit()
    seconds = time.perf_counter() - clock
    path.unlink()
    return seconds, int(rows)


def mismatches(duck: Any, path: Path, scratch: Path) -> int:
    """Values where the hand-written query and the store's current run values differ."""
    source = text_source("tag_values", ["tag_code", "credit_code", "value"], "source = 'run'")
    duck.execute("DROP TABLE IF EXISTS engine_values")
    SqliteReader(str(path), scratch).load_all(duck, [(source, "engine_values")])
    query = (
        f"SELECT COUNT(*) FROM ({baseline_values()}) AS h FULL OUTER JOIN "
        "engine_values AS e ON e.tag_code = h.tag_code AND e.credit_code = h.credit_code "
        "WHERE h.value IS DISTINCT FROM e.value"
    )
    return int(duck.execute(query).fetchall()[0][0])


def timed_run(lt: Lendtag, as_of: dt.date, engine: str | None) -> tuple[float, Any]:
    clock = time.perf_counter()
    result = lt.tags_run(as_of, engine=engine)
    seconds = time.perf_counter() - clock
    timings = {k: round(v, 2) for k, v in result.timings.items()}
    log(f"run {result.engine} {as_of}: {seconds:.1f}s, {result.changed} changed, {timings}")
    return seconds, result


def peak_rss_mb() -> dict[str, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"self": round(own, 1), "children": round(children, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--sqlite-customers", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    parser.add_argument("--keep", action="store_true", help="keep the stores afterwards")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="tags-batch-", dir=args.out))
    figures: dict[str, Any] = {"customers": args.customers, "tags": len(tags_catalog.TAGS)}
    try:
        big = args.out / "tags_batch_duckdb.db"
        duck = duckdb.connect()
        figures["store"] = build_store(duck, big, args.customers)
        with Lendtag(Settings(database_url=f"sqlite:///{big}")) as lt:
            full_s, full = timed_run(lt, D1, "duckdb")
            base_s = baseline(duck, D1)
            log(f"hand-written DuckDB query: {base_s:.2f}s")
            figures["mismatches"] = mismatches(duck, big, scratch)
            floor_s, floor_rows = sqlite_write_floor(duck, scratch)
            log(f"SQLite write floor: {floor_rows} values in {floor_s:.2f}s")
            duck.close()
            changed = tags_data.change_one_percent(big, CHANGE_ON)
            rerun_s, rerun = timed_run(lt, D2, "duckdb")
        figures |= {
            "duckdb_full_run_s": round(full_s, 2),
            "duckdb_full_run_steps_s": {k: round(v, 2) for k, v in full.timings.items()},
            "values_written": full.changed,
            "baseline_hand_written_query_s": round(base_s, 2),
            "ratio_full_run_to_baseline": round(full_s / base_s, 2),
            "sqlite_write_floor_s": round(floor_s, 2),
            "sqlite_write_floor_values": floor_rows,
            "ratio_sqlite_write_floor_to_baseline": round(floor_s / base_s, 2),
            "ratio_full_run_to_sqlite_write_floor": round(full_s / floor_s, 2),
            "customers_changed_for_rerun": changed,
            "rerun_1pct_s": round(rerun_s, 2),
            "rerun_1pct_steps_s": {k: round(v, 2) for k, v in rerun.timings.items()},
            "rerun_values_changed": rerun.changed,
            "ratio_rerun_to_full_run": round(rerun_s / full_s, 3),
        }
        small = args.out / "tags_batch_sqlite.db"
        duck = duckdb.connect()
        figures["sqlite_store"] = build_store(duck, small, args.sqlite_customers)
        small_base_s = baseline(duck, D1)
        duck.close()
        with Lendtag(Settings(database_url=f"sqlite:///{small}")) as lt:
            sqlite_s, sqlite_run = timed_run(lt, D1, "sqlite")
        figures |= {
            "sqlite_customers": args.sqlite_customers,
            "sqlite_full_run_s": round(sqlite_s, 2),
            "sqlite_full_run_steps_s": {k: round(v, 2) for k, v in sqlite_run.timings.items()},
            "sqlite_values_written": sqlite_run.changed,
            "sqlite_baseline_hand_written_query_s": round(small_base_s, 3),
            "peak_rss_mb": peak_rss_mb(),
        }
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        if not args.keep:
            for path in args.out.glob("tags_batch_*.db*"):
                path.unlink()
    targets = {"ratio_full_run_to_baseline_max": 2.0, "ratio_rerun_to_full_run_max": 0.25}
    figures["targets"] = targets
    figures["target_met"] = (
        figures["ratio_full_run_to_baseline"] <= targets["ratio_full_run_to_baseline_max"]
        and figures["ratio_rerun_to_full_run"] <= targets["ratio_rerun_to_full_run_max"]
        and figures["mismatches"] == 0
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
