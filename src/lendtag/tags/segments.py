"""Segments: named groups of customers, their membership history, counts and exports.

Membership is recomputed by every full tag run, in the run's transaction: customers who
enter or leave a segment get a history row and an outbox event (``segment.entered`` /
``segment.left``) committed together with the change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import (
    Connection,
    Date,
    Table,
    bindparam,
    func,
    null,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy import cast as cast_

from lendtag.errors import NotFoundError
from lendtag.store.models import Enterprise, SegmentHistory, SegmentMember
from lendtag.store.models.base import utcnow
from lendtag.tags import catalog
from lendtag.tags.compile import compile_plan, compile_segments
from lendtag.tags.definitions import Segment
from lendtag.tags.pit import base_query

MEMBERS = cast(Table, SegmentMember.__table__)
PAST = cast(Table, SegmentHistory.__table__)


def apply_membership(conn: Connection, as_of: dt.date, run_id: int, tables: str = "") -> int:
    """Write the segment moves of a run; returns the number of moves written.

    ``run_moves`` (segment_code, credit_code, entered 1/0) holds the customers who enter or
    leave a segment, ``run_fingerprints`` the definition fingerprint of each segment under
    ``segment:<code>`` (both filled by the run's engine, see ``lendtag.engines.base``).
    Leavers get a history row, entrants a membership row, each an outbox event.
    ``tables`` is the prefix of the engine's tables (``Computed.tables``).
    """
    params: dict[str, Any] = {"as_of": as_of, "run": run_id, "now": utcnow()}
    event = _event_sql(conn.dialect.name)
    left = (
        f"FROM {tables}run_moves m JOIN segment_members s ON s.segment_code = m.segment_code "
        "AND s.credit_code = m.credit_code WHERE m.entered = 0"
    )
    entered = f"FROM {tables}run_moves m WHERE m.entered = 1"
    n_left = int(conn.execute(text(f"SELECT COUNT(*) {left}")).scalar() or 0)
    n_entered = int(conn.execute(text(f"SELECT COUNT(*) {entered}")).scalar() or 0)
    if n_left:
        conn.execute(
            text(
                "INSERT INTO segment_history (segment_code, credit_code, valid_from, valid_to, "
                "run_id, closed_by_run, fingerprint) SELECT s.segment_code, s.credit_code, "
                f"s.valid_from, :as_of, s.run_id, :run, s.fingerprint {left}"
            ),
            params,
        )
        conn.execute(
            text(
                "INSERT INTO outbox (topic, key, payload, created_at) SELECT 'segment.left', "
                f"s.credit_code, {event.format(seg='s.segment_code', code='s.credit_code')}, :now "
                f"{left} ORDER BY s.segment_code, s.credit_code"
            ),
            params,
        )
        conn.execute(
            text(
                "DELETE FROM segment_members WHERE (segment_code, credit_code) IN "
                f"(SELECT segment_code, credit_code FROM {tables}run_moves WHERE entered = 0)"
            )
        )
    if n_entered:
        conn.execute(
            text(
                "INSERT INTO outbox (topic, key, payload, created_at) SELECT 'segment.entered', "
                f"m.credit_code, {event.format(seg='m.segment_code', code='m.credit_code')}, :now "
                f"{entered} ORDER BY m.segment_code, m.credit_code"
            ),
            params,
        )
        conn.execute(
            text(
                "INSERT INTO segment_members (segment_code, credit_code, valid_from, run_id, "
                "fingerprint) SELECT m.segment_code, m.credit_code, :as_of, :run, f.fingerprint "
                f"FROM {tables}run_moves m JOIN run_fingerprints f ON f.code = 'segment:' || "
                "m.segment_code WHERE m.entered = 1 ORDER BY m.segment_code, m.credit_code"
            ),
            params,
        )
    return n_left + n_entered


def _event_sql(dialect: str) -> str:
    """A JSON payload built in SQL (so millions of moves need no Python loop)."""
    if dialect == "postgresql":
        return (
            "json_build_object('segment', {seg}, 'credit_code', {code}, "
            "'as_of', CAST(:as_of AS DATE), 'run_id', CAST(:run AS INTEGER))"
        )
    return "json_object('segment', {seg}, 'credit_code', {code}, 'as_of', :as_of, 'run_id', :run)"


def _segment(conn: Connection, code: str) -> Segment:
    for seg in catalog.published(conn, "segment"):
        if seg.code == code:
            return cast(Segment, seg)
    raise NotFoundError(f"no published segment named {code!r}")


def live_count(
    conn: Connection,
    expression: str,
    as_of: dt.date,
    branches: Sequence[str] | None = None,
) -> dict[str, Any]:
    """How many customers an expression over tags and features selects on ``as_of``
    (among the customers of ``branches`` when given)."""
    plan = compile_plan(catalog.published(conn, "feature"), catalog.published(conn, "tag"))
    probe = Segment(
        code="live_count",
        name={"zh": "实时", "en": "live"},  # type: ignore[arg-type]
        expression=expression,
        owner="-",
        purpose=["credit_risk_assessment"],
    )
    expr = compile_segments(plan, [probe])["live_count"]
    dialect = conn.dialect.name
    base_sql = str(
        base_query(dialect, as_of).compile(
            dialect=conn.dialect, compile_kwargs={"literal_binds": True}
        )
    )
    columns = [c for c in plan.result_columns([expr]) if c != "branch"] + ["branch"]
    query = text(
        f"SELECT COUNT(*), SUM(CASE WHEN {expr.to_sql(dialect, as_of=as_of)} THEN 1 ELSE 0 "
        f"END) FROM ({plan.sql(dialect, base_sql, as_of, columns)}) AS r"
        + (" WHERE r.branch IN :branches" if branches is not None else "")
    )
    params: dict[str, Any] = {}
    if branches is not None:
        query = query.bindparams(bindparam("branches", expanding=True))
        params["branches"] = list(branches) or [""]
    total, selected = conn.execute(query, params).one()
    return {
        "expression": expr.normalized,
        "as_of": as_of.isoformat(),
        "customers": int(total or 0),
        "members": int(selected or 0),
    }


def members(
    conn: Connection,
    code: str,
    as_of: dt.date | None = None,
    branches: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """The members of a segment (now, or on a past date) with their key attributes, only
    those of ``branches`` when given."""
    _segment(conn, code)
    cur = select(
        MEMBERS.c.credit_code,
        MEMBERS.c.valid_from,
        cast_(null(), Date).label("valid_to"),
    ).where(MEMBERS.c.segment_code == code)
    old = select(PAST.c.credit_code, PAST.c.valid_from, PAST.c.valid_to).where(
        PAST.c.segment_code == code
    )
    periods = union_all(cur, old).subquery("p")
    e = cast(Table, Enterprise.__table__)
    stmt = select(
        periods.c.credit_code,
        periods.c.valid_from,
        e.c.name,
        e.c.size_class,
        e.c.industry_code,
        e.c.region_code,
        e.c.branch,
    ).join(e, e.c.credit_code == periods.c.credit_code)
    if branches is not None:
        stmt = stmt.where(e.c.branch.in_(list(branches)))
    if as_of is None:
        stmt = stmt.where(periods.c.valid_to.is_(None))
    else:
        stmt = stmt.where(
            periods.c.valid_from <= as_of,
            or_(periods.c.valid_to.is_(None), periods.c.valid_to > as_of),
        )
    rows = conn.execute(stmt.order_by(periods.c.credit_code))
    return [
        {
            "credit_code": r.credit_code,
            "name": r.name,
            "size_class": r.size_class,
            "industry_code": r.industry_code,
            "region_code": r.region_code,
            "branch": r.branch,
            "member_since": r.valid_from.isoformat()
            if isinstance(r.valid_from, dt.date)
            else r.valid_from,
        }
        for r in rows
    ]


def history(
    conn: Connection,
    code: str,
    credit_code: str | None = None,
    branches: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """Entries and exits of a segment, oldest first (of ``branches``' customers if given)."""
    _segment(conn, code)
    cur = select(
        MEMBERS.c.credit_code,
        MEMBERS.c.valid_from,
        cast_(null(), Date).label("valid_to"),
        MEMBERS.c.run_id,
    ).where(MEMBERS.c.segment_code == code)
    old = select(PAST.c.credit_code, PAST.c.valid_from, PAST.c.valid_to, PAST.c.run_id).where(
        PAST.c.segment_code == code
    )
    if credit_code:
        cur = cur.where(MEMBERS.c.credit_code == credit_code.upper())
        old = old.where(PAST.c.credit_code == credit_code.upper())
    p = union_all(cur, old).subquery("p")
    stmt = select(p)
    if branches is not None:
        e = cast(Table, Enterprise.__table__)
        stmt = stmt.join(e, e.c.credit_code == p.c.credit_code).where(
            e.c.branch.in_(list(branches))
        )
    rows = conn.execute(stmt.order_by(p.c.credit_code, p.c.valid_from))
    return [
        {
            "credit_code": r.credit_code,
            "entered": _iso(r.valid_from),
            "left": _iso(r.valid_to),
            "run_id": r.run_id,
        }
        for r in rows
    ]


def counts(conn: Connection) -> list[dict[str, Any]]:
    """Published segments with their current member counts."""
    n: dict[str, int] = dict(
        conn.execute(
            select(MEMBERS.c.segment_code, func.count()).group_by(MEMBERS.c.segment_code)
        ).all()
    )
    return [
        {
            "code": s.code,
            "name": s.name.model_dump(),
            "expression": s.expression,
            "members": int(n.get(s.code, 0)),
        }
        for s in catalog.published(conn, "segment")
    ]


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value
