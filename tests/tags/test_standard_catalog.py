"""The standard catalog: it compiles, covers every dimension, and its regulatory content is
exact (code lists from the domain tables, restricted industries, sectors, regions)."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import Counter
from typing import Any

import pytest

from lendtag.domain import (
    CLASSES,
    DIVISIONS,
    PROVINCES,
    RATING_SYMBOLS,
    SECTIONS,
    parse_industry_code,
)
from lendtag.tags.catalog import validate_catalog
from lendtag.tags.compile import Plan, compile_plan
from lendtag.tags.definitions import Catalog, Label, Tag
from lendtag.tags.standard import load_standard

REQUIRED_ROOTS = {
    "scale",
    "industry",
    "region",
    "credit",
    "financial",
    "behaviour",
    "risk",
    "relationship",
}
CJK = re.compile(r"[\u4e00-\u9fff]")
AS_OF = dt.date(2026, 6, 30)


def tag(code: str) -> Tag:
    return next(t for t in load_standard().tags if t.code == code)


@functools.cache
def plan() -> Plan:
    cat = load_standard()
    return compile_plan(cat.features, cat.tags)


def evaluate(row: dict[str, Any], as_of: dt.date = AS_OF) -> dict[str, Any]:
    """Every feature and computed tag of the standard catalog for one base row, in Python."""
    values = dict(row)
    for layer in plan().layers:
        for c in layer:
            values[c.code] = c.expression.evaluate(values, as_of=as_of)
    return values


def industry_row(code: str) -> dict[str, Any]:
    parsed = parse_industry_code(code)
    return {
        "industry_code": parsed.code,
        "industry_section": parsed.section,
        "industry_division": parsed.division,
    }


def root_of(catalog: Catalog, dimension: str) -> str:
    parents = {d.code: d.parent for d in catalog.dimensions}
    while parents[dimension] is not None:
        dimension = parents[dimension]  # type: ignore[assignment]
    return dimension


def test_every_expression_compiles_and_has_a_fingerprint() -> None:
    cat = load_standard()
    fingerprints = validate_catalog(cat)
    computed = [t for t in cat.tags if t.kind != "manual"]
    assert set(fingerprints) == (
        {("feature", f.code) for f in cat.features}
        | {("tag", t.code) for t in computed}
        | {("segment", s.code) for s in cat.segments}
    )


def test_at_least_forty_rule_tags_and_every_required_dimension_has_tags() -> None:
    cat = load_standard()
    rules = [t for t in cat.tags if t.kind == "rule"]
    assert len(rules) >= 40
    roots = {d.code for d in cat.dimensions if d.parent is None}
    assert roots == REQUIRED_ROOTS
    per_root = Counter(root_of(cat, t.dimension) for t in rules)
    assert set(per_root) == REQUIRED_ROOTS, per_root
    assert per_root["financial"] >= 10 and per_root["behaviour"] >= 5
    # sub-dimensions where natural, and every dimension is used
    assert {d.parent for d in cat.dimensions if d.parent} >= {"financial", "behaviour", "risk"}
    used = {t.dimension for t in cat.tags}
    assert {d.code for d in cat.dimensions if d.code not in used} <= roots


def test_every_label_is_bilingual_and_every_tag_declares_how_it_is_used() -> None:
    cat = load_standard()
    labels: list[Label] = [d.name for d in cat.dimensions] + [f.name for f in cat.features]
    labels += [s.name for s in cat.segments]
    for t in cat.tags:
        labels += [t.name, t.description, *(c.name for c in t.categories or [])]
        assert t.owner and t.purpose and t.refresh
        if t.value_type == "category":
            assert len(t.categories or []) >= 2, t.code
    for label in labels:
        assert CJK.search(label.zh), label
        # English may quote the Chinese term of art: (被执行人), 万元, the 普惠型小微 definition
        english = re.sub(r"\([^)]*\)|万元|普惠型小微", "", label.en)
        assert not CJK.search(english), label
    assert all(f.unit for f in cat.features)


def test_no_internal_rating_is_invented() -> None:
    cat = load_standard()
    assert not [t for t in cat.tags if t.kind == "score"]
    names = " ".join(f"{t.code} {t.expression or ''}" for t in cat.tags).lower()
    assert "pd" not in re.findall(r"[a-z]+", names)
    assert {t.dimension for t in cat.tags if t.code.startswith("agency_")} == {"credit_external"}


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("industry_sector", [(s.letter, s.name_zh, s.name_en) for s in SECTIONS.values()]),
        (
            "industry_subsector",
            [(d.code, d.name_zh, d.name_en) for d in DIVISIONS.values()],
        ),
        ("province", [(p.code, p.name_zh, p.name_en) for p in PROVINCES.values()]),
        ("agency_rating", [(r, f"{r}级", r) for r in RATING_SYMBOLS]),
    ],
)
def test_code_lists_are_the_domain_tables(code: str, expected: list[tuple[str, str, str]]) -> None:
    categories = tag(code).categories or []
    assert [(c.value, c.name.zh, c.name.en) for c in categories] == expected
    for value, _, _ in expected:  # each listed value is produced, and nothing else
        column = {
            "industry_sector": "industry_section",
            "industry_subsector": "industry_division",
            "province": "province_code",
            "agency_rating": "external_rating",
        }[code]
        assert evaluate({column: value})[code] == value
    assert evaluate({"industry_section": "Z", "province_code": "99"})[code] is None


def expected_restriction(code: str) -> str:
    """DOMAIN.md §7.2 restricted industries, mapped to GB/T 4754-2017 independently."""
    parsed = parse_industry_code(code)
    digits = parsed.digits
    if digits == "7010":
        return "real_estate"
    if parsed.section == "E":
        return "construction"
    if parsed.division == "31":
        return "steel"
    table = {
        "3011": "cement",
        "3216": "electrolytic_aluminium",
        "3041": "flat_glass",
        "3825": "photovoltaic",
        "3415": "wind_power_equipment",
    }
    if digits in table:
        return table[digits]
    if digits.startswith("373"):
        return "shipbuilding"
    if digits.startswith("252"):
        return "coal_chemical"
    return "not_restricted"


def test_restricted_industries_over_every_gbt4754_class() -> None:
    seen = Counter()
    for digits in CLASSES:
        values = evaluate(industry_row(digits))
        assert values["restricted_industry_type"] == expected_restriction(digits), digits
        assert values["restricted_industry"] is (expected_restriction(digits) != "not_restricted")
        seen[values["restricted_industry_type"]] += 1
    declared = [c.value for c in tag("restricted_industry_type").categories or []]
    assert set(seen) == set(declared)  # every category is a real code of the standard
    assert seen["shipbuilding"] == 8 and seen["coal_chemical"] == 5 and seen["steel"] == 4
    for neighbour in ("3012", "3042", "3217", "3414", "3824", "2511", "7020", "7040", "3741"):
        assert evaluate(industry_row(neighbour))["restricted_industry_type"] == "not_restricted"
    assert evaluate({})["restricted_industry_type"] is None


def test_three_sectors_over_every_division() -> None:
    for code, division in DIVISIONS.items():
        got = evaluate(industry_row(division.section + code))["economic_sector"]
        if division.section == "A" and code != "05":
            assert got == "primary", code
        elif division.section in "BCDE" and code not in ("11", "43"):
            assert got == "secondary", code
        else:
            assert got == "tertiary", code


def test_every_province_is_in_exactly_one_economic_region() -> None:
    regions = Counter(evaluate({"province_code": p})["economic_region"] for p in PROVINCES)
    assert regions == {"east": 10, "central": 6, "west": 12, "northeast": 3, "hmt": 3}
    assert evaluate({"province_code": "33"})["economic_region"] == "east"
    assert evaluate({"province_code": "23"})["economic_region"] == "northeast"


@pytest.mark.parametrize(
    ("rating", "grade", "klass"),
    [
        ("AAA", "AAA", "A"),
        ("AA-", "AA", "A"),
        ("A+", "A", "A"),
        ("BBB-", "BBB", "B"),
        ("B+", "B", "B"),
        ("CCC", "CCC", "C"),
        ("C", "C", "C"),
        (None, None, None),
    ],
)
def test_agency_rating_grade_and_class(
    rating: str | None, grade: str | None, klass: str | None
) -> None:
    values = evaluate({"external_rating": rating})
    assert (values["agency_rating_grade"], values["agency_rating_class"]) == (grade, klass)
    assert values["agency_rated"] is (rating is not None)


@pytest.mark.parametrize(
    ("liabilities", "band"),
    [(399.99, "low"), (400, "moderate"), (699.99, "elevated"), (700, "high"), (850, "very_high")],
)
def test_leverage_band_boundaries(liabilities: float, band: str) -> None:
    values = evaluate({"st_total_assets": 1000, "st_total_liabilities": liabilities})
    assert values["leverage_band"] == band


def test_missing_statements_give_no_financial_values_but_an_outdated_flag() -> None:
    values = evaluate({"size_class": "small"})
    assert values["leverage_band"] is None and values["financial_health"] is None
    assert values["statements_outdated"] is True
    old = evaluate({"st_period_end": dt.date(2024, 12, 30)})
    assert old["statement_age_months"] == 18 and old["statements_outdated"] is False
    older = evaluate({"st_period_end": dt.date(2024, 11, 30)})
    assert older["statement_age_months"] == 19 and older["statements_outdated"] is True


def test_financial_health_combines_the_financial_tags() -> None:
    sound = {
        "st_total_assets": 1000,
        "st_total_liabilities": 500,
        "st_equity": 500,
        "st_current_assets": 600,
        "st_current_liabilities": 300,
        "st_net_profit": 50,
        "st_operating_cash_flow": 80,
        "st_operating_profit": 70,
        "st_interest_expense": 10,
    }
    assert evaluate(sound)["financial_health"] == "sound"
    assert evaluate(sound | {"st_current_liabilities": 700})["financial_health"] == "watch"
    assert evaluate(sound | {"st_net_profit": -5})["financial_health"] == "watch"
    both = sound | {"st_net_profit": -5, "st_operating_cash_flow": -1}
    assert evaluate(both)["financial_health"] == "weak"
    assert evaluate(sound | {"st_equity": -1})["financial_health"] == "weak"
    assert evaluate(sound | {"st_interest_expense": 0})["interest_coverage_band"] == "no_interest"


def test_inquiry_surge() -> None:
    def surge(now: int | None, before: int | None) -> bool | None:
        row = {"bu_inquiries_6m": now, "prev_bu_inquiries_6m": before}
        result: bool | None = evaluate(row)["inquiry_surge"]
        return result

    assert surge(6, None) is True
    assert surge(5, None) is False
    assert surge(5, 2) is True  # doubled and 3 more
    assert surge(4, 2) is False  # doubled, only 2 more
    assert surge(5, 3) is False  # 2 more, not doubled
    assert surge(None, 1) is None  # no report: unknown
