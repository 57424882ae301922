"""Questions people ask of tag values: a customer's tags on a date, their history, migration."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any, cast

from sqlalchemy import (
    Connection,
    Date,
    Integer,
    String,
    Table,
    Text,
    and_,
    bindparam,
    func,
    null,
    or_,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy import cast as cast_

from lendtag.errors import NotFoundError
from lendtag.store.models import Enterprise, TagHistory, TagValue
from lendtag.tags import catalog
from lendtag.tags.definitions import Tag

CURRENT = cast(Table, TagValue.__table__)
HISTORY = cast(Table, TagHistory.__table__)


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def tag_index(conn: Connection) -> dict[str, Tag]:
    """Published tags by code."""
    return dict(catalog.published_view(conn, "tag", "index", _index))


def _index(tags: list[Tag]) -> dict[str, Tag]:
    return {t.code: t for t in tags}


Labels = tuple[dict[str, str], str, dict[str, dict[str, str]]]


def _labels(tags: list[Tag]) -> dict[str, Labels]:
    """Per tag: its zh/en name, its dimension and the zh/en names of its category values."""
    return {
        t.code: (
            {"zh": t.name.zh, "en": t.name.en},
            t.dimension,
            {c.value: {"zh": c.name.zh, "en": c.name.en} for c in t.categories or []},
        )
        for t in tags
    }


def _require_customer(conn: Connection, code: str) -> str:
    code = code.strip().upper()
    if conn.scalar(select(Enterprise.credit_code).where(Enterprise.credit_code == code)) is None:
        raise NotFoundError(f"no customer with credit code {code}", details={"credit_code": code})
    return code


def _periods(code: str | None = None, tag: str | None = None) -> Any:
    """Every period of every value as one relation; current values have valid_to NULL
    (and no closed_by / close_reason)."""
    no_date = cast_(null(), Date)
    cur = select(
        CURRENT.c.tag_code,
        CURRENT.c.credit_code,
        CURRENT.c.value,
        CURRENT.c.valid_from,
        no_date.label("valid_to"),
        CURRENT.c.run_id,
        CURRENT.c.fingerprint,
        CURRENT.c.source,
        CURRENT.c.set_by,
        CURRENT.c.reason,
        CURRENT.c.expires_on,
        cast_(null(), String(64)).label("closed_by"),
        cast_(null(), Text()).label("close_reason"),
        cast_(null(), Integer()).label("seq"),
    )
    old = select(
        HISTORY.c.tag_code,
        HISTORY.c.credit_code,
        HISTORY.c.value,
        HISTORY.c.valid_from,
        HISTORY.c.valid_to,
        HISTORY.c.run_id,
        HISTORY.c.fingerprint,
        HISTORY.c.source,
        HISTORY.c.set_by,
        HISTORY.c.reason,
        HISTORY.c.expires_on,
        HISTORY.c.closed_by,
        HISTORY.c.close_reason,
        HISTORY.c.id.label("seq"),
    )
    if code is not None:
        cur = cur.where(CURRENT.c.credit_code == code)
        old = old.where(HISTORY.c.credit_code == code)
    if tag is not None:
        cur = cur.where(CURRENT.c.tag_code == tag)
        old = old.where(HISTORY.c.tag_code == tag)
    return union_all(cur, old).subquery("periods")


def _held_on(p: Any, day: dt.date) -> Any:
    """The periods that hold on ``day``: begun, not ended, and not past their expiry (a
    manual value stops on its expiry date even before a run closes it)."""
    return and_(
        p.c.valid_from <= day,
        or_(p.c.valid_to.is_(None), p.c.valid_to > day),
        or_(p.c.expires_on.is_(None), p.c.expires_on > day),
    )


_CURRENT_OF = (
    select(
        *(c for c in CURRENT.c if c.name not in ("valid_from", "expires_on")),
        # dates as the database gives them: SQLite's ISO text needs no parsing and printing
        # back (a date from another driver is printed by _iso)
        type_coerce(CURRENT.c.valid_from, String).label("valid_from"),
        type_coerce(CURRENT.c.expires_on, String).label("expires_on"),
    )
    .where(
        CURRENT.c.credit_code == bindparam("code"),
        or_(CURRENT.c.expires_on.is_(None), CURRENT.c.expires_on > bindparam("day", type_=Date)),
    )
    .order_by(CURRENT.c.tag_code)
)
"""A customer's current values not expired by a day (built once; the engine caches its SQL)."""


def values_on(
    conn: Connection,
    code: str,
    as_of: dt.date | None = None,
    *,
    today: dt.date | None = None,
    known: bool = False,
) -> list[dict[str, Any]]:
    """The tags a customer carries, now (current values not expired by ``today``) or on
    ``as_of``. ``known``: the caller has just read the customer (``code`` normalised), so
    it is not looked up again."""
    code = code if known else _require_customer(conn, code)
    labels = catalog.published_view(conn, "tag", "labels", _labels)
    if as_of is not None:
        p = _periods(code)
        rows = conn.execute(select(p).where(_held_on(p, as_of)).order_by(p.c.tag_code))
    else:  # current values live in tag_values alone (every history period has ended)
        rows = conn.execute(_CURRENT_OF, {"code": code, "day": today or dt.date.today()})
    out = []
    unknown: Labels = ({}, "", {})
    for r in rows:
        label = labels.get(r.tag_code)
        name, dimension, values = label or unknown
        value_name = values.get(r.value)
        out.append(
            {
                "tag": r.tag_code,
                "name": dict(name) if label else None,
                "dimension": dimension if label else None,
                "value": r.value,
                "value_name": dict(value_name) if value_name else None,
                "since": _iso(r.valid_from),
                "source": r.source,
                "run_id": r.run_id,
                "fingerprint": r.fingerprint,
                "reason": r.reason,
                "expires_on": _iso(r.expires_on),
            }
        )
    return out


def history(conn: Connection, code: str, tag: str | None = None) -> list[dict[str, Any]]:
    """Every value a customer's tag(s) ever had, oldest first."""
    code = _require_customer(conn, code)
    p = _periods(code, tag)
    rows = conn.execute(  # same-day periods in the order they were written, current last
        select(p).order_by(
            p.c.tag_code, p.c.valid_from, p.c.valid_to.is_(None), p.c.valid_to, p.c.seq
        )
    )
    return [
        {
            "tag": r.tag_code,
            "value": r.value,
            "valid_from": _iso(r.valid_from),
            "valid_to": _iso(r.valid_to),
            "run_id": r.run_id,
            "fingerprint": r.fingerprint,
            "source": r.source,
            "set_by": r.set_by,
            "reason": r.reason,
            "expires_on": _iso(r.expires_on),
            "closed_by": r.closed_by,
            "close_reason": r.close_reason,
        }
        for r in rows
    ]


def values_of_tag_on(conn: Connection, tag: str, day: dt.date) -> dict[str, str]:
    """Every customer's value of ``tag`` held on ``day``."""
    p = _periods(tag=tag)
    stmt = select(p.c.credit_code, p.c.value).where(_held_on(p, day))
    return dict(conn.execute(stmt).all())


def migration(conn: Connection, tag: str, d1: dt.date, d2: dt.date) -> dict[str, Any]:
    """Transition matrix of a tag's values between two dates (counts of customers)."""
    tags = tag_index(conn)
    if tag not in tags:
        raise NotFoundError(f"no published tag named {tag!r}")
    before = values_of_tag_on(conn, tag, d1)
    after = values_of_tag_on(conn, tag, d2)
    pairs = Counter((before.get(c), after.get(c)) for c in set(before) | set(after))
    order = [c.value for c in tags[tag].categories or []]
    seen = {v for pair in pairs for v in pair if v is not None}
    states = [v for v in order if v in seen] + sorted(seen - set(order))
    labels = [*states, None]
    matrix = [[pairs.get((a, b), 0) for b in labels] for a in labels]
    return {
        "tag": tag,
        "from": d1.isoformat(),
        "to": d2.isoformat(),
        "states": [*states, "(none)"],
        "matrix": matrix,
        "stayed": sum(n for (a, b), n in pairs.items() if a == b),
        "moved": sum(n for (a, b), n in pairs.items() if a != b),
    }


def tag_distribution(conn: Connection, tag: str) -> dict[str, int]:
    rows = conn.execute(
        select(CURRENT.c.value, func.count())
        .where(CURRENT.c.tag_code == tag)
        .group_by(CURRENT.c.value)
        .order_by(CURRENT.c.value)
    )
    return {v: int(n) for v, n in rows}
