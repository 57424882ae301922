"""Import batches and the quarantine of rejected rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lendtag.store.models.base import Base, Timestamp


def _actor_name() -> str:
    from lendtag.store.audit import current_actor

    return current_actor().name


class ImportBatch(Base):
    """One run of `lendtag import`: what was read, accepted, quarantined and changed."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(500))  # file name as given
    file_sha256: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str | None] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(12))  # committed | failed
    started_at: Mapped[Timestamp]
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    quarantined: Mapped[int] = mapped_column(Integer, default=0)
    inserted: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    superseded: Mapped[int] = mapped_column(Integer, default=0)  # later row of the file won
    error: Mapped[str | None] = mapped_column(Text)
    # who ran it: the user of the API or the CLI (filled from the audit actor on insert)
    created_by: Mapped[str | None] = mapped_column(String(96), default=_actor_name)


class QuarantineRow(Base):
    """A row that failed validation, kept with everything needed to correct and release it."""

    __tablename__ = "quarantine"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(500))
    file_sha256: Mapped[str] = mapped_column(String(64))
    row_no: Mapped[int] = mapped_column(Integer)  # 1-based data row (the header is row 0)
    column_name: Mapped[str | None] = mapped_column(String(64))
    value: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # every problem in the row
    raw: Mapped[dict[str, Any]] = mapped_column(JSON)  # the row as read, column -> text
    status: Mapped[str] = mapped_column(String(10), default="open")  # open|released
    released_batch_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[Timestamp]
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint("kind", "file_sha256", "row_no"),
        Index("ix_quarantine_status", "status"),
    )
