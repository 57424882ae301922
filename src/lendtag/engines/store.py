"""The in-store engine: the plan runs as SQL inside the store (SQLite or PostgreSQL) itself.

Computed values go to temporary tables in the run's transaction (``run_result`` with every
feature and tag, ``run_new`` with each value as stored text, ``run_members`` with segment
members); the diff against ``tag_values`` and ``segment_members`` is one INSERT … SELECT
each, into ``run_diff`` and ``run_moves``.
"""

from __future__ import annotations

import time

from sqlalchemy import Connection, text

from lendtag.engines.base import Computed, RunJob
from lendtag.engines.canonical import canonical_sql
from lendtag.tags.errors import TagRunError
from lendtag.tags.pit import base_query


def execute_sql(conn: Connection, sql: str) -> None:
    """Run generated SQL with no parameters. On PostgreSQL it goes to psycopg as it is:
    through SQLAlchemy, psycopg would read a ``%`` in a literal (``LIKE 'C%'``) as a
    placeholder."""
    if conn.dialect.name == "postgresql":
        conn.connection.driver_connection.execute(sql)  # type: ignore[union-attr]
    else:
        conn.exec_driver_sql(sql)


def _in_list(prefix: str, codes: list[str]) -> tuple[str, dict[str, str]]:
    params = {f"{prefix}{i}": c for i, c in enumerate(codes)}
    return ", ".join(f":{p}" for p in params), params


class StoreEngine:
    """Runs the compiled SQL inside the store; ``name`` is sqlite or postgres."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        self.name = "sqlite" if dialect == "sqlite" else "postgres"

    def compute(self, job: RunJob) -> Computed:
        conn, clock = job.conn, time.perf_counter()
        customers = self._compute_values(job)
        timings = {"compute": time.perf_counter() - clock}
        clock = time.perf_counter()
        for tag in job.tags:
            check_categories(conn, tag.code, [c.value for c in tag.categories or []])
        values: dict[str, int] = dict(
            conn.exec_driver_sql("SELECT tag_code, COUNT(*) FROM run_new GROUP BY tag_code").all()
        )
        self._diff_values(conn, job.tag_codes, job.full)
        self._events(job)
        if job.full:
            self._diff_members(conn)
        for name in ("run_result", "run_new", "run_members"):
            conn.exec_driver_sql(f"DROP TABLE {name}")
        timings["diff"] = time.perf_counter() - clock
        return Computed(customers, values, timings)

    def _compute_values(self, job: RunJob) -> int:
        """Fill ``run_new`` (values as stored text) and ``run_members``; count customers."""
        conn, dialect, plan, suffix = job.conn, self.dialect, job.plan, job.temp_suffix
        base_sql = str(
            base_query(dialect, job.as_of).compile(
                dialect=conn.dialect, compile_kwargs={"literal_binds": True}
            )
        )
        columns = plan.result_columns(job.segments.values())
        execute_sql(
            conn,
            f"CREATE TEMPORARY TABLE run_result{suffix} AS "
            f"{plan.sql(dialect, base_sql, job.as_of, columns)}",
        )
        conn.exec_driver_sql(
            "CREATE TEMPORARY TABLE run_new (tag_code VARCHAR(64), credit_code VARCHAR(18), "
            f"value VARCHAR(64), PRIMARY KEY (tag_code, credit_code)){suffix}"
        )
        conn.exec_driver_sql(
            "CREATE TEMPORARY TABLE run_members (segment_code VARCHAR(64), "
            f"credit_code VARCHAR(18), PRIMARY KEY (segment_code, credit_code)){suffix}"
        )
        for tag in job.tags:
            conn.execute(
                text(
                    f"INSERT INTO run_new SELECT :code, credit_code, v FROM "
                    f"(SELECT credit_code, {canonical_sql(dialect, tag, tag.code)} AS v "
                    f"FROM run_result) AS t WHERE v IS NOT NULL"
                ),
                {"code": tag.code},
            )
        for code, expr in job.segments.items():
            conn.execute(
                text(
                    "INSERT INTO run_members SELECT :code, credit_code FROM run_result "
                    f"WHERE {expr.to_sql(dialect, as_of=job.as_of)}"
                ),
                {"code": code},
            )
        return int(conn.exec_driver_sql("SELECT COUNT(*) FROM run_result").scalar() or 0)

    @staticmethod
    def _diff_values(conn: Connection, codes: list[str], full: bool) -> None:
        """Changed and new values; run values that are gone (in a full run, those of tags
        that are no longer computed too)."""
        marks, params = _in_list("t", codes)
        which = "" if full else f"c.tag_code IN ({marks}) AND "
        conn.execute(
            text(
                "INSERT INTO run_diff SELECT n.tag_code, n.credit_code, c.value, n.value "
                "FROM run_new n LEFT JOIN tag_values c ON c.tag_code = n.tag_code "
                "AND c.credit_code = n.credit_code WHERE c.value IS NULL OR c.value <> n.value"
            )
        )
        conn.execute(
            text(
                "INSERT INTO run_diff SELECT c.tag_code, c.credit_code, c.value, NULL "
                f"FROM tag_values c WHERE {which}c.source = 'run' "
                "AND NOT EXISTS (SELECT 1 FROM run_new n WHERE n.tag_code = c.tag_code "
                "AND n.credit_code = c.credit_code)"
            ),
            {} if full else params,
        )

    @staticmethod
    def _events(job: RunJob) -> None:
        """One outbox event per customer whose values change, listing every change."""
        if job.dialect == "postgresql":
            payload = (
                "CAST(json_build_object('run_id', CAST(:run AS INTEGER), 'as_of', "
                "CAST(:as_of AS DATE), 'credit_code', credit_code, 'changes', "
                "json_agg(json_build_object('tag', tag_code, 'from', old_value, 'to', "
                "new_value) ORDER BY tag_code)) AS TEXT)"
            )
            source = "run_diff"
        else:
            payload = (
                "json_object('run_id', :run, 'as_of', :as_of, 'credit_code', credit_code, "
                "'changes', json_group_array(json_object('tag', tag_code, 'from', old_value, "
                "'to', new_value)))"
            )
            source = (  # LIMIT keeps the ordered sub-query, so changes come in tag order
                "(SELECT credit_code, tag_code, old_value, new_value FROM run_diff "
                "ORDER BY credit_code, tag_code LIMIT -1) AS d"
            )
        job.conn.execute(
            text(
                f"INSERT INTO run_events SELECT credit_code, {payload} FROM {source} "
                "GROUP BY credit_code"
            ),
            {"as_of": job.as_of, "run": job.run_id},
        )

    @staticmethod
    def _diff_members(conn: Connection) -> None:
        """Entries and exits of every segment (members of a retired segment leave it)."""
        conn.execute(
            text(
                "INSERT INTO run_moves SELECT s.segment_code, s.credit_code, 0 "
                "FROM segment_members s WHERE NOT EXISTS "
                "(SELECT 1 FROM run_members m WHERE m.segment_code = s.segment_code "
                "AND m.credit_code = s.credit_code)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO run_moves SELECT m.segment_code, m.credit_code, 1 FROM run_members m "
                "WHERE NOT EXISTS (SELECT 1 FROM segment_members s "
                "WHERE s.segment_code = m.segment_code AND s.credit_code = m.credit_code)"
            )
        )


def check_categories(conn: Connection, code: str, allowed: list[str]) -> None:
    """Refuse the run when a category tag gave a value outside its declared categories."""
    if not allowed:
        return
    marks, params = _in_list("c", allowed)
    bad = conn.execute(
        text(
            "SELECT value, COUNT(*) FROM run_new WHERE tag_code = :code "
            f"AND value NOT IN ({marks}) GROUP BY value"
        ),
        {"code": code, **params},
    ).first()
    if bad is not None:
        raise category_error(code, str(bad[0]), int(bad[1]), allowed)


def category_error(code: str, value: str, count: int, allowed: list[str]) -> TagRunError:
    return TagRunError(
        f"tag {code} gave the value {value!r} for {count} customer(s), "
        f"which is not one of its categories ({', '.join(allowed)})",
        details={"tag": code, "value": value, "customers": count, "expected": allowed},
    )
