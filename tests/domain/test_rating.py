"""Domestic rating symbols and the illustrative master scale, DOMAIN.md §5."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lendtag.domain.errors import DomainError
from lendtag.domain.rating import (
    MASTER_SCALE,
    PD_FLOOR,
    RATING_SYMBOLS,
    grade_for_pd,
    notches_between,
    parse_rating,
    rating_class,
    rating_rank,
)

DOMAIN_LIST = [
    "AAA",
    "AA+",
    "AA",
    "AA−",
    "A+",
    "A",
    "A−",
    "BBB+",
    "BBB",
    "BBB−",
    "BB+",
    "BB",
    "BB−",
    "B+",
    "B",
    "B−",
    "CCC",
    "CC",
    "C",
]


def test_nineteen_symbols_in_order() -> None:
    assert len(RATING_SYMBOLS) == 19
    assert [s.replace("-", "−") for s in RATING_SYMBOLS] == DOMAIN_LIST
    assert [rating_rank(s) for s in RATING_SYMBOLS] == list(range(19))


@pytest.mark.parametrize("symbol", DOMAIN_LIST)
def test_unicode_minus_accepted_and_normalised(symbol: str) -> None:
    assert parse_rating(symbol) == symbol.replace("−", "-")
    assert parse_rating(symbol.replace("−", "-").lower()) == symbol.replace("−", "-")


@pytest.mark.parametrize(
    ("text", "symbol"),
    [(" AA- ", "AA-"), ("aa+", "AA+"), ("ＡＡ－", "AA-"), ("A –", "A-"), ("bbb", "BBB")],
)
def test_variants(text: str, symbol: str) -> None:
    assert parse_rating(text) == symbol


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("AAA+", "carry no + or −"),
        ("AAA-", "carry no + or −"),
        ("CCC-", "carry no + or −"),
        ("CC+", "carry no + or −"),
        ("C-", "carry no + or −"),
        ("D", "D (default)"),
        ("Aa1", "expected one of AAA, AA+"),
        ("", "expected one of"),
        ("BBBB", "expected one of"),
    ],
)
def test_invalid_symbols(text: str, fragment: str) -> None:
    with pytest.raises(DomainError) as info:
        parse_rating(text)
    assert info.value.code == "rating.symbol"
    assert fragment in info.value.message


@pytest.mark.parametrize(
    ("symbol", "klass"),
    [
        ("AAA", "A"),
        ("AA-", "A"),
        ("A+", "A"),
        ("A-", "A"),
        ("BBB+", "B"),
        ("BB", "B"),
        ("B-", "B"),
        ("CCC", "C"),
        ("CC", "C"),
        ("C", "C"),
    ],
)
def test_rating_class(symbol: str, klass: str) -> None:
    assert rating_class(symbol) == klass


def test_notches() -> None:
    assert notches_between("AA", "A") == 3
    assert notches_between("AA", "A-") == 4
    assert notches_between("A", "AA") == -3
    assert notches_between("BBB−", "BBB-") == 0
    assert notches_between("AAA", "C") == 18


def test_master_scale_shape() -> None:
    assert [g.grade for g in MASTER_SCALE] == list(range(1, 15))
    assert [g.label for g in MASTER_SCALE][-2:] == ["13", "D"]
    non_default = MASTER_SCALE[:-1]
    assert len(non_default) >= 7  # Basel: at least 7 non-default grades + default
    assert non_default[0].pd_from == PD_FLOOR == 0.0005
    for lower, upper in zip(non_default, MASTER_SCALE[1:], strict=True):
        assert lower.pd_to == upper.pd_from  # contiguous
    for grade in non_default:
        assert grade.pd_to is not None
        assert grade.pd_from <= grade.representative_pd < grade.pd_to
        assert grade.symbol in RATING_SYMBOLS
    assert MASTER_SCALE[-1].is_default and MASTER_SCALE[-1].symbol == "D"


CR6 = [0.0, 0.0015, 0.0025, 0.0050, 0.0075, 0.0250, 0.10, 1.0]


def test_master_grades_nest_in_cr6_buckets() -> None:
    for grade in MASTER_SCALE[:-1]:
        assert grade.pd_to is not None
        inside = [lo for lo, hi in itertools.pairwise(CR6) if lo <= grade.pd_from < hi]
        assert len(inside) == 1
        hi = CR6[CR6.index(inside[0]) + 1]
        assert grade.pd_to <= hi + 1e-12


@pytest.mark.parametrize("grade", MASTER_SCALE[:-1], ids=lambda g: g.label)
def test_lower_bounds_inclusive(grade: object) -> None:
    from lendtag.domain.rating import MasterGrade

    assert isinstance(grade, MasterGrade)
    assert grade_for_pd(grade.pd_from) is grade
    assert grade_for_pd(grade.representative_pd) is grade
    if grade.grade > 1:
        assert grade_for_pd(math.nextafter(grade.pd_from, 0)).grade == grade.grade - 1


def test_floor_and_default() -> None:
    assert grade_for_pd(0.0).grade == 1
    assert grade_for_pd(0.0001).grade == 1
    assert grade_for_pd(0.9999).grade == 13
    assert grade_for_pd(1.0).label == "D"
    assert grade_for_pd(0.001, defaulted=True).label == "D"


@pytest.mark.parametrize("pd", [-0.01, 1.5, math.nan])
def test_invalid_pd(pd: float) -> None:
    with pytest.raises(DomainError) as info:
        grade_for_pd(pd)
    assert info.value.code == "rating.pd"


@given(st.floats(min_value=0, max_value=1))
def test_every_pd_falls_in_its_band(pd: float) -> None:
    grade = grade_for_pd(pd)
    floored = max(pd, PD_FLOOR)
    assert grade.pd_from <= floored
    assert grade.pd_to is None or floored < grade.pd_to
