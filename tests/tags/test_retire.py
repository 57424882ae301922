"""Retired definitions stop carrying values: the next full run closes the values of a
retired tag (rule or manual) and the memberships of a retired segment, with history rows
and outbox events — on both engines, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from lendtag.core import Lendtag
from lendtag.store.models import Outbox, SegmentHistory, SegmentMember, TagHistory, TagValue
from lendtag.tags.definitions import Catalog
from tests.factories import credit_code
from tests.tags.engine_fixtures import load_catalog, small_book

D2, D3 = dt.date(2026, 6, 30), dt.date(2026, 9, 30)
C1, C2 = credit_code(1), credit_code(2)
LEVERAGED = Catalog.model_validate(
    {
        "segments": [
            {
                "code": "leveraged",
                "name": {"zh": "高杠杆", "en": "Leveraged"},
                "expression": "leverage_band = 'high'",
                "owner": "risk",
                "purpose": ["credit_risk_assessment"],
            }
        ]
    }
)


@pytest.fixture
def book(lt: Lendtag, tmp_path: Path) -> Lendtag:
    load_catalog(lt)
    load_catalog(lt, LEVERAGED)
    small_book(lt, tmp_path)
    return lt


def rows(lt: Lendtag, *columns: Any, where: Any = None) -> list[tuple[Any, ...]]:
    stmt = select(*columns)
    if where is not None:
        stmt = stmt.where(where)
    with lt.store.read() as conn:
        return [tuple(r) for r in conn.execute(stmt.order_by(*columns))]


@pytest.mark.parametrize("engine", [None, "duckdb"])
def test_the_next_run_closes_what_retired_definitions_carried(
    book: Lendtag, engine: str | None
) -> None:
    book.tags_set(C1, "watch_list", "true", by="carol", reason="visit", on=dt.date(2026, 6, 1))
    book.tags_run(D2, engine=engine)
    assert rows(book, TagValue.credit_code, where=TagValue.tag_code == "inquiry_count") == [(C2,)]
    assert rows(book, SegmentMember.credit_code) == [(C1,), (C2,)]
    for kind, code in (("tag", "inquiry_count"), ("tag", "watch_list"), ("segment", "leveraged")):
        book.definition_step("retire", kind, code, "bob")

    run = book.tags_run(D3, engine=engine)

    retired = TagValue.tag_code.in_(["inquiry_count", "watch_list"])
    assert rows(book, TagValue.tag_code, where=retired) == []
    closed = rows(
        book,
        TagHistory.tag_code,
        TagHistory.credit_code,
        TagHistory.value,
        TagHistory.valid_to,
        TagHistory.closed_by_run,
        TagHistory.closed_by,
        TagHistory.close_reason,
        where=TagHistory.tag_code.in_(["inquiry_count", "watch_list"]),
    )
    assert closed == [
        ("inquiry_count", C2, "3", D3, run.run_id, None, "retired"),
        ("watch_list", C1, "true", D3, None, "lendtag", "retired"),
    ]
    assert rows(book, SegmentMember.credit_code) == []
    assert rows(
        book, SegmentHistory.credit_code, SegmentHistory.valid_to, SegmentHistory.closed_by_run
    ) == [(C1, D3, run.run_id), (C2, D3, run.run_id)]
    with book.store.read() as conn:
        events = conn.execute(
            select(Outbox.topic, Outbox.key, Outbox.payload).order_by(Outbox.id)
        ).all()
    left = sorted(e.key for e in events if e.topic == "segment.left")
    assert left == [C1, C2]
    changes = [
        c
        for e in events
        if e.topic == "tags.changed" and e.payload.get("run_id") == run.run_id
        for c in e.payload["changes"]
    ]
    assert {"tag": "inquiry_count", "from": "3", "to": None} in changes
    manual = [e.payload for e in events if e.payload.get("reason") == "retired"]
    assert [m["changes"] for m in manual] == [[{"tag": "watch_list", "from": "true", "to": None}]]
    # every computed change (the retired inquiry_count among them) and the manual closure
    assert run.changed == len(changes) + 1
    again = book.tags_run(D3, engine=engine)
    assert again.changed == 0


def test_an_only_run_leaves_retired_values_to_the_next_full_run(book: Lendtag) -> None:
    book.tags_run(D2)
    book.definition_step("retire", "tag", "inquiry_count", "bob")
    book.tags_run(D3, only=["overdue_30"])
    assert rows(book, TagValue.credit_code, where=TagValue.tag_code == "inquiry_count") == [(C2,)]
    full = book.tags_run(D3)
    assert full.changed >= 1
    assert rows(book, TagValue.credit_code, where=TagValue.tag_code == "inquiry_count") == []
