"""The append-only, hash-chained audit log.

Every entry is written in the transaction of the change it records. Its hash is
``sha256(prev_hash || canonical JSON of the entry)``, where the canonical JSON has sorted
keys, no spaces and UTF-8 text. The head row (``audit_head``) holds the last sequence number
and hash; each append locks it, so on PostgreSQL concurrent transactions append one after
the other and the chain never forks. :func:`verify` recomputes the chain and names every
entry that was edited, deleted or moved.

The chain proves the log was not changed *after* the fact by someone who could not also
recompute every later hash; publish :func:`head` (e.g. daily) to anchor it outside the
database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Connection, Table, insert, select, update

from lendtag.store.models.access import AuditEntry, AuditHead

LOG = cast(Table, AuditEntry.__table__)
HEAD = cast(Table, AuditHead.__table__)
GENESIS = "0" * 64
FIELDS = (
    "seq",
    "at",
    "actor",
    "role",
    "action",
    "object_type",
    "object_id",
    "outcome",
    "request_id",
    "details",
)


@dataclass(frozen=True)
class Actor:
    """Who is acting: a user (with their role), the CLI user of the machine, or lendtag."""

    name: str
    role: str | None = None
    request_id: str | None = None


SYSTEM = Actor("system")
_actor: ContextVar[Actor] = ContextVar("lendtag_actor", default=SYSTEM)


def current_actor() -> Actor:
    """The actor of the operation under way (set by the CLI or the API)."""
    return _actor.get()


@contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    """Attribute every audit entry written inside the block to ``actor``."""
    token = _actor.set(actor)
    try:
        yield actor
    finally:
        _actor.reset(token)


def canonical(value: Any) -> str:
    """The canonical JSON the hash is computed over."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def entry_hash(prev_hash: str, entry: dict[str, Any]) -> str:
    body = canonical({k: entry.get(k) for k in FIELDS})
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def append(
    conn: Connection,
    action: str,
    *,
    object_type: str | None = None,
    object_id: str | int | None = None,
    outcome: str = "ok",
    details: dict[str, Any] | None = None,
    actor: Actor | None = None,
) -> int:
    """Append one entry in ``conn``'s transaction; returns its sequence number.

    ``details`` must never hold personal data (identity numbers, phones): callers pass
    codes, counts and field names, not values.
    """
    who = actor or current_actor()
    query = select(HEAD.c.seq, HEAD.c.hash).where(HEAD.c.id == 1)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    head_seq, head_hash = conn.execute(query).one()
    entry = {
        "seq": int(head_seq) + 1,
        "at": _now(),
        "actor": who.name,
        "role": who.role,
        "action": action,
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id),
        "outcome": outcome,
        "request_id": who.request_id,
        "details": json.loads(canonical(details or {})),
    }
    digest = entry_hash(head_hash, entry)
    conn.execute(insert(LOG).values(**entry, prev_hash=head_hash, hash=digest))
    conn.execute(update(HEAD).where(HEAD.c.id == 1).values(seq=entry["seq"], hash=digest))
    conn.info["lendtag_audited"] = True
    return int(entry["seq"])


def head(conn: Connection) -> dict[str, Any]:
    seq, digest = conn.execute(select(HEAD.c.seq, HEAD.c.hash).where(HEAD.c.id == 1)).one()
    return {"seq": int(seq), "hash": digest}


@dataclass
class Verification:
    """The result of :func:`verify`: ``ok`` and every problem found, by entry."""

    entries: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)
    head: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "head": self.head,
            "problems": self.problems,
        }


def _original_position(entry: dict[str, Any], reach: int = 50) -> int | None:
    """The sequence number a moved entry was written with (its hash covers it), if near."""
    seq = int(entry["seq"])
    for candidate in range(max(1, seq - reach), seq + reach + 1):
        if candidate != seq and entry["hash"] == entry_hash(
            entry["prev_hash"], entry | {"seq": candidate}
        ):
            return candidate
    return None


def verify(conn: Connection, batch: int = 5000) -> Verification:
    """Recompute the whole chain and report every edited, deleted or reordered entry."""
    result = Verification(head=head(conn))
    expected_seq, prev_hash = 1, GENESIS
    last = 0
    while True:
        rows = conn.execute(
            select(LOG).where(LOG.c.seq > last).order_by(LOG.c.seq).limit(batch)
        ).all()
        if not rows:
            break
        for row in rows:
            entry = dict(row._mapping)
            seq = int(entry["seq"])
            result.entries += 1
            if seq != expected_seq:
                result.problems.append(
                    {
                        "seq": expected_seq,
                        "problem": "deleted",
                        "message": f"entries {expected_seq}–{seq - 1} are missing (deleted)"
                        if seq - 1 > expected_seq
                        else f"entry {expected_seq} is missing (deleted)",
                    }
                )
            if entry["hash"] != entry_hash(entry["prev_hash"], entry):
                moved_from = _original_position(entry)
                result.problems.append(
                    {
                        "seq": seq,
                        "problem": "edited",
                        "message": f"entry {seq} was edited: its content does not match its hash",
                    }
                    if moved_from is None
                    else {
                        "seq": seq,
                        "problem": "reordered",
                        "message": f"entry {seq} is entry {moved_from} moved out of its place",
                    }
                )
            elif entry["prev_hash"] != prev_hash and seq == expected_seq:
                result.problems.append(
                    {
                        "seq": seq,
                        "problem": "reordered",
                        "message": f"entry {seq} does not follow entry {seq - 1}: entry "
                        f"{seq - 1} was rewritten or entries were reordered",
                    }
                )
            prev_hash, expected_seq, last = entry["hash"], seq + 1, seq
    head_seq = int(result.head["seq"])
    if head_seq > last:
        result.problems.append(
            {
                "seq": last + 1,
                "problem": "deleted",
                "message": f"entries {last + 1}–{head_seq} at the end of the log are missing",
            }
        )
    elif head_seq == last and last and result.head["hash"] != prev_hash:
        result.problems.append(
            {
                "seq": last,
                "problem": "edited",
                "message": f"the last entry {last} does not match the recorded head of the log",
            }
        )
    elif head_seq < last:
        result.problems.append(
            {
                "seq": head_seq + 1,
                "problem": "reordered",
                "message": f"entries after {head_seq} were added outside the audit path",
            }
        )
    return result
