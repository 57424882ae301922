"""Manual tags: a person sets or clears a value with a reason and an optional expiry.

Every value that ends goes to ``tag_history`` with who ended it and why (``closed_by``,
``close_reason``) and the expiry it carried — also when it ends on the day it was set (an
empty period), so nothing a person did is lost. A value whose expiry has come is no longer
current (queries leave it out from that day); the next run closes it (``expired``), and a
full run closes the values of a manual tag that was retired (``retired``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, delete, insert, select, text

from lendtag.errors import InputError, NotFoundError
from lendtag.store.models import Enterprise, Outbox, TagHistory
from lendtag.store.models.base import utcnow
from lendtag.store.models.tags import MANUAL_VALUES
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


SYSTEM = "lendtag"  # who closes values on its own (expiry, retirement)


def _close(conn: Connection, current: Any, on: dt.date, by: str, reason: str) -> None:
    """End a current value on ``on``: a history row (who, why, its expiry), then gone."""
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
            expires_on=current.expires_on,
            closed_by=by,
            close_reason=reason,
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
    old_value = None
    if current is not None:
        if current.valid_from > on:
            raise InputError(f"the current value is dated {current.valid_from}, after {on}")
        if _expired(current, on):  # it ended at its expiry, whatever comes now
            _close(conn, current, current.expires_on, SYSTEM, "expired")
            _event(conn, code, tag_code, current.value, None, SYSTEM, "expired")
        else:
            _close(conn, current, on, by, reason)
            old_value = current.value
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
    _event(conn, code, tag_code, old_value, stored, by, reason)
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
    if current is None or _expired(current, on):
        expired = f" (it expired on {current.expires_on})" if current is not None else ""
        raise NotFoundError(f"customer {code} has no value of tag {tag_code} on {on}{expired}")
    if current.valid_from > on:
        raise InputError(f"the current value is dated {current.valid_from}, after {on}")
    _close(conn, current, on, by, reason)
    _event(conn, code, tag_code, current.value, None, by, reason)
    return {"credit_code": code, "tag": tag_code, "cleared": current.value, "on": on.isoformat()}


def expire_manual(conn: Connection, as_of: dt.date) -> int:
    """Close manual values whose expiry has come; returns how many."""
    rows = conn.execute(  # the condition spelled as ix_tag_values_manual's, so it is used
        select(CURRENT).where(
            text(MANUAL_VALUES),
            CURRENT.c.expires_on.is_not(None),
            CURRENT.c.expires_on <= as_of,
        )
    ).all()
    for r in rows:
        _close(conn, r, r.expires_on, SYSTEM, "expired")
        _event(conn, r.credit_code, r.tag_code, r.value, None, SYSTEM, "expired")
    return len(rows)


def close_unpublished_manual(conn: Connection, as_of: dt.date) -> int:
    """Close, on ``as_of``, the manual values of tags that are no longer published (or no
    longer manual); returns how many."""
    manual = [code for code, t in tag_index(conn).items() if t.kind == "manual"]
    rows = conn.execute(
        select(CURRENT).where(text(MANUAL_VALUES), CURRENT.c.tag_code.not_in(manual))
    ).all()
    for r in rows:
        _close(conn, r, max(as_of, r.valid_from), SYSTEM, "retired")
        _event(conn, r.credit_code, r.tag_code, r.value, None, SYSTEM, "retired")
    return len(rows)


def _expired(current: Any, on: dt.date) -> bool:
    return current.expires_on is not None and current.expires_on <= on


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
