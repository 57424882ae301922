"""Manual tags: a person sets or clears a value with a reason and an optional expiry."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from lendtag.errors import InputError, NotFoundError
from lendtag.store.models import Enterprise, Outbox, TagHistory
from lendtag.store.models.base import utcnow
from lendtag.tags.queries import CURRENT, tag_index


def _check_value(tag: Any, value: str) -> str:
    if tag.value_type == "flag":
        low = value.strip().lower()
        if low not in ("true", "false"):
            raise InputError(f"tag {tag.code} is a flag: its value is true or false, not {value!r}")
        return low
    if tag.value_type == "category":
        allowed = [c.value for c in tag.categories or []]
        if value not in allowed:
            raise InputError(
                f"{value!r} is not a value of tag {tag.code}; expected one of " + ", ".join(allowed)
            )
        return value
    try:
        number = float(value)
    except ValueError:
        raise InputError(f"tag {tag.code} is a number, not {value!r}") from None
    return str(int(number)) if number == int(number) else repr(number)


def _close(conn: Connection, current: Any, on: dt.date, by: str, reason: str) -> None:
    if current.valid_from < on:
        conn.execute(
            insert(TagHistory).values(
                tag_code=current.tag_code,
                credit_code=current.credit_code,
                value=current.value,
                valid_from=current.valid_from,
                valid_to=on,
                run_id=current.run_id,
                fingerprint=current.fingerprint,
                source=current.source,
                set_by=current.set_by,
                reason=current.reason,
            )
        )
    conn.execute(
        delete(CURRENT).where(
            CURRENT.c.tag_code == current.tag_code, CURRENT.c.credit_code == current.credit_code
        )
    )


def _manual_tag(conn: Connection, code: str, tag_code: str) -> tuple[str, Any]:
    code = code.strip().upper()
    if conn.scalar(select(Enterprise.credit_code).where(Enterprise.credit_code == code)) is None:
        raise NotFoundError(f"no customer with credit code {code}")
    tag = tag_index(conn).get(tag_code)
    if tag is None:
        raise NotFoundError(f"no published tag named {tag_code!r}")
    if tag.kind != "manual":
        raise InputError(
            f"tag {tag_code} is a {tag.kind} tag computed by runs; only manual tags are set by hand"
        )
    return code, tag


def set_manual(
    conn: Connection,
    code: str,
    tag_code: str,
    value: str,
    *,
    by: str,
    reason: str,
    on: dt.date,
    expires_on: dt.date | None = None,
) -> dict[str, Any]:
    """Give a customer a manual tag value from ``on``; the previous value goes to history."""
    if not reason.strip():
        raise InputError("a manual tag needs a reason")
    if expires_on is not None and expires_on <= on:
        raise InputError(f"the expiry {expires_on} must be after {on}")
    code, tag = _manual_tag(conn, code, tag_code)
    stored = _check_value(tag, value)
    current = conn.execute(
        select(CURRENT).where(CURRENT.c.tag_code == tag_code, CURRENT.c.credit_code == code)
    ).first()
    if current is not None:
        if current.valid_from > on:
            raise InputError(f"the current value is dated {current.valid_from}, after {on}")
        _close(conn, current, on, by, reason)
    conn.execute(
        insert(CURRENT).values(
            tag_code=tag_code,
            credit_code=code,
            value=stored,
            valid_from=on,
            run_id=None,
            fingerprint=None,
            source="manual",
            set_by=by,
            reason=reason,
            expires_on=expires_on,
        )
    )
    _event(conn, code, tag_code, current.value if current else None, stored, by, reason)
    return {
        "credit_code": code,
        "tag": tag_code,
        "value": stored,
        "since": on.isoformat(),
        "expires_on": expires_on.isoformat() if expires_on else None,
    }


def clear_manual(
    conn: Connection, code: str, tag_code: str, *, by: str, reason: str, on: dt.date
) -> dict[str, Any]:
    """End a customer's manual tag value on ``on``."""
    if not reason.strip():
        raise InputError("clearing a manual tag needs a reason")
    code, _tag = _manual_tag(conn, code, tag_code)
    current = conn.execute(
        select(CURRENT).where(CURRENT.c.tag_code == tag_code, CURRENT.c.credit_code == code)
    ).first()
    if current is None:
        raise NotFoundError(f"customer {code} has no value of tag {tag_code}")
    _close(conn, current, on, by, reason)
    _event(conn, code, tag_code, current.value, None, by, reason)
    return {"credit_code": code, "tag": tag_code, "cleared": current.value, "on": on.isoformat()}


def expire_manual(conn: Connection, as_of: dt.date) -> int:
    """Close manual values whose expiry has come; returns how many."""
    rows = conn.execute(
        select(CURRENT).where(
            CURRENT.c.source == "manual",
            CURRENT.c.expires_on.is_not(None),
            CURRENT.c.expires_on <= as_of,
        )
    ).all()
    for r in rows:
        _close(conn, r, r.expires_on, "lendtag", "expired")
        _event(conn, r.credit_code, r.tag_code, r.value, None, "lendtag", "expired")
    return len(rows)


def _event(
    conn: Connection, code: str, tag: str, old: str | None, new: str | None, by: str, reason: str
) -> None:
    conn.execute(
        insert(Outbox).values(
            topic="tags.changed",
            key=code,
            created_at=utcnow(),
            payload={
                "credit_code": code,
                "source": "manual",
                "by": by,
                "reason": reason,
                "changes": [{"tag": tag, "from": old, "to": new}],
            },
        )
    )
