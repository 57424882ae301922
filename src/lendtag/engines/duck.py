"""The DuckDB engine: compute a run in an in-process DuckDB fed with a snapshot of the store.

Inside the run's write transaction (so nothing changes under it): copy the columns the
base reads and the current run values into DuckDB (``snapshot``), compute the base, the
features and the tags with the same compiled SQL as the store would (DuckDB dialect),
turn values into their stored text (``canonical``), diff against the current values and
segment members in DuckDB, and hand only the changes to the store (``transfer``), where
the run writes them as on every engine. Nothing is committed before the end.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from lendtag.engines.base import Computed, RunJob
from lendtag.engines.canonical import canonical_sql
from lendtag.engines.snapshot import (
    base_sources,
    duck_base_sql,
    reader_for,
    scratch_dir,
    text_source,
)
from lendtag.engines.store import category_error
from lendtag.engines.transfer import Transfer, copy_to_store
from lendtag.store.db import Store


def quoted(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def _in_list(values: list[str]) -> str:
    return ", ".join(quoted(v) for v in values)


class DuckDBEngine:
    """Computes in DuckDB whatever the store is (SQLite or PostgreSQL)."""

    name = "duckdb"

    def __init__(self, store: Store) -> None:
        self.store = store

    def compute(self, job: RunJob) -> Computed:
        import duckdb

        settings = job.settings
        with scratch_dir(settings.duckdb_temp_dir) as folder:
            scratch = Path(folder)
            config: dict[str, Any] = {
                "temp_directory": str(scratch / "spill"),
                "preserve_insertion_order": False,
            }
            if settings.duckdb_memory_limit:
                config["memory_limit"] = settings.duckdb_memory_limit
            if settings.duckdb_threads:
                config["threads"] = settings.duckdb_threads
            duck = duckdb.connect(":memory:", config=config)
            try:
                return self._compute(job, duck, scratch)
            finally:
                duck.close()

    def _compute(self, job: RunJob, duck: Any, scratch: Path) -> Computed:
        timings: dict[str, float] = {}
        clock = time.perf_counter()
        self._snapshot(job, duck, scratch)
        timings["read"] = time.perf_counter() - clock
        job.reporter.update(1)

        clock = time.perf_counter()
        plan = job.plan
        columns = plan.result_columns(job.segments.values())
        duck.execute(
            "CREATE TABLE run_result AS "
            f"{plan.sql('duckdb', duck_base_sql(job.as_of), job.as_of, columns)}"
        )
        counted = ", ".join(f'COUNT("{t.code}")' for t in job.tags)
        row = duck.execute(f"SELECT COUNT(*), {counted} FROM run_result").fetchall()[0]
        customers = int(row[0])
        values = {t.code: int(n) for t, n in zip(job.tags, row[1:], strict=True)}
        self._check_categories(job, duck)
        timings["compute"] = time.perf_counter() - clock

        clock = time.perf_counter()
        self._diff(job, duck)
        timings["diff"] = time.perf_counter() - clock

        clock = time.perf_counter()
        transfers = [
            Transfer(
                "SELECT tag_code, credit_code, old_value, new_value FROM diff "
                "ORDER BY credit_code, tag_code",
                "run_diff",
                ["tag_code", "credit_code", "old_value", "new_value"],
            ),
            Transfer(
                "SELECT credit_code, CAST(to_json(struct_pack(run_id := CAST(? AS INTEGER), "
                "as_of := CAST(? AS VARCHAR), credit_code := credit_code, changes := "
                'list(struct_pack(tag := tag_code, "from" := old_value, "to" := new_value) '
                "ORDER BY tag_code))) AS VARCHAR) AS payload FROM diff GROUP BY credit_code "
                "ORDER BY credit_code",
                "run_events",
                ["credit_code", "payload"],
                [job.run_id, job.as_of.isoformat()],
            ),
        ]
        if job.full:
            transfers.append(
                Transfer(
                    "SELECT segment_code, credit_code, entered FROM moves "
                    "ORDER BY segment_code, credit_code",
                    "run_moves",
                    ["segment_code", "credit_code", "entered"],
                )
            )
        tables = copy_to_store(job.conn, duck, transfers, scratch, timings)
        timings["transfer"] = time.perf_counter() - clock
        return Computed(customers, values, timings, tables)

    def _snapshot(self, job: RunJob, duck: Any, scratch: Path) -> None:
        database = self.store.engine.url.database
        sources = [(s, s.name) for s in base_sources(job.dialect, job.as_of)]
        sources.append(
            (
                text_source(
                    "tag_values",
                    ["tag_code", "credit_code", "value"],
                    "source = 'run'",  # a table scan: the few other tags are dropped later
                ),
                "cur_values",
            )
        )
        if job.full:  # every segment: members of a retired one leave it
            sources.append(
                (text_source("segment_members", ["segment_code", "credit_code"], ""), "cur_members")
            )
        reader_for(job.conn, database, scratch).load_all(duck, sources)

    @staticmethod
    def _check_categories(job: RunJob, duck: Any) -> None:
        for tag in job.tags:
            allowed = [c.value for c in tag.categories or []]
            if tag.value_type != "category" or not allowed:
                continue
            value = f'CAST("{tag.code}" AS VARCHAR)'
            bad = duck.execute(
                f'SELECT {value} AS v, COUNT(*) FROM run_result WHERE "{tag.code}" IS NOT NULL '
                f"AND {value} NOT IN ({_in_list(allowed)}) GROUP BY v ORDER BY v LIMIT 1"
            ).fetchall()
            if bad:
                raise category_error(tag.code, str(bad[0][0]), int(bad[0][1]), allowed)

    @staticmethod
    def _diff(job: RunJob, duck: Any) -> None:
        new = " UNION ALL ".join(
            f"SELECT {quoted(t.code)} AS tag_code, credit_code, "
            f"{canonical_sql('duckdb', t, chr(34) + t.code + chr(34))} AS value "
            f'FROM run_result WHERE "{t.code}" IS NOT NULL'
            for t in job.tags
        )
        # a full run diffs every run value: those of tags no longer computed are gone
        current = "" if job.full else f" WHERE tag_code IN ({_in_list(job.tag_codes)})"
        duck.execute(
            "CREATE TABLE diff AS SELECT COALESCE(n.tag_code, c.tag_code) AS tag_code, "
            "COALESCE(n.credit_code, c.credit_code) AS credit_code, c.value AS old_value, "
            f"n.value AS new_value FROM ({new}) AS n FULL OUTER JOIN (SELECT * FROM cur_values"
            f"{current}) AS c ON n.tag_code = c.tag_code AND n.credit_code = c.credit_code "
            "WHERE n.value IS DISTINCT FROM c.value"
        )
        if not job.full:
            return
        if job.segments:
            members = " UNION ALL ".join(
                f"SELECT {quoted(code)} AS segment_code, credit_code FROM run_result "
                f"WHERE {expr.to_sql('duckdb', as_of=job.as_of)}"
                for code, expr in job.segments.items()
            )
            duck.execute(f"CREATE TABLE new_members AS {members}")
        else:
            duck.execute("CREATE TABLE new_members (segment_code VARCHAR, credit_code VARCHAR)")
        duck.execute(
            "CREATE TABLE moves AS "
            "SELECT segment_code, credit_code, 1 AS entered FROM "
            "(SELECT segment_code, credit_code FROM new_members EXCEPT "
            "SELECT segment_code, credit_code FROM cur_members) AS e "
            "UNION ALL SELECT segment_code, credit_code, 0 AS entered FROM "
            "(SELECT segment_code, credit_code FROM cur_members EXCEPT "
            "SELECT segment_code, credit_code FROM new_members) AS g"
        )
