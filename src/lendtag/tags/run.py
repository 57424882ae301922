"""A batch run: compute every published tag for an as-of date, write only the changes.

The whole run is one transaction: computed values land in a temporary table, the diff
against the current values is taken in SQL, and only changed values are written — the old
value to ``tag_history`` (closed at the as-of date), the new one to ``tag_values`` — with
one outbox event per customer whose tags changed. Killed at any point, the previous state
stands; run again for the same date, it writes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from itertools import groupby
from typing import Any

from sqlalchemy import Connection, insert, select, text, update

from lendtag.core.reporting import NullReporter, Reporter
from lendtag.expr import CompiledExpression
from lendtag.store.db import Store
from lendtag.store.models.base import utcnow
from lendtag.store.models.tags import Outbox, TagRun
from lendtag.tags import catalog
from lendtag.tags.compile import Plan, compile_plan, compile_segments
from lendtag.tags.definitions import Tag
from lendtag.tags.errors import TagRunError
from lendtag.tags.manual import expire_manual
from lendtag.tags.pit import base_query
from lendtag.tags.segments import apply_membership


@dataclass(frozen=True)
class RunResult:
    run_id: int
    as_of: str
    engine: str
    customers: int
    tags: int
    changed: int
    coverage: dict[str, float]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def canonical_sql(dialect: str, tag: Tag, column: str) -> str:
    """SQL turning a computed tag column into its stored text (None stays NULL)."""
    if tag.value_type == "flag":
        return f"CASE WHEN {column} IS NULL THEN NULL WHEN {column} THEN 'true' ELSE 'false' END"
    if tag.value_type == "category":
        return f"CAST({column} AS VARCHAR(64))"
    if dialect == "sqlite":
        return (
            f"CASE WHEN {column} IS NULL THEN NULL "
            f"WHEN {column} = CAST({column} AS INTEGER) THEN CAST(CAST({column} AS INTEGER) "
            f"AS TEXT) ELSE CAST(ROUND({column}, 6) AS TEXT) END"
        )
    return f"CAST(trim_scale(ROUND(CAST({column} AS NUMERIC), 6)) AS TEXT)"


def canonical_value(tag: Tag, value: Any) -> str | None:
    """The Python twin of :func:`canonical_sql`, for previews and explanations."""
    if value is None:
        return None
    if tag.value_type == "flag":
        return "true" if value else "false"
    if tag.value_type == "category":
        return str(value)
    number = float(value)
    if number == int(number):
        return str(int(number))
    return repr(round(number, 6))


def _plan(conn: Connection, only: list[str] | None) -> tuple[Plan, list[Tag]]:
    features = catalog.published(conn, "feature")
    tags = catalog.published(conn, "tag")
    plan = compile_plan(features, tags)
    selected = list(plan.tags)
    if only:
        known = {t.code for t in selected}
        unknown = sorted(set(only) - known)
        if unknown:
            raise TagRunError(f"no published computed tag named {', '.join(unknown)}")
        selected = [t for t in selected if t.code in set(only)]
    if not selected:
        raise TagRunError(
            "there is no published rule or score tag to run; "
            "load a catalog first (`lendtag catalog load-standard`)"
        )
    return plan, selected


def _check_forward(conn: Connection, as_of: dt.date) -> None:
    r = TagRun.__table__
    latest = conn.scalar(
        select(r.c.as_of).where(r.c.status == "committed").order_by(r.c.as_of.desc()).limit(1)
    )
    if latest is not None and as_of < latest:
        raise TagRunError(
            f"runs go forward in time: the latest run is as of {latest}, "
            f"so a run as of {as_of} would rewrite history; use "
            "`lendtag tags preview` to look at a past date"
        )


def run_tags(
    store: Store,
    as_of: dt.date,
    *,
    only: list[str] | None = None,
    engine: str | None = None,
    reporter: Reporter | None = None,
) -> RunResult:
    """Run the published tags as of ``as_of`` on the store's own engine."""
    reporter = reporter or NullReporter()
    dialect = store.dialect
    wanted = {"sqlite": "sqlite", "postgres": "postgresql", "postgresql": "postgresql"}
    if engine is not None and wanted.get(engine) != dialect:
        raise TagRunError(
            f"--engine {engine} cannot run on this store ({dialect}); "
            f"the store's own engine is {'sqlite' if dialect == 'sqlite' else 'postgres'}"
        )
    started = utcnow()
    try:
        with store.write() as conn:
            return _run(conn, dialect, as_of, only, started, reporter)
    except BaseException as exc:
        _record_failure(store, as_of, dialect, started, exc)
        raise


def _run(
    conn: Connection,
    dialect: str,
    as_of: dt.date,
    only: list[str] | None,
    started: dt.datetime,
    reporter: Reporter,
) -> RunResult:
    plan, tags = _plan(conn, only)
    segments = compile_segments(plan, catalog.published(conn, "segment")) if not only else {}
    _check_forward(conn, as_of)
    created = conn.execute(
        insert(TagRun).values(as_of=as_of, engine=dialect, status="running", started_at=started)
    )
    run_id = int(created.inserted_primary_key[0])  # type: ignore[index]
    reporter.start(f"tags as of {as_of}", 5)
    suffix = " ON COMMIT DROP" if dialect == "postgresql" else ""
    customers = compute_in_store(conn, dialect, plan, tags, segments, as_of, suffix)
    reporter.update(1)
    for tag in tags:
        _check_categories(conn, tag)
    counts: dict[str, int] = dict(
        conn.exec_driver_sql("SELECT tag_code, COUNT(*) FROM run_new GROUP BY tag_code").all()
    )
    coverage = {
        t.code: round(counts.get(t.code, 0) / customers, 4) if customers else 0.0 for t in tags
    }
    reporter.update(2)
    expire_manual(conn, as_of)
    changed = _apply_diff(conn, dialect, [t.code for t in tags], as_of, run_id, suffix)
    reporter.update(3)
    if segments:
        apply_membership(conn, list(segments), as_of, run_id)
    reporter.update(4)
    conn.execute(
        update(TagRun)
        .where(TagRun.id == run_id)
        .values(
            status="committed",
            finished_at=utcnow(),
            customers=customers,
            tags=len(tags),
            changed=changed,
            coverage=coverage,
            fingerprints={t.code: plan.compiled[t.code].fingerprint for t in tags}
            | {f"segment:{code}": e.fingerprint for code, e in segments.items()},
        )
    )
    for temp in ("run_result", "run_new", "run_members"):
        conn.exec_driver_sql(f"DROP TABLE {temp}")
    reporter.finish()
    return RunResult(
        run_id,
        as_of.isoformat(),
        "sqlite" if dialect == "sqlite" else "postgres",
        customers,
        len(tags),
        changed,
        coverage,
    )


def compute_in_store(
    conn: Connection,
    dialect: str,
    plan: Plan,
    tags: list[Tag],
    segments: dict[str, CompiledExpression],
    as_of: dt.date,
    suffix: str,
) -> int:
    """Fill ``run_new`` (tag values as stored text) and ``run_members`` (segment members)
    by running the plan inside the store itself; returns the number of customers."""
    base_sql = str(
        base_query(dialect, as_of).compile(
            dialect=conn.dialect, compile_kwargs={"literal_binds": True}
        )
    )
    columns = [*plan.feature_codes, *(t.code for t in plan.tags)]
    conn.exec_driver_sql(
        f"CREATE TEMPORARY TABLE run_result{suffix} AS "
        f"{plan.sql(dialect, base_sql, as_of, columns)}"
    )
    conn.exec_driver_sql(
        "CREATE TEMPORARY TABLE run_new (tag_code VARCHAR(64), credit_code VARCHAR(18), "
        f"value VARCHAR(64), fingerprint VARCHAR(64), PRIMARY KEY (tag_code, credit_code)){suffix}"
    )
    conn.exec_driver_sql(
        "CREATE TEMPORARY TABLE run_members (segment_code VARCHAR(64), credit_code VARCHAR(18), "
        f"fingerprint VARCHAR(64), PRIMARY KEY (segment_code, credit_code)){suffix}"
    )
    for tag in tags:
        conn.execute(
            text(
                f"INSERT INTO run_new SELECT :code, credit_code, v, :fp FROM "
                f"(SELECT credit_code, {canonical_sql(dialect, tag, tag.code)} AS v "
                f"FROM run_result) AS t WHERE v IS NOT NULL"
            ),
            {"code": tag.code, "fp": plan.compiled[tag.code].fingerprint},
        )
    for code, expr in segments.items():
        conn.execute(
            text(
                "INSERT INTO run_members SELECT :code, credit_code, :fp FROM run_result "
                f"WHERE {expr.to_sql(dialect, as_of=as_of)}"
            ),
            {"code": code, "fp": expr.fingerprint},
        )
    return int(conn.exec_driver_sql("SELECT COUNT(*) FROM run_result").scalar() or 0)


def _check_categories(conn: Connection, tag: Tag) -> None:
    if tag.value_type != "category" or not tag.categories:
        return
    allowed = [c.value for c in tag.categories]
    params = {f"c{i}": v for i, v in enumerate(allowed)}
    marks = ", ".join(f":c{i}" for i in range(len(allowed)))
    bad = conn.execute(
        text(
            "SELECT value, COUNT(*) FROM run_new WHERE tag_code = :code "
            f"AND value NOT IN ({marks}) GROUP BY value"
        ),
        {"code": tag.code, **params},
    ).first()
    if bad is not None:
        raise TagRunError(
            f"tag {tag.code} gave the value {bad[0]!r} for {bad[1]} customer(s), "
            f"which is not one of its categories ({', '.join(allowed)})"
        )


def _apply_diff(
    conn: Connection, dialect: str, codes: list[str], as_of: dt.date, run_id: int, suffix: str
) -> int:
    params = {f"t{i}": c for i, c in enumerate(codes)} | {"as_of": as_of, "run": run_id}
    in_codes = ", ".join(f":t{i}" for i in range(len(codes)))
    conn.exec_driver_sql(
        f"CREATE TEMPORARY TABLE run_diff (tag_code VARCHAR(64), credit_code VARCHAR(18), "
        f"old_value VARCHAR(64), new_value VARCHAR(64), new_fingerprint VARCHAR(64)){suffix}"
    )
    conn.execute(
        text(
            "INSERT INTO run_diff "
            "SELECT n.tag_code, n.credit_code, c.value, n.value, n.fingerprint "
            "FROM run_new n LEFT JOIN tag_values c ON c.tag_code = n.tag_code "
            "AND c.credit_code = n.credit_code WHERE c.value IS NULL OR c.value <> n.value"
        ),
        params,
    )
    conn.execute(
        text(
            "INSERT INTO run_diff SELECT c.tag_code, c.credit_code, c.value, NULL, NULL "
            f"FROM tag_values c WHERE c.tag_code IN ({in_codes}) AND c.source = 'run' "
            "AND NOT EXISTS (SELECT 1 FROM run_new n WHERE n.tag_code = c.tag_code "
            "AND n.credit_code = c.credit_code)"
        ),
        params,
    )
    changed = int(conn.exec_driver_sql("SELECT COUNT(*) FROM run_diff").scalar() or 0)
    if changed:
        conn.execute(
            text(
                "INSERT INTO tag_history (tag_code, credit_code, value, valid_from, valid_to, "
                "run_id, closed_by_run, fingerprint, source, set_by, reason) "
                "SELECT c.tag_code, c.credit_code, c.value, c.valid_from, :as_of, c.run_id, :run, "
                "c.fingerprint, c.source, c.set_by, c.reason FROM tag_values c JOIN run_diff d "
                "ON d.tag_code = c.tag_code AND d.credit_code = c.credit_code "
                "WHERE c.valid_from < :as_of"
            ),
            params,
        )
        conn.execute(
            text(
                "DELETE FROM tag_values WHERE EXISTS (SELECT 1 FROM run_diff d WHERE "
                "d.tag_code = tag_values.tag_code AND d.credit_code = tag_values.credit_code)"
            ),
            params,
        )
        conn.execute(
            text(
                "INSERT INTO tag_values (tag_code, credit_code, value, valid_from, run_id, "
                "fingerprint, source) SELECT tag_code, credit_code, new_value, :as_of, :run, "
                "new_fingerprint, 'run' FROM run_diff WHERE new_value IS NOT NULL"
            ),
            params,
        )
        _outbox(conn, as_of, run_id)
    conn.exec_driver_sql("DROP TABLE run_diff")
    return changed


def _outbox(conn: Connection, as_of: dt.date, run_id: int) -> None:
    """One event per customer whose tags changed, listing every change."""
    rows = conn.exec_driver_sql(
        "SELECT credit_code, tag_code, old_value, new_value FROM run_diff "
        "ORDER BY credit_code, tag_code"
    )
    now = utcnow()
    batch: list[dict[str, Any]] = []
    for code, changes in groupby(rows, key=lambda r: r[0]):
        payload = {
            "run_id": run_id,
            "as_of": as_of.isoformat(),
            "credit_code": code,
            "changes": [{"tag": t, "from": old, "to": new} for _, t, old, new in changes],
        }
        batch.append({"topic": "tags.changed", "key": code, "payload": payload, "created_at": now})
        if len(batch) >= 5000:
            conn.execute(insert(Outbox), batch)
            batch = []
    if batch:
        conn.execute(insert(Outbox), batch)


def _record_failure(
    store: Store, as_of: dt.date, dialect: str, started: dt.datetime, exc: BaseException
) -> None:
    message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
    try:
        with store.write() as conn:
            conn.execute(
                insert(TagRun).values(
                    as_of=as_of,
                    engine=dialect,
                    status="failed",
                    started_at=started,
                    finished_at=utcnow(),
                    error=str(message)[:2000],
                    coverage={},
                    fingerprints={},
                )
            )
    except Exception:
        return
