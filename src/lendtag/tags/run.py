"""A batch run: compute every published tag for an as-of date, write only the changes.

The whole run is one transaction: computed values land in a temporary table, the diff
against the current values is taken in SQL, and only changed values are written — the old
value to ``tag_history`` (closed at the as-of date), the new one to ``tag_values`` — with
one outbox event per customer whose tags changed, and one audit entry. Killed at any point,
the previous state stands; run again for the same date, it writes nothing.

A full run (no ``--only``) also closes what no published definition stands behind any
more: the values of retired tags and the members of retired segments. Every run closes
manual values whose expiry has come. ``changed`` counts every value the run changed.

Where the values are computed is the engine's business (``lendtag.engines``): inside the
store itself, or in an in-process DuckDB fed with a snapshot of the store. Every engine
hands its changes over in the same temporary tables, and this module writes them.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Connection, insert, select, text, update

from lendtag.core.reporting import NullReporter, Reporter
from lendtag.engines.base import ENGINE_NAMES, Engine, RunJob, create_run_tables, drop_run_tables
from lendtag.engines.canonical import canonical_sql, canonical_value
from lendtag.engines.store import StoreEngine
from lendtag.store import audit
from lendtag.store.db import Store
from lendtag.store.models.base import utcnow
from lendtag.store.models.tags import TagRun
from lendtag.tags import catalog
from lendtag.tags.compile import Plan, compile_plan, compile_segments
from lendtag.tags.definitions import Tag
from lendtag.tags.errors import TagRunError
from lendtag.tags.manual import close_unpublished_manual, expire_manual
from lendtag.tags.segments import apply_membership

__all__ = ["RunResult", "canonical_sql", "canonical_value", "resolve_engine", "run_tags"]


@dataclass(frozen=True)
class RunResult:
    run_id: int
    as_of: str
    engine: str
    customers: int
    tags: int
    changed: int  # values changed: computed changes + manual values closed (expired, retired)
    coverage: dict[str, float]
    timings: dict[str, float] = field(default_factory=dict)  # step -> seconds
    expired: int = 0  # manual values closed because their expiry came (counted in changed)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


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


def resolve_engine(store: Store, engine: str | None) -> Engine:
    """The engine asked for: the store's own by default, or DuckDB."""
    dialect = store.dialect
    own = "sqlite" if dialect == "sqlite" else "postgres"
    if engine is None or engine == own or (engine == "postgresql" and own == "postgres"):
        return StoreEngine(dialect)
    if engine == "duckdb":
        from lendtag.engines.duck import DuckDBEngine  # imports duckdb only when asked for

        return DuckDBEngine(store)
    if engine in ("sqlite", "postgres", "postgresql"):
        raise TagRunError(
            f"--engine {engine} cannot run on this store ({dialect}); "
            f"the store's own engine is {own}, or use duckdb",
            details={"engine": engine, "store": dialect, "expected": [own, "duckdb"]},
        )
    raise TagRunError(
        f"unknown engine {engine!r}; expected one of {', '.join(ENGINE_NAMES)}",
        details={"engine": engine, "expected": list(ENGINE_NAMES)},
    )


def run_tags(
    store: Store,
    as_of: dt.date,
    *,
    only: list[str] | None = None,
    engine: str | None = None,
    reporter: Reporter | None = None,
) -> RunResult:
    """Run the published tags as of ``as_of`` on the chosen engine (default: the store's)."""
    reporter = reporter or NullReporter()
    chosen = resolve_engine(store, engine)
    started = utcnow()
    try:
        with store.write() as conn:
            return _run(conn, store, chosen, as_of, only, started, reporter)
    except BaseException as exc:
        _record_failure(store, as_of, chosen.name, started, exc)
        raise


_RUN_LOCK = 7_110_415_001  # PostgreSQL advisory lock key: one tag run at a time


def _run(
    conn: Connection,
    store: Store,
    engine: Engine,
    as_of: dt.date,
    only: list[str] | None,
    started: dt.datetime,
    reporter: Reporter,
) -> RunResult:
    dialect = store.dialect
    if dialect == "postgresql":
        if engine.name == "duckdb":  # the snapshot is read by several statements: one view
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_RUN_LOCK})")
    plan, tags = _plan(conn, only)
    segments = compile_segments(plan, catalog.published(conn, "segment")) if not only else {}
    _check_forward(conn, as_of)
    created = conn.execute(
        insert(TagRun).values(as_of=as_of, engine=engine.name, status="running", started_at=started)
    )
    run_id = int(created.inserted_primary_key[0])  # type: ignore[index]
    reporter.start(f"tags as of {as_of} ({engine.name})", 4)
    full = not only
    job = RunJob(conn, dialect, plan, tags, segments, as_of, run_id, store.settings, reporter, full)
    create_run_tables(conn, job.temp_suffix)
    fingerprints = {t.code: plan.compiled[t.code].fingerprint for t in tags} | {
        f"segment:{code}": e.fingerprint for code, e in segments.items()
    }
    conn.execute(
        text("INSERT INTO run_fingerprints (code, fingerprint) VALUES (:code, :fp)"),
        [{"code": k, "fp": v} for k, v in fingerprints.items()],
    )
    computed = engine.compute(job)
    customers = computed.customers
    coverage = {
        t.code: round(computed.values.get(t.code, 0) / customers, 4) if customers else 0.0
        for t in tags
    }
    reporter.update(2)
    clock = time.perf_counter()
    steps: dict[str, float] = {}
    expired = expire_manual(conn, as_of)
    retired = close_unpublished_manual(conn, as_of) if full else 0
    steps["write_manual"] = time.perf_counter() - clock
    changed = apply_diff(conn, dialect, as_of, run_id, steps, computed.tables) + expired + retired
    reporter.update(3)
    mark = time.perf_counter()
    moves = apply_membership(conn, as_of, run_id, computed.tables) if full else 0
    steps["write_segments"] = time.perf_counter() - mark
    mark = time.perf_counter()
    drop_run_tables(conn)
    steps["write_drop"] = time.perf_counter() - mark
    timings = computed.timings | {"write": time.perf_counter() - clock} | steps
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
            fingerprints=fingerprints,
        )
    )
    audit.append(
        conn,
        "tags.run",
        object_type="tag_run",
        object_id=str(run_id),
        details={
            "as_of": as_of.isoformat(),
            "engine": engine.name,
            "only": only or None,
            "customers": customers,
            "tags": len(tags),
            "changed": changed,
            "expired": expired,
            "segment_moves": moves,
        },
    )
    reporter.update(4)
    reporter.finish()
    return RunResult(
        run_id,
        as_of.isoformat(),
        engine.name,
        customers,
        len(tags),
        changed,
        coverage,
        timings,
        expired,
    )


def apply_diff(
    conn: Connection,
    dialect: str,
    as_of: dt.date,
    run_id: int,
    timings: dict[str, float] | None = None,
    tables: str = "",
) -> int:
    """Write the changes in ``run_diff``: close old values into history, replace current
    values, and the outbox events of ``run_events``. Returns the number of changed values.

    Every closed value gets a history row, even one set earlier the same day (an empty
    period [as_of, as_of)), so the history holds every value that was ever current. The
    value of a tag this run does not compute (a retired tag) is closed with the reason
    ``retired``. ``timings``, if given, gets the seconds of each statement (write_*).
    ``tables`` is the prefix of the engine's tables (``Computed.tables``).
    """
    steps = timings if timings is not None else {}
    params = {"as_of": as_of, "run": run_id}
    clock = time.perf_counter()
    changed = int(conn.exec_driver_sql(f"SELECT COUNT(*) FROM {tables}run_diff").scalar() or 0)
    if not changed:
        return 0

    def lap(step: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        steps[step] = now - clock
        clock = now

    lap("write_count")
    conn.execute(
        text(
            "INSERT INTO tag_history (tag_code, credit_code, value, valid_from, valid_to, "
            "run_id, closed_by_run, fingerprint, source, set_by, reason, expires_on, "
            "close_reason) "
            "SELECT c.tag_code, c.credit_code, c.value, c.valid_from, :as_of, c.run_id, :run, "
            "c.fingerprint, c.source, c.set_by, c.reason, c.expires_on, "
            "CASE WHEN EXISTS (SELECT 1 FROM run_fingerprints f WHERE f.code = d.tag_code) "
            f"THEN NULL ELSE 'retired' END FROM {tables}run_diff d JOIN tag_values c "
            "ON c.tag_code = d.tag_code AND c.credit_code = d.credit_code "
            "WHERE d.old_value IS NOT NULL"
        ),
        params,
    )
    lap("write_history")
    # A value that changes is updated in place, in run_diff's order (the engine's: by
    # customer, the order the values were first written in): only the table's pages are
    # touched, once each, in one sweep. Deleting by (tag_code, credit_code) IN (…) went tag
    # by tag through the whole table, and then maintained both indexes twice.
    conn.execute(
        text(
            "UPDATE tag_values SET value = d.new_value, valid_from = :as_of, run_id = :run, "
            "fingerprint = (SELECT f.fingerprint FROM run_fingerprints f "
            "WHERE f.code = d.tag_code), source = 'run', set_by = NULL, reason = NULL, "
            f"expires_on = NULL FROM {tables}run_diff d WHERE tag_values.tag_code = d.tag_code "
            "AND tag_values.credit_code = d.credit_code "
            "AND d.old_value IS NOT NULL AND d.new_value IS NOT NULL"
        ),
        params,
    )
    lap("write_update")
    if conn.exec_driver_sql(
        f"SELECT 1 FROM {tables}run_diff WHERE new_value IS NULL LIMIT 1"
    ).first():  # values that are gone
        conn.exec_driver_sql(
            "DELETE FROM tag_values WHERE (tag_code, credit_code) IN "
            f"(SELECT tag_code, credit_code FROM {tables}run_diff WHERE new_value IS NULL)"
        )
    lap("write_delete")
    conn.execute(  # new values, in run_diff's order, fingerprints looked up per tag
        text(
            "INSERT INTO tag_values (tag_code, credit_code, value, valid_from, run_id, "
            "fingerprint, source) SELECT d.tag_code, d.credit_code, d.new_value, :as_of, :run, "
            "(SELECT f.fingerprint FROM run_fingerprints f WHERE f.code = d.tag_code), 'run' "
            f"FROM {tables}run_diff d WHERE d.old_value IS NULL"
        ),
        params,
    )
    lap("write_insert")
    payload = "CAST(payload AS JSON)" if dialect == "postgresql" else "payload"
    conn.execute(
        text(
            "INSERT INTO outbox (topic, key, payload, created_at) "
            f"SELECT 'tags.changed', credit_code, {payload}, :now FROM {tables}run_events "
            "ORDER BY credit_code"
        ),
        {"now": utcnow()},
    )
    lap("write_outbox")
    return changed


def _record_failure(
    store: Store, as_of: dt.date, engine: str, started: dt.datetime, exc: BaseException
) -> None:
    message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
    try:
        with store.write() as conn:
            created = conn.execute(
                insert(TagRun).values(
                    as_of=as_of,
                    engine=engine,
                    status="failed",
                    started_at=started,
                    finished_at=utcnow(),
                    error=str(message)[:2000],
                    coverage={},
                    fingerprints={},
                )
            )
            audit.append(
                conn,
                "tags.run",
                object_type="tag_run",
                object_id=str(created.inserted_primary_key[0]),  # type: ignore[index]
                outcome="failed",
                details={"as_of": as_of.isoformat(), "engine": engine, "error": str(message)[:500]},
            )
    except Exception:
        return
