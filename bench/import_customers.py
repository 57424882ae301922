"""Benchmark: import a generated 1,000,000-row customers CSV into SQLite.

Prints validated rows/s, peak RSS of the importing process (with its helper process) and the
ratio of its wall time to DuckDB's plain ``read_csv`` load of the same file, measured in the
same run. The importing process is timed from its start (interpreter, imports, the import
itself, the commit) on a database created beforehand by ``lendtag init`` in a process of its
own; CPU seconds and the load average are printed too, as the wall times move with what else
runs on the machine.
Targets: ≥ 50,000 validated rows/s, peak RSS ≤ 500 MB, ≤ 10× DuckDB.
The last line is one JSON object with the figures, the targets and ``target_met``.

Usage: python bench/import_customers.py [--rows N] [--keep]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lendtag.domain.credit_code import make_credit_code
from lendtag.ingest.specs import KINDS

INDUSTRIES = [
    "C3411",
    "C1311",
    "F5171",
    "F5212",
    "E4790",
    "I6513",
    "G5431",
    "L7211",
    "M7320",
    "H6210",
    "A0111",
    "K7010",
    "J6621",
    "C3011",
]
REGIONS = ["330100", "440300", "110108", "310115", "510100", "320500", "420100", "370200"]
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
BAD_EVERY = 1000  # one row in a thousand is broken on purpose


def org_check(body: str) -> str:
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in body]
    c9 = 11 - sum(v * w for v, w in zip(values, [3, 7, 9, 10, 5, 8, 4, 2], strict=True)) % 11
    return {10: "X", 11: "0"}.get(c9, str(c9))


def generate(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(KINDS["customers"].header)
        for i in range(rows):
            body = f"{i:08d}"
            area = rng.choice(REGIONS)
            code = make_credit_code(f"91{area}{body}{org_check(body)}")
            employees = int(rng.lognormvariate(3.5, 1.3))
            revenue = round(rng.lognormvariate(7, 1.6), 2)
            row = [
                code,
                f"测试企业{i}有限公司",
                rng.choice(INDUSTRIES),
                round(rng.lognormvariate(6, 1.2), 2),
                f"{rng.randint(1995, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                area,
                employees,
                revenue,
                round(revenue * rng.uniform(0.5, 3), 2),
                rng.choice(["web", "app", "branch", "core", "bureau", "api"]),
            ]
            if i % BAD_EVERY == 999:
                row[2] = "X99"  # unknown industry code
            w.writerow(row)


_PEAK = (
    "\nimport resource\n"
    "print('peak_rss_kb', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
    " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def run_child(code: str, *argv: str) -> tuple[float, float, float, str]:
    """Run ``code`` in a fresh interpreter; returns its wall seconds, CPU seconds (user +
    system, its own processes included), its peak RSS in MB and its stdout.

    The peak RSS is the process's own peak plus the largest of the processes it ran (the
    import's helper process, which runs alongside it): an upper bound of what both held.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code + _PEAK, *argv], check=True, capture_output=True, text=True
    ).stdout
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = out.strip().splitlines()
    own_kb, helpers_kb = (int(x) for x in lines[-1].split()[1:])
    return wall, cpu, (own_kb + helpers_kb) / 1024, "\n".join(lines[:-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lendtag-bench-"))
    path = work / "customers.csv"
    t0 = time.perf_counter()
    generate(path, args.rows)
    print(
        f"generated {args.rows:,} rows ({path.stat().st_size / 1e6:.0f} MB) in "
        f"{time.perf_counter() - t0:.1f} s",
        file=sys.stderr,
    )

    duck_wall, duck_cpu, duck_rss, _ = run_child(
        "import duckdb, sys\n"
        "c = duckdb.connect(sys.argv[1])\n"
        "c.execute('CREATE TABLE t AS SELECT * FROM read_csv(?)', [sys.argv[2]])\n"
        "print(c.execute('SELECT count(*) FROM t').fetchone()[0])\n",
        str(work / "duck.db"),
        str(path),
    )
    db = work / "lendtag.db"
    setup = (
        "from lendtag.core import Lendtag\n"
        "from lendtag.settings import Settings\n"
        f"Lendtag(Settings(database_url='sqlite:///{db}')).init()\n"
    )
    run_child(setup)  # `lendtag init` (the schema) is set-up, not part of the import
    import_code = (
        "import json, datetime as dt, time\n"
        "from pathlib import Path\n"
        "from lendtag.core import Lendtag\n"
        "from lendtag.settings import Settings\n"
        f"lt = Lendtag(Settings(database_url='sqlite:///{db}'))\n"
        "t = time.perf_counter()\n"
        f"r = lt.import_file('customers', Path('{path}'), today=dt.date(2026, 6, 30))\n"
        "print(json.dumps({**r.as_dict(), 'seconds': time.perf_counter() - t}))\n"
    )
    wall, cpu, rss, out = run_child(import_code)
    result = json.loads(out.strip().splitlines()[-1])
    rows_per_s = result["rows_read"] / wall
    ratio = wall / duck_wall
    print(
        f"lendtag: {result['accepted']:,} accepted, {result['quarantined']:,} quarantined in "
        f"{wall:.1f} s (import call {result['seconds']:.1f} s, CPU {cpu:.1f} s) = "
        f"{rows_per_s:,.0f} rows/s, peak RSS {rss:.0f} MB",
        file=sys.stderr,
    )
    print(
        f"duckdb read_csv: {duck_wall:.2f} s (CPU {duck_cpu:.1f} s, peak RSS {duck_rss:.0f} MB); "
        f"ratio {ratio:.1f}x",
        file=sys.stderr,
    )
    figures = {
        "rows": result["rows_read"],
        "accepted": result["accepted"],
        "quarantined": result["quarantined"],
        "seconds": round(wall, 2),
        "cpu_seconds": round(cpu, 2),
        "rows_per_s": round(rows_per_s),
        "peak_rss_mb": round(rss, 1),
        "duckdb_seconds": round(duck_wall, 3),
        "duckdb_cpu_seconds": round(duck_cpu, 2),
        "ratio_to_duckdb": round(ratio, 2),
        "load_average": round(os.getloadavg()[0], 2),
    }
    targets = {"rows_per_s_min": 50_000, "peak_rss_mb_max": 500, "ratio_to_duckdb_max": 10}
    met = (
        rows_per_s >= targets["rows_per_s_min"]
        and rss <= targets["peak_rss_mb_max"]
        and ratio <= targets["ratio_to_duckdb_max"]
    )
    if not args.keep:
        for f in work.iterdir():
            f.unlink()
        work.rmdir()
    print(
        json.dumps(
            {"bench": "import_customers", "figures": figures, "targets": targets, "target_met": met}
        )
    )


if __name__ == "__main__":
    main()
