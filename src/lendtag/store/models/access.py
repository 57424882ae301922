"""Users, their tokens, the hash-chained audit log and the idempotency record of API writes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lendtag.store.models.base import Base, Timestamp


class User(Base):
    """A person or a service account. Passwords are stored as argon2 hashes only."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(24))
    authority_level: Mapped[int | None] = mapped_column(Integer)  # approvers: 1 (lowest) ..
    branches: Mapped[list[str]] = mapped_column(JSON, default=list)  # empty: every branch
    password_hash: Mapped[str | None] = mapped_column(String(255))  # None: token-only account
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[Timestamp]
    updated_at: Mapped[Timestamp]


class ApiToken(Base):
    """A bearer token: a login session or a named API token of a service account.

    Only the SHA-256 of the token is kept; the token itself is shown once, when issued.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(8))  # session | api
    label: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[Timestamp]
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_api_tokens_user", "user_id"),)


class AuditEntry(Base):
    """One entry of the append-only audit log.

    ``hash`` = SHA-256 of ``prev_hash`` and the canonical JSON of the entry's other fields,
    so editing, deleting or reordering any entry breaks the chain from there on.
    """

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(32))  # UTC, ISO 8601, exactly as hashed
    actor: Mapped[str] = mapped_column(String(96))
    role: Mapped[str | None] = mapped_column(String(24))
    action: Mapped[str] = mapped_column(String(48))
    object_type: Mapped[str | None] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(128))
    outcome: Mapped[str] = mapped_column(String(12))  # ok | denied | failed
    request_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_audit_log_actor", "actor", "seq"),)


class AuditHead(Base):
    """The chain's head: the last sequence number and hash (one row, locked by each append)."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class IdempotencyKey(Base):
    """The first result of a POST sent with an ``Idempotency-Key``, replayed on a repeat."""

    __tablename__ = "idempotency_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(255))
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(Text)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)  # None while the first is running
    response: Mapped[Any | None] = mapped_column(JSON)
    created_at: Mapped[Timestamp]
    completed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("user_id", "key"),)
