"""Manual tags keep every value in the history: who ended it, why, and its expiry — also a
value set and cleared (or replaced) on one day. Expired values stop being current on their
expiry date, and the next run closes and counts them (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select

from lendtag.core import Lendtag
from lendtag.errors import InputError, NotFoundError
from lendtag.store.models import Outbox
from lendtag.tags.manual import close_unpublished_manual, expire_manual
from tests.factories import credit_code
from tests.tags.engine_fixtures import load_catalog, small_book

C1, C2 = credit_code(1), credit_code(2)
D = dt.date(2026, 7, 1)


@pytest.fixture
def book(lt: Lendtag, tmp_path: Path) -> Lendtag:
    load_catalog(lt)
    small_book(lt, tmp_path)
    return lt


def periods(lt: Lendtag, code: str = C1) -> list[tuple[Any, ...]]:
    return [
        (
            p["value"],
            p["valid_from"],
            p["valid_to"],
            p["set_by"],
            p["reason"],
            p["expires_on"],
            p["closed_by"],
            p["close_reason"],
        )
        for p in lt.tags_history(code, "watch_list")
    ]


def shown(lt: Lendtag, code: str = C1, as_of: dt.date | None = None) -> dict[str, str]:
    return {v["tag"]: v["value"] for v in lt.tags_show(code, as_of)}


def test_a_value_set_and_cleared_on_one_day_is_kept(book: Lendtag) -> None:
    book.tags_set(C1, "watch_list", "true", by="carol", reason="rumour", on=D)
    book.tags_clear(C1, "watch_list", by="dave", reason="rumour denied", on=D)
    assert periods(book) == [
        ("true", "2026-07-01", "2026-07-01", "carol", "rumour", None, "dave", "rumour denied")
    ]
    assert "watch_list" not in shown(book) and "watch_list" not in shown(book, as_of=D)


def test_a_value_replaced_on_one_day_is_kept(book: Lendtag) -> None:
    book.tags_set(
        C1, "watch_list", "true", by="carol", reason="typo", on=D, expires_on=dt.date(2026, 8, 1)
    )
    book.tags_set(C1, "watch_list", "false", by="erin", reason="corrected", on=D)
    assert periods(book) == [
        ("true", "2026-07-01", "2026-07-01", "carol", "typo", "2026-08-01", "erin", "corrected"),
        ("false", "2026-07-01", None, "erin", "corrected", None, None, None),
    ]
    assert shown(book, as_of=D)["watch_list"] == "false"
    with book.store.read() as conn:
        payloads = [p for (p,) in conn.execute(select(Outbox.payload).order_by(Outbox.id))]
    assert [p["changes"] for p in payloads[-2:]] == [
        [{"tag": "watch_list", "from": None, "to": "true"}],
        [{"tag": "watch_list", "from": "true", "to": "false"}],
    ]


def test_a_cleared_value_records_who_and_why(book: Lendtag) -> None:
    book.tags_set(C1, "watch_list", "true", by="carol", reason="site visit", on=D)
    book.tags_clear(C1, "watch_list", by="dave", reason="resolved", on=dt.date(2026, 7, 20))
    assert periods(book) == [
        ("true", "2026-07-01", "2026-07-20", "carol", "site visit", None, "dave", "resolved")
    ]
    book.tags_set(C1, "watch_list", "true", by="carol", reason="again", on=D)
    with pytest.raises(InputError, match="dated 2026-07-01, after 2026-06-01"):
        book.tags_clear(C1, "watch_list", by="dave", reason="x", on=dt.date(2026, 6, 1))


def test_an_expired_value_is_not_current_and_the_run_closes_and_counts_it(
    book: Lendtag,
) -> None:
    expiry = dt.date(2026, 9, 1)
    book.tags_set(C1, "watch_list", "true", by="carol", reason="visit", on=D, expires_on=expiry)
    book.tags_set(C2, "watch_list", "true", by="carol", reason="visit", on=D)
    assert shown(book, as_of=dt.date(2026, 8, 31))["watch_list"] == "true"
    assert "watch_list" not in shown(book, as_of=expiry)  # the value stops on its expiry
    assert "watch_list" not in shown(book)  # today is after the expiry: not current
    with pytest.raises(NotFoundError, match="expired on 2026-09-01"):
        book.tags_clear(C1, "watch_list", by="dave", reason="x", on=dt.date(2026, 9, 15))
    quiet = book.tags_run(dt.date(2026, 6, 30))  # before the expiry: nothing to close
    assert quiet.expired == 0
    # debt_ratio_pct is the same on both dates, so the only change is the expiry
    first = book.tags_run(dt.date(2026, 9, 30), only=["debt_ratio_pct"])
    assert (first.changed, first.expired) == (1, 1)
    again = book.tags_run(dt.date(2026, 9, 30), only=["debt_ratio_pct"])
    assert (again.changed, again.expired) == (0, 0)
    assert periods(book) == [
        ("true", "2026-07-01", "2026-09-01", "carol", "visit", "2026-09-01", "lendtag", "expired")
    ]
    assert shown(book, C2)["watch_list"] == "true"  # no expiry: still current
    with book.store.read() as conn:
        last = conn.execute(
            select(Outbox.payload).where(Outbox.key == C1).order_by(Outbox.id.desc()).limit(1)
        ).scalar_one()
    assert last["reason"] == "expired" and last["changes"][0]["to"] is None


def test_setting_after_an_expiry_closes_the_old_value_at_its_expiry(book: Lendtag) -> None:
    expiry = dt.date(2026, 8, 1)
    book.tags_set(C1, "watch_list", "true", by="carol", reason="visit", on=D, expires_on=expiry)
    book.tags_set(C1, "watch_list", "false", by="erin", reason="review", on=dt.date(2026, 9, 1))
    assert periods(book)[0][1:3] == ("2026-07-01", "2026-08-01")
    assert periods(book)[0][6:] == ("lendtag", "expired")
    assert "watch_list" not in shown(book, as_of=dt.date(2026, 8, 15))


def test_a_run_finds_the_manual_values_by_their_partial_index(book: Lendtag) -> None:
    """Expiry and retirement look for the few manual values through ix_tag_values_manual,
    not by reading every run value (SQLite's plan; PostgreSQL plans by its statistics)."""
    if book.store.dialect != "sqlite":  # the index is there, partial on manual values
        with book.store.read() as conn:
            definition = conn.exec_driver_sql(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_tag_values_manual'"
            ).scalar()
        assert definition is not None and "(expires_on)" in definition
        assert "WHERE" in definition and "'manual'" in definition
        return
    seen: list[tuple[str, Any]] = []

    def grab(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "FROM tag_values" in statement:
            seen.append((statement, parameters))

    with book.store.write() as conn:
        event.listen(book.store.engine, "before_cursor_execute", grab)
        try:
            expire_manual(conn, D)
            close_unpublished_manual(conn, D)
        finally:
            event.remove(book.store.engine, "before_cursor_execute", grab)
        assert len(seen) == 2
        for statement, parameters in seen:
            plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
            assert any("ix_tag_values_manual" in str(step) for step in plan), plan
