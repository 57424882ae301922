"""size_class_of and size_classifier — the import's lean size classification — agree with
classify_size.

Every GB/T 4754-2017 code (division, group and class level), every bound of every industry
approached from below and above, missing values, NaN, and the errors for negative or
infinite indicators.
"""

from __future__ import annotations

import itertools
import math

import pytest

from lendtag.domain.errors import DomainError
from lendtag.domain.industry import CLASSES, DIVISIONS, GROUPS, SECTIONS
from lendtag.domain.size import (
    SIZE_TABLE,
    classify_size,
    size_class_of,
    size_classifier,
    size_industry_for,
)

ALL_CODES = sorted(
    {d.section + d.code for d in DIVISIONS.values()}
    | {DIVISIONS[g[:2]].section + g for g in GROUPS}
    | {DIVISIONS[c[:2]].section + c for c in CLASSES}
)


def _values(bounds: list[float]) -> list[float | None]:
    near = {v for b in bounds for v in (b - 1, b - 0.001, b, b + 0.001, b + 1)}
    return [*sorted(v for v in near if v >= 0), 0, None, math.nan]


def _outcome(func: object, *args: object) -> str:
    try:
        result = func(*args)  # type: ignore[operator]
    except DomainError as exc:
        return f"error: {exc.message}"
    return result.size_class.value if hasattr(result, "size_class") else str(result)


def test_every_code_maps_to_the_same_industry_as_the_reference() -> None:
    assert len(ALL_CODES) > 1800  # 97 divisions, the groups and the 1382 classes
    for code in ALL_CODES:
        industry = size_industry_for(code)
        expected = _outcome(classify_size, code, 100, 100, 100)
        assert _outcome(size_class_of, code, 100, 100, 100) == expected, code
        assert _outcome(size_classifier(code), 100, 100, 100) == expected, code
        if industry is None:
            assert size_class_of(code, 1e9, 1e9, 1e9) == "unclassified"


@pytest.mark.parametrize("industry", SIZE_TABLE, ids=lambda i: i.key)
def test_every_bound_of_every_industry(industry: object) -> None:
    codes = [c for c in ALL_CODES if size_industry_for(c) is industry]
    assert codes
    bounds = {b.indicator: [b.large, b.medium, b.small] for b in industry.bounds}  # type: ignore[attr-defined]
    grid = {
        name: _values(bounds[name]) if name in bounds else [None, 5.0]
        for name in ("employees", "revenue", "total_assets")
    }
    seen = set()
    for code in codes[:: max(1, len(codes) // 5)]:  # a few codes of each industry
        classify = size_classifier(code)
        for e, r, a in itertools.product(grid["employees"], grid["revenue"], grid["total_assets"]):
            got = _outcome(size_class_of, code, e, r, a)
            assert got == _outcome(classify_size, code, e, r, a), (code, e, r, a)
            assert _outcome(classify, e, r, a) == got, (code, e, r, a)
            seen.add(got)
    assert {"large", "medium", "small", "micro", "unclassified"} <= seen


@pytest.mark.parametrize(
    ("employees", "revenue"),
    [(-1, 5000), (100, -0.5), (math.inf, 5000), (100, -math.inf), (None, -1), (-1, None)],
)
def test_bad_indicators_raise_the_same_error(
    employees: float | None, revenue: float | None
) -> None:
    for code in ("C3411", "F5171", "I6513"):
        with pytest.raises(DomainError) as lean:
            size_class_of(code, employees, revenue, None)
        with pytest.raises(DomainError) as full:
            classify_size(code, employees, revenue, None)
        with pytest.raises(DomainError) as specialised:
            size_classifier(code)(employees, revenue, None)
        assert lean.value.message == full.value.message == specialised.value.message
        assert lean.value.code == full.value.code == "size.indicator_value"


def test_indicators_the_industry_does_not_use_are_ignored() -> None:
    # agriculture is classified by revenue alone: a negative headcount does not matter
    assert size_class_of("A0111", -5, 600, -1) == classify_size("A0111", -5, 600, -1).size_class
    assert size_classifier("A0111")(-5, 600, -1) == "medium"
    assert size_classifier(None)(1, 2, 3) == "unclassified"
    assert len(SECTIONS) == 20
