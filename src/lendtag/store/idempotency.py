"""The record behind ``Idempotency-Key``: claim a key, store the first result, replay it.

A claim is an INSERT under a unique (user, key) constraint, committed at once: of two
identical requests arriving together exactly one wins the claim and does the work; the
other waits for its result and replays it. The same key with a different request is a
conflict. A claim whose work failed is released, so the client may retry.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from lendtag.store.db import Store
from lendtag.store.models.access import IdempotencyKey
from lendtag.store.models.base import utcnow

KEYS = cast(Table, IdempotencyKey.__table__)
STALE_AFTER = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class Claim:
    """``new`` (do the work), ``replay`` (status and body given), ``conflict``, ``pending``."""

    state: str
    status_code: int | None = None
    response: Any = None


def claim(store: Store, user_id: int, key: str, method: str, path: str, digest: str) -> Claim:
    try:
        with store.write(audited=False) as conn:
            conn.execute(
                insert(KEYS).values(
                    user_id=user_id,
                    key=key,
                    method=method,
                    path=path,
                    request_hash=digest,
                    created_at=utcnow(),
                )
            )
        return Claim("new")
    except IntegrityError:
        pass
    with store.read() as conn:
        row = conn.execute(select(KEYS).where(KEYS.c.user_id == user_id, KEYS.c.key == key)).first()
    if row is None:  # released between our insert and our read: try once more
        return claim(store, user_id, key, method, path, digest)
    if row.request_hash != digest:
        return Claim("conflict")
    if row.status_code is None:
        created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=dt.UTC)
        if utcnow() - created > STALE_AFTER:  # its worker died: let this request do the work
            release(store, user_id, key)
            return claim(store, user_id, key, method, path, digest)
        return Claim("pending")
    return Claim("replay", int(row.status_code), row.response)


def wait(store: Store, user_id: int, key: str, timeout: float = 60.0) -> Claim:
    """Wait for the request holding the claim to finish, then its result."""
    deadline = time.monotonic() + timeout
    delay = 0.01
    while time.monotonic() < deadline:
        with store.read() as conn:
            row = conn.execute(
                select(KEYS.c.status_code, KEYS.c.response).where(
                    KEYS.c.user_id == user_id, KEYS.c.key == key
                )
            ).first()
        if row is None:
            return Claim("released")
        if row.status_code is not None:
            return Claim("replay", int(row.status_code), row.response)
        time.sleep(delay)
        delay = min(delay * 2, 0.25)
    return Claim("pending")


def complete(store: Store, user_id: int, key: str, status_code: int, response: Any) -> None:
    with store.write(audited=False) as conn:
        conn.execute(
            update(KEYS)
            .where(KEYS.c.user_id == user_id, KEYS.c.key == key)
            .values(status_code=status_code, response=response, completed_at=utcnow())
        )


def release(store: Store, user_id: int, key: str) -> None:
    with store.write(audited=False) as conn:
        conn.execute(
            delete(KEYS).where(
                KEYS.c.user_id == user_id, KEYS.c.key == key, KEYS.c.status_code.is_(None)
            )
        )
