"""Enterprise size under the NBS 2017 standard, DOMAIN.md §1."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lendtag.domain.errors import DomainError, IndustryCodeError
from lendtag.domain.industry import DIVISIONS, parse_industry_code
from lendtag.domain.size import (
    INCLUSIVE_FINANCE_CAP_WAN,
    SIZE_INDUSTRIES,
    SIZE_TABLE,
    SizeClass,
    classify_size,
    size_industry_for,
)

L, M, S, MI = SizeClass.LARGE, SizeClass.MEDIUM, SizeClass.SMALL, SizeClass.MICRO

# DOMAIN.md §1.3 written out again, independently of the module's data:
# industry key -> [(indicator, large, medium, small)], plus a code of that industry.
TABLE: dict[str, tuple[str, list[tuple[str, float, float, float]]]] = {
    "agriculture": ("A0111", [("revenue", 20000, 500, 50)]),
    "industry": ("C3011", [("employees", 1000, 300, 20), ("revenue", 40000, 2000, 300)]),
    "construction": ("E4710", [("revenue", 80000, 6000, 300), ("total_assets", 80000, 5000, 300)]),
    "wholesale": ("F51", [("employees", 200, 20, 5), ("revenue", 40000, 5000, 1000)]),
    "retail": ("F52", [("employees", 300, 50, 10), ("revenue", 20000, 500, 100)]),
    "transport": ("G54", [("employees", 1000, 300, 20), ("revenue", 30000, 3000, 200)]),
    "warehousing": ("G592", [("employees", 200, 100, 20), ("revenue", 30000, 1000, 100)]),
    "postal": ("G60", [("employees", 1000, 300, 20), ("revenue", 30000, 2000, 100)]),
    "accommodation": ("H61", [("employees", 300, 100, 10), ("revenue", 10000, 2000, 100)]),
    "catering": ("H62", [("employees", 300, 100, 10), ("revenue", 10000, 2000, 100)]),
    "information_transmission": (
        "I63",
        [("employees", 2000, 100, 10), ("revenue", 100000, 1000, 100)],
    ),
    "software": ("I65", [("employees", 300, 100, 10), ("revenue", 10000, 1000, 50)]),
    "real_estate_development": (
        "K7010",
        [("revenue", 200000, 1000, 100), ("total_assets", 10000, 5000, 2000)],
    ),
    "property_management": (
        "K7020",
        [("employees", 1000, 300, 100), ("revenue", 5000, 1000, 500)],
    ),
    "leasing_business": (
        "L72",
        [("employees", 300, 100, 10), ("total_assets", 120000, 8000, 100)],
    ),
    "other": ("M73", [("employees", 300, 100, 10)]),
}

HUGE = 10**9  # comfortably large on every indicator


def _call(code: str, **values: float | None) -> SizeClass:
    return classify_size(
        code, values.get("employees"), values.get("revenue"), values.get("total_assets")
    ).size_class


def test_table_matches_domain() -> None:
    assert {i.key for i in SIZE_TABLE} == set(TABLE)
    for key, (_, bounds) in TABLE.items():
        got = [(b.indicator, b.large, b.medium, b.small) for b in SIZE_INDUSTRIES[key].bounds]
        assert got == bounds, key


def _boundary_cases() -> list[tuple[str, str, str, float, SizeClass]]:
    cases = []
    for key, (code, bounds) in TABLE.items():
        for indicator, large, medium, small in bounds:
            for bound, tier, below in ((large, L, M), (medium, M, S), (small, S, MI)):
                cases.append((key, code, indicator, bound, tier))
                cases.append((key, code, indicator, math.nextafter(bound, 0), below))
                if indicator == "employees":  # headcounts are whole persons
                    cases.append((key, code, indicator, bound - 1, below))
    return cases


@pytest.mark.parametrize(
    ("key", "code", "indicator", "value", "expected"),
    _boundary_cases(),
    ids=lambda v: str(v),
)
def test_every_boundary(
    key: str, code: str, indicator: str, value: float, expected: SizeClass
) -> None:
    # The other indicators are huge, so the one under test decides the tier.
    values: dict[str, float | None] = {"employees": HUGE, "revenue": HUGE, "total_assets": HUGE}
    values[indicator] = value
    result = classify_size(code, values["employees"], values["revenue"], values["total_assets"])
    assert result.size_class is expected
    assert result.size_industry == key
    assert set(result.indicators) == {b[0] for b in TABLE[key][1]}


def test_software_worked_example() -> None:
    # Public procurement complaint: 软件业, X = 103, Y = 15735.28 万元 -> 中型.
    result = classify_size("I6513", 103, 15735.28, None)
    assert result.size_class is M
    assert result.size_industry == "software"
    assert result.size_industry_zh == "软件和信息技术服务业"
    assert result.indicators == {"employees": 103, "revenue": 15735.28}
    assert result.reason == (
        "employees 103 ≥ 100 (medium) and revenue 15735.28 ≥ 10000 (large) → medium"
    )


@pytest.mark.parametrize(
    ("employees", "revenue", "expected"),
    [
        (1000, 40000, L),  # NBS: 大型 needs Y ≥ 40000 and X ≥ 1000
        (999, 40000, M),  # one short: drop a tier
        (1000, 39999.99, M),
        (300, 2000, M),  # 中型 needs 2000 ≤ Y and 300 ≤ X
        (5000, 2000, M),
        (299, 2000, S),  # medium is not "meet one lower limit"
        (1000, 1999, S),
        (20, 300, S),
        (19, 100000, MI),  # micro: any one indicator below the small bound
        (10000, 299, MI),
    ],
)
def test_nbs_industry_example(employees: float, revenue: float, expected: SizeClass) -> None:
    assert _call("C3011", employees=employees, revenue=revenue) is expected


def test_known_bugs_of_public_implementation_are_absent() -> None:
    # 仓储 medium is 100 ≤ X < 200 (not 200 ≤ X < 300).
    assert _call("G5920", employees=150, revenue=5000) is M
    assert _call("G5920", employees=200, revenue=30000) is L
    # 信息传输 medium is Y < 100000 (not Y < 10000).
    assert _call("I6311", employees=150, revenue=50000) is M
    assert _call("I6311", employees=2000, revenue=99999) is M
    assert _call("I6311", employees=2000, revenue=100000) is L


@pytest.mark.parametrize(
    ("code", "key"),
    [
        ("A0111", "agriculture"),
        ("A05", "agriculture"),
        ("B06", "industry"),
        ("C13", "industry"),
        ("C43", "industry"),
        ("D44", "industry"),
        ("D4610", "industry"),
        ("E47", "construction"),
        ("E50", "construction"),
        ("F51", "wholesale"),
        ("F52", "retail"),
        ("G54", "transport"),
        ("G55", "transport"),
        ("G56", "transport"),
        ("G57", "transport"),
        ("G58", "transport"),
        ("G591", "transport"),  # 装卸搬运 goes with transport
        ("G5910", "transport"),
        ("G592", "warehousing"),
        ("G593", "warehousing"),
        ("G594", "warehousing"),
        ("G595", "warehousing"),
        ("G596", "warehousing"),
        ("G599", "warehousing"),
        ("G60", "postal"),
        ("H61", "accommodation"),
        ("H62", "catering"),
        ("I63", "information_transmission"),
        ("I64", "information_transmission"),
        ("I65", "software"),
        ("K7010", "real_estate_development"),
        ("K701", "real_estate_development"),
        ("K7020", "property_management"),
        ("K7030", "other"),
        ("K7090", "other"),
        ("L71", "leasing_business"),
        ("L72", "leasing_business"),
        ("M73", "other"),
        ("M75", "other"),
        ("N76", "other"),
        ("N79", "other"),
        ("O80", "other"),
        ("O82", "other"),
        ("Q85", "other"),  # 社会工作 is in scope under 其他未列明
        ("R86", "other"),
        ("R90", "other"),
    ],
)
def test_code_to_size_industry(code: str, key: str) -> None:
    industry = size_industry_for(code)
    assert industry is not None and industry.key == key
    assert classify_size(code, HUGE, HUGE, HUGE).size_industry == key


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("G53", "division 53 (铁路运输业"),
        ("G5311", "division 53"),
        ("J66", "section J (金融业"),
        ("J69", "section J"),
        ("P83", "section P"),
        ("Q84", "division 84 (卫生"),
        ("S91", "section S"),
        ("S96", "section S"),
        ("T97", "section T"),
        ("K7040", "class 7040"),
        ("K704", "class 7040"),
        ("K70", "division 70 is split"),
        ("G59", "division 59 is split"),
    ],
)
def test_uncovered_and_too_coarse(code: str, fragment: str) -> None:
    result = classify_size(code, HUGE, HUGE, HUGE)
    assert result.size_class is SizeClass.UNCLASSIFIED
    assert result.size_industry is None and result.size_industry_zh is None
    assert result.indicators == {}
    assert fragment in result.reason
    assert size_industry_for(code) is None


def test_every_division_has_a_mapping_or_a_reason() -> None:
    for division in DIVISIONS:
        result = classify_size(division, HUGE, HUGE, HUGE)
        if result.size_class is SizeClass.UNCLASSIFIED:
            assert result.reason, division
        else:
            assert result.size_class is L


@pytest.mark.parametrize(
    ("code", "values", "missing"),
    [
        ("E47", {"revenue": 50000}, "total_assets missing"),
        ("E47", {"total_assets": 50000}, "revenue missing"),
        ("C30", {"employees": 50}, "revenue missing"),
        ("C30", {}, "employees and revenue missing"),
        ("M73", {"revenue": 50}, "employees missing"),
        ("A01", {"employees": 5}, "revenue missing"),
        ("C30", {"employees": 50, "revenue": math.nan}, "revenue missing"),
    ],
)
def test_missing_indicator_is_unclassified(
    code: str, values: dict[str, float], missing: str
) -> None:
    result = classify_size(
        code, values.get("employees"), values.get("revenue"), values.get("total_assets")
    )
    assert result.size_class is SizeClass.UNCLASSIFIED
    assert result.reason.startswith(missing)
    assert result.size_industry is not None  # the industry is known, the data is not


def test_indicators_not_used_by_the_industry_are_ignored() -> None:
    result = classify_size("M73", 150, None, None)
    assert result.size_class is M
    assert result.indicators == {"employees": 150}
    result = classify_size("A01", None, 600, None)
    assert result.size_class is M and result.indicators == {"revenue": 600}


def test_unused_negative_indicator_is_ignored_but_used_one_raises() -> None:
    assert classify_size("M73", 150, -5, None).size_class is M
    with pytest.raises(DomainError) as info:
        classify_size("C30", -1, 100, None)
    assert info.value.code == "size.indicator_value"
    with pytest.raises(DomainError):
        classify_size("C30", 10, math.inf, None)


def test_invalid_industry_code_raises() -> None:
    with pytest.raises(IndustryCodeError):
        classify_size("C", 10, 10, 10)
    with pytest.raises(IndustryCodeError):
        classify_size("F30", 10, 10, 10)


def test_accepts_parsed_code_and_plain_digits() -> None:
    assert classify_size(parse_industry_code("C3011"), 20, 300, None).size_class is S
    assert classify_size("3011", 20, 300, None).size_class is S


def test_micro_reason_names_the_failing_indicator() -> None:
    result = classify_size("F51", 3, 50000, None)
    assert result.size_class is MI
    assert result.reason == "employees 3 < 5 (micro) and revenue 50000 ≥ 40000 (large) → micro"


def test_result_is_frozen() -> None:
    result = classify_size("C30", 10, 10, None)
    with pytest.raises(AttributeError):
        result.size_class = L  # type: ignore[misc]
    assert result.is_small_or_micro


def test_inclusive_finance_cap() -> None:
    assert INCLUSIVE_FINANCE_CAP_WAN == 1000


@given(
    st.sampled_from(sorted(TABLE)),
    st.floats(min_value=0, max_value=1e6, allow_nan=False),
    st.floats(min_value=0, max_value=1e6, allow_nan=False),
    st.floats(min_value=0, max_value=1e6, allow_nan=False),
)
def test_tier_is_worst_of_indicators(key: str, x: float, y: float, z: float) -> None:
    code, bounds = TABLE[key]
    values = {"employees": x, "revenue": y, "total_assets": z}
    order = [MI, S, M, L]

    def tier(v: float, large: float, medium: float, small: float) -> SizeClass:
        return L if v >= large else M if v >= medium else S if v >= small else MI

    expected = min((tier(values[i], *b) for i, *b in bounds), key=order.index)
    assert classify_size(code, x, y, z).size_class is expected


@given(st.floats(min_value=0, max_value=1e6), st.floats(min_value=0, max_value=1e6))
def test_monotone_more_is_never_smaller(x: float, y: float) -> None:
    order = [MI, S, M, L]
    base = order.index(_call("C30", employees=x, revenue=y))
    assert order.index(_call("C30", employees=x * 2 + 1, revenue=y)) >= base
    assert order.index(_call("C30", employees=x, revenue=y * 2 + 1)) >= base
