"""`tags explain` names the arm of a CASE that decided, however long its condition, and
`tags preview` compares a draft with the published version on the same date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from lendtag.core import Lendtag
from lendtag.tags.definitions import Catalog
from tests.factories import credit_code
from tests.tags.engine_fixtures import categories, load_catalog, small_book, tag

D1, D2 = dt.date(2026, 3, 1), dt.date(2026, 6, 30)
C1, C2 = credit_code(1), credit_code(2)
# two long conditions that read the same for their first 100 characters and more
COMMON = (
    "COALESCE(bu_inquiries_6m, 0) >= 0 AND COALESCE(bu_litigation_count, 0) >= 0 "
    "AND COALESCE(bu_overdue_count, 0) >= 0 AND COALESCE(loans_ever, 0) >= 0"
)
WEAK = f"{COMMON} AND debt_ratio > 0.85"
WATCH = f"{COMMON} AND debt_ratio > 0.75"
HEALTH = Catalog.model_validate(
    {
        "tags": [
            tag(
                "health",
                "category",
                f"CASE WHEN {WEAK} THEN 'weak' WHEN {WATCH} THEN 'watch' ELSE 'sound' END",
                categories=categories("sound", "watch", "weak"),
            ),
            tag("leverage_rank", "number", "CASE leverage_band WHEN 'low' THEN 1 ELSE 2 END"),
        ]
    }
)


@pytest.fixture
def book(lt: Lendtag, tmp_path: Path) -> Lendtag:
    load_catalog(lt)
    load_catalog(lt, HEALTH)
    small_book(lt, tmp_path)
    return lt


def test_the_deciding_arm_of_a_long_condition(book: Lendtag) -> None:
    assert len(WATCH) > 100
    book.tags_run(D2)
    doc = book.tags_explain(C1, "health")  # debt ratio 0.8: not above 0.85, above 0.75
    assert doc["value"] == "watch" and doc["recomputed"] == "watch"
    assert doc["decided_by"] == f"WHEN {WATCH} THEN 'watch'"
    weak = book.tags_explain(C2, "health")  # 0.9
    assert weak["decided_by"] == f"WHEN {WEAK} THEN 'weak'"
    sound = book.tags_explain(credit_code(3), "health")  # no statement: NULL > 0.85 is NULL
    assert sound["value"] == "sound"
    assert sound["decided_by"] == "ELSE 'sound' (no condition held)"


def test_the_deciding_arm_of_a_simple_case(book: Lendtag) -> None:
    book.tags_run(D1)
    low = book.tags_explain(C1, "leverage_rank")
    assert (low["value"], low["decided_by"]) == ("1", "WHEN 'low' THEN 1")
    other = book.tags_explain(C2, "leverage_rank")  # no leverage band on D1: NULL matches none
    assert (other["value"], other["decided_by"]) == ("2", "ELSE 2 (no condition held)")


def test_preview_compares_with_the_published_version_on_the_same_date(
    book: Lendtag, tmp_path: Path
) -> None:
    book.tags_run(D1)  # stored values are those of D1; the preview is for D2
    same = tmp_path / "same.yaml"
    same.write_text(
        "code: leverage_band\nname: {zh: 杠杆, en: Leverage}\n"
        "description: {zh: 杠杆, en: Leverage}\ndimension: risk\nkind: rule\n"
        "value_type: category\ncategories:\n  - {value: low, name: {zh: 低, en: low}}\n"
        "  - {value: high, name: {zh: 高, en: high}}\n"
        "expression: \"CASE WHEN debt_ratio > 0.7 THEN 'high' WHEN debt_ratio IS NOT NULL "
        "THEN 'low' END\"\nowner: risk\npurpose: [credit_risk_assessment]\n",
        encoding="utf-8",
    )
    [doc] = book.tags_preview(same, D2)
    # against the values stored on D1 customer 1 (low → high) and 2 (none → high) would
    # look changed; against the published version computed on D2 nothing changes
    assert doc["would_change"] == 0 and doc["changes"] == []
    assert doc["distribution"] == {"(none)": 1, "high": 2}
    assert doc["compared_with"]["version"] == 1 and doc["new_tag"] is False
    stricter = tmp_path / "stricter.yaml"
    stricter.write_text(same.read_text(encoding="utf-8").replace("0.7", "0.85"), "utf-8")
    [doc] = book.tags_preview(stricter, D2)
    assert doc["changes"] == [{"from": "high", "to": "low", "customers": 1}]
