"""Runs: point-in-time values, only changes written, history, reruns, failures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lendtag.core import Lendtag
from lendtag.store.models import Outbox, TagHistory, TagRun, TagValue
from lendtag.tags.definitions import Catalog
from lendtag.tags.errors import CatalogError, TagRunError
from tests.factories import credit_code
from tests.tags.engine_fixtures import categories, load_catalog, small_book, tag

D1, D2, D3 = dt.date(2026, 3, 1), dt.date(2026, 6, 30), dt.date(2026, 9, 30)
C1, C2, C3 = credit_code(1), credit_code(2), credit_code(3)


@pytest.fixture
def book(lt: Lendtag, tmp_path: Path) -> Lendtag:
    load_catalog(lt)
    small_book(lt, tmp_path)
    return lt


def values(lt: Lendtag, code: str, as_of: dt.date | None = None) -> dict[str, str]:
    return {v["tag"]: v["value"] for v in lt.tags_show(code, as_of)}


def count(lt: Lendtag, model: type) -> int:
    with lt.store.read() as conn:
        return int(conn.scalar(select(func.count()).select_from(model)) or 0)


def test_values_only_use_what_was_known_on_the_date(book: Lendtag) -> None:
    r1 = book.tags_run(D1)
    # customer 1: the FY2025 statement arrives on 2026-04-20, so on D1 the FY2024 one counts;
    # no bureau report: NULL > 0 is NULL, and NULL AND FALSE is FALSE (three-valued logic)
    assert values(book, C1) == {
        "leverage_band": "low",
        "debt_ratio_pct": "50",
        "overdue_30": "false",
        "litigation_flag": "false",
    }
    # customer 2: no statement reported yet; one bureau report; two instalments paid on time
    assert values(book, C2) == {"overdue_30": "false", "inquiry_count": "3"}
    assert values(book, C3) == {"overdue_30": "false"}
    assert r1.changed == 7 and r1.customers == 3 and r1.tags == 5
    r2 = book.tags_run(D2)
    assert values(book, C1) == {
        "leverage_band": "high",
        "debt_ratio_pct": "80",
        "overdue_30": "false",
    }
    # the bureau report of 2026-09-01 and the payment of 2026-07-15 are not yet known on D2
    assert values(book, C2) == {
        "leverage_band": "high",
        "debt_ratio_pct": "90",
        "overdue_30": "true",
        "inquiry_count": "3",
        "litigation_flag": "true",
    }
    assert r2.changed == 7  # customer 1's litigation_flag became NULL: removed
    assert r2.coverage["overdue_30"] == 1.0 and r2.coverage["leverage_band"] == pytest.approx(
        0.6667
    )


def test_a_rerun_for_the_same_date_writes_nothing(book: Lendtag) -> None:
    book.tags_run(D2)
    before = (count(book, TagValue), count(book, TagHistory), count(book, Outbox))
    again = book.tags_run(D2)
    assert again.changed == 0
    assert (count(book, TagValue), count(book, TagHistory), count(book, Outbox)) == before


def test_history_answers_any_date(book: Lendtag) -> None:
    book.tags_run(D1)
    book.tags_run(D2)
    book.tags_run(D3)
    assert values(book, C2, D2)["inquiry_count"] == "3"
    assert values(book, C2)["inquiry_count"] == "9"
    assert values(book, C2)["litigation_flag"] == "false"
    assert values(book, C1, D1)["leverage_band"] == "low"
    assert values(book, C1, dt.date(2026, 1, 1)) == {}
    periods = book.tags_history(C1, "leverage_band")
    assert [(p["value"], p["valid_from"], p["valid_to"]) for p in periods] == [
        ("low", "2026-03-01", "2026-06-30"),
        ("high", "2026-06-30", None),
    ]
    matrix = book.tags_migration("leverage_band", D1, D2)
    assert matrix["states"] == ["low", "high", "(none)"]
    assert matrix["matrix"] == [[0, 1, 0], [0, 0, 0], [0, 1, 0]]


def test_changes_reach_the_outbox_one_event_per_customer(book: Lendtag) -> None:
    book.tags_run(D1)
    book.tags_run(D2)
    with book.store.read() as conn:
        events = conn.execute(select(Outbox.key, Outbox.payload).order_by(Outbox.id)).all()
    assert len(events) == 3 + 2  # D1: all three customers; D2: customers 1 and 2
    last = {e.key: e.payload for e in events[3:]}
    assert set(last) == {C1, C2}
    change = next(c for c in last[C1]["changes"] if c["tag"] == "leverage_band")
    assert change == {"tag": "leverage_band", "from": "low", "to": "high"}


def test_runs_go_forward_and_failures_leave_the_state(book: Lendtag) -> None:
    book.tags_run(D2)
    with pytest.raises(TagRunError, match="forward in time"):
        book.tags_run(D1)
    broken = Catalog.model_validate(
        {
            "tags": [
                tag(
                    "leverage_band",
                    "category",
                    "CASE WHEN debt_ratio > 0.7 THEN 'HIGH' ELSE 'low' END",
                    categories=categories("low", "high"),
                )
            ]
        }
    )
    load_catalog(book, broken)
    before = values(book, C1)
    with pytest.raises(TagRunError, match=r"'HIGH'.*not one of its categories"):
        book.tags_run(D3)
    assert values(book, C1) == before
    with book.store.read() as conn:
        statuses = conn.execute(select(TagRun.status).order_by(TagRun.id)).scalars().all()
    assert statuses == ["committed", "failed", "failed"]


def test_only_some_tags(book: Lendtag) -> None:
    r = book.tags_run(D2, only=["overdue_30"])
    assert r.tags == 1 and r.changed == 3
    with pytest.raises(TagRunError, match="no published computed tag named nope"):
        book.tags_run(D2, only=["nope"])


def test_explain_names_the_clause_and_inputs(book: Lendtag) -> None:
    book.tags_run(D2)
    doc = book.tags_explain(C1, "leverage_band")
    assert doc["value"] == "high" and doc["recomputed"] == "high"
    assert doc["decided_by"] == "WHEN debt_ratio > 0.7 THEN 'high'"
    assert doc["inputs"] == {"debt_ratio": pytest.approx(0.8)}
    assert doc["features"]["debt_ratio"]["inputs"] == {
        "st_total_liabilities": 800,
        "st_total_assets": 1000,
    }
    assert doc["definition"]["version"] == 1 and doc["as_of"] == "2026-06-30"


def test_preview_of_a_draft(book: Lendtag, tmp_path: Path) -> None:
    book.tags_run(D2)
    draft = tmp_path / "draft.yaml"
    draft.write_text(
        "code: leverage_band\nname: {zh: 杠杆, en: Leverage}\n"
        "description: {zh: 杠杆, en: Leverage}\ndimension: risk\nkind: rule\n"
        "value_type: category\ncategories:\n  - {value: low, name: {zh: 低, en: low}}\n"
        "  - {value: high, name: {zh: 高, en: high}}\n"
        "expression: \"CASE WHEN debt_ratio > 0.85 THEN 'high' WHEN debt_ratio IS NOT NULL "
        "THEN 'low' END\"\nowner: risk\npurpose: [credit_risk_assessment]\n",
        encoding="utf-8",
    )
    [doc] = book.tags_preview(draft, D2)
    assert doc["distribution"] == {"(none)": 1, "high": 1, "low": 1}
    assert doc["would_change"] == 1
    assert doc["changes"] == [{"from": "high", "to": "low", "customers": 1}]
    assert values(book, C1)["leverage_band"] == "high"  # nothing written


def test_manual_tags(book: Lendtag) -> None:
    book.tags_set(
        C1,
        "watch_list",
        "true",
        by="carol",
        reason="site visit",
        on=dt.date(2026, 7, 1),
        expires_on=dt.date(2026, 9, 1),
    )
    assert values(book, C1, dt.date(2026, 8, 31))["watch_list"] == "true"
    assert "watch_list" not in values(book, C1, dt.date(2026, 9, 1))  # expired, not yet closed
    with pytest.raises(Exception, match="computed by runs"):
        book.tags_set(C1, "overdue_30", "true", by="carol", reason="x")
    with pytest.raises(Exception, match="flag"):
        book.tags_set(C1, "watch_list", "maybe", by="carol", reason="x")
    book.tags_run(D3)  # the expiry has come
    assert "watch_list" not in values(book, C1)
    [period] = book.tags_history(C1, "watch_list")
    assert (period["valid_from"], period["valid_to"], period["reason"]) == (
        "2026-07-01",
        "2026-09-01",
        "site visit",
    )
    book.tags_set(C2, "watch_list", "true", by="carol", reason="arrears", on=dt.date(2026, 10, 1))
    explained = book.tags_explain(C2, "watch_list")
    assert explained["source"] == "manual" and explained["reason"] == "arrears"
    book.tags_clear(C2, "watch_list", by="dave", reason="paid up", on=dt.date(2026, 10, 5))
    assert "watch_list" not in values(book, C2)


def test_cycles_and_manual_references_are_refused(lt: Lendtag) -> None:
    cyclic = Catalog.model_validate(
        {
            "dimensions": [{"code": "risk", "name": {"zh": "风险", "en": "Risk"}}],
            "tags": [tag("a_flag", "flag", "b_flag"), tag("b_flag", "flag", "NOT a_flag")],
        }
    )
    with pytest.raises(CatalogError, match="cycle"):
        load_catalog(lt, cyclic)
    manual_ref = Catalog.model_validate(
        {
            "dimensions": [{"code": "risk", "name": {"zh": "风险", "en": "Risk"}}],
            "tags": [tag("m_flag", "flag", None), tag("c_flag", "flag", "m_flag")],
        }
    )
    with pytest.raises(CatalogError, match="manual tag"):
        load_catalog(lt, manual_ref)
