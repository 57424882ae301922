"""The tag system's tables: versioned definitions, runs, current values and their history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from lendtag.store.models.base import Base, CreditCode, Timestamp


class Definition(Base):
    """One version of a catalog object (dimension, feature, tag or segment).

    Lifecycle: draft → in_review → published → retired. A published version is immutable:
    a change is a new draft version. At most one version of a code is published at a time.
    """

    __tablename__ = "definitions"

    kind: Mapped[str] = mapped_column(String(10), primary_key=True)  # dimension|feature|tag|segment
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(10))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)  # the definition as in the YAML
    fingerprint: Mapped[str] = mapped_column(String(64))  # what decides values, not labels
    author: Mapped[str] = mapped_column(String(64))
    reviewer: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[Timestamp]
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    retired_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_definitions_status", "kind", "status"),)


class TagRun(Base):
    """One batch run of the published tags for an as-of date."""

    __tablename__ = "tag_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    as_of: Mapped[dt.date] = mapped_column(Date)
    engine: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10))  # committed | failed
    started_at: Mapped[Timestamp]
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    customers: Mapped[int] = mapped_column(Integer, default=0)
    tags: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    coverage: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # tag -> share non-null
    fingerprints: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # tag -> fingerprint
    error: Mapped[str | None] = mapped_column(Text)


MANUAL_VALUES = "source = 'manual'"  # the partial index's condition, as queries spell it


class TagValue(Base):
    """The current value of a tag on a customer, since a date."""

    __tablename__ = "tag_values"

    tag_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    credit_code: Mapped[CreditCode] = mapped_column(
        ForeignKey("enterprises.credit_code"), primary_key=True
    )
    value: Mapped[str] = mapped_column(String(64))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    run_id: Mapped[int | None] = mapped_column(Integer)  # None for a manual value
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(8))  # run | manual
    set_by: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
    expires_on: Mapped[dt.date | None] = mapped_column(Date)

    __table_args__ = (
        Index("ix_tag_values_customer", "credit_code"),
        Index(  # the few manual values among millions of run values (expiry, retirement)
            "ix_tag_values_manual",
            "expires_on",
            sqlite_where=text(MANUAL_VALUES),
            postgresql_where=text(MANUAL_VALUES),
        ),
    )


class TagHistory(Base):
    """A past value of a tag on a customer, valid on [valid_from, valid_to).

    A period may be empty (valid_from = valid_to): a value replaced or cleared on the day it
    was set is kept, so every value that was ever current has a row. ``closed_by`` and
    ``close_reason`` say who ended a manual value and why (``expired`` when its expiry came);
    a run's closures name the run (``closed_by_run``) and, for a retired tag, the reason
    ``retired``. ``expires_on`` is the expiry the value carried.
    """

    __tablename__ = "tag_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tag_code: Mapped[str] = mapped_column(String(64))
    credit_code: Mapped[CreditCode] = mapped_column(ForeignKey("enterprises.credit_code"))
    value: Mapped[str] = mapped_column(String(64))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date] = mapped_column(Date)
    run_id: Mapped[int | None] = mapped_column(Integer)
    closed_by_run: Mapped[int | None] = mapped_column(Integer)
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(8))
    set_by: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
    expires_on: Mapped[dt.date | None] = mapped_column(Date)
    closed_by: Mapped[str | None] = mapped_column(String(64))
    close_reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_tag_history_tag", "tag_code", "credit_code", "valid_from"),
        Index("ix_tag_history_customer", "credit_code", "valid_from"),
    )


class Outbox(Base):
    """Events (tag changes, segment entries and exits) written with the change, for delivery."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    topic: Mapped[str] = mapped_column(String(32))  # tag.changed | segment.entered | …
    key: Mapped[str] = mapped_column(String(128))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[Timestamp]
    delivered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_outbox_pending", "delivered_at", "id"),)


class SegmentMember(Base):
    """A customer currently in a segment, since a date."""

    __tablename__ = "segment_members"

    segment_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    credit_code: Mapped[CreditCode] = mapped_column(
        ForeignKey("enterprises.credit_code"), primary_key=True
    )
    valid_from: Mapped[dt.date] = mapped_column(Date)
    run_id: Mapped[int] = mapped_column(Integer)
    fingerprint: Mapped[str] = mapped_column(String(64))


class SegmentHistory(Base):
    """A past membership of a customer in a segment, on [valid_from, valid_to)."""

    __tablename__ = "segment_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    segment_code: Mapped[str] = mapped_column(String(64))
    credit_code: Mapped[CreditCode] = mapped_column(ForeignKey("enterprises.credit_code"))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date] = mapped_column(Date)
    run_id: Mapped[int] = mapped_column(Integer)
    closed_by_run: Mapped[int] = mapped_column(Integer)
    fingerprint: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_segment_history", "segment_code", "credit_code", "valid_from"),)
