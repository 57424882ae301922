"""Every value in the good files passes the domain validators the importer uses."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from lendtag.demo import DEMO_AS_OF, DemoFiles
from lendtag.domain.credit_code import org_code_warning, validate_credit_code
from lendtag.domain.identity import validate_mobile, validate_resident_id
from lendtag.domain.industry import DIVISIONS, parse_industry_code
from lendtag.domain.rating import parse_rating
from lendtag.domain.region import PROVINCES, parse_region_code
from tests.demo.analysis import read_rows

CHANNELS = {"web", "app", "branch", "core", "bureau", "api"}
OWNERSHIP = {"state", "collective", "private", "foreign", "hmt", "mixed"}
RELATIONS = {
    "legal_representative",
    "actual_controller",
    "shareholder",
    "guarantor",
    "group_member",
    "guarantee_provided",
}
PRODUCTS = {
    "working_capital",
    "fixed_asset",
    "project_finance",
    "trade_finance",
    "bill_discount",
    "leasing",
}
METHODS = {"equal_installment", "equal_principal", "interest_only_bullet"}
COLLATERAL = {"mortgage", "pledge", "guarantee", "unsecured"}
GUARANTEES = {"none", "natural_person", "enterprise", "guarantee_company"}
RATINGS = {
    "AAA", "AA+", "AA", "AA-", "A+", "A", "A-", "BBB+", "BBB", "BBB-", "BB+", "BB", "BB-",
    "B+", "B", "B-", "CCC", "CC", "C",
}  # fmt: skip
MONEY = re.compile(r"-?\d+\.\d{2}")
BOOL = {"true", "false"}


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def test_customers_pass_domain_validation(small_portfolio: DemoFiles) -> None:
    latest_established = DEMO_AS_OF - dt.timedelta(days=182)
    for row in read_rows(small_portfolio.customers):
        code = row["credit_code"]
        assert validate_credit_code(code) == code
        assert org_code_warning(code) is None  # positions 9–17 are a valid GB 11714 code
        assert code[0] == "9" and code[1] in "123"
        assert code[2:8] == row["region_code"]
        assert row["name"].strip() == row["name"] and len(row["name"]) >= 6
        industry = parse_industry_code(row["industry_code"])
        assert industry.code == row["industry_code"] and industry.level == "class"
        assert DIVISIONS[industry.division].section == row["industry_code"][0]
        region = parse_region_code(row["region_code"])
        assert region.code == row["region_code"]
        assert row["region_code"][:2] in PROVINCES
        assert dt.date(1990, 1, 1) <= _date(row["established_on"]) <= latest_established
        if row["employees"]:
            assert int(row["employees"]) >= 1
        for column in ("registered_capital", "revenue", "total_assets"):
            assert MONEY.fullmatch(row[column]) and float(row[column]) > 0, column
        assert row["channel"] in CHANNELS
        assert row["ownership_type"] in OWNERSHIP
        assert row["listed"] in BOOL
        assert re.fullmatch(r"BR-[A-Z]{2}\d{2}", row["branch"])
        if row["external_rating"]:
            assert row["external_rating"] in RATINGS
            parse_rating(row["external_rating"])


def test_persons_pass_domain_validation(small_portfolio: DemoFiles) -> None:
    people = 0
    for row in read_rows(small_portfolio.persons):
        assert row["relation"] in RELATIONS
        assert row["party_type"] in {"person", "enterprise"}
        assert row["name"]
        if row["party_type"] == "person":
            people += 1
            assert validate_resident_id(row["id_number"]) == row["id_number"]
            assert validate_mobile(row["phone"]) == row["phone"]
            birth = _date(
                f"{row['id_number'][6:10]}-{row['id_number'][10:12]}-{row['id_number'][12:14]}"
            )
            assert 18 <= (DEMO_AS_OF - birth).days / 365.25 <= 70
        if row["share_pct"]:
            assert re.fullmatch(r"\d{1,3}\.\d{2}", row["share_pct"])
            assert 0 < float(row["share_pct"]) <= 100
    assert people > 0


def test_loans_use_the_documented_codes(small_portfolio: DemoFiles) -> None:
    for row in read_rows(small_portfolio.loans):
        assert re.fullmatch(r"LN20\d{2}[A-Z]{2}\d{6}", row["contract_no"])
        assert row["contract_no"][2:6] == row["start_date"][:4]
        assert row["product"] in PRODUCTS
        assert row["repayment_method"] in METHODS
        assert row["collateral_type"] in COLLATERAL
        assert row["guarantee_type"] in GUARANTEES
        assert row["currency"] in {"CNY", "USD"}
        assert MONEY.fullmatch(row["amount"]) and float(row["amount"]) > 0
        assert 0.5 < float(row["annual_rate"]) < 15
        if row["collateral_type"] == "unsecured":
            assert row["guarantee_type"] == "none"


def test_bureau_values_are_typed(small_portfolio: DemoFiles) -> None:
    for row in read_rows(small_portfolio.bureau):
        assert _date(row["report_date"]) <= DEMO_AS_OF
        for column in ("overdue_count", "lender_count", "inquiries_6m", "litigation_count"):
            assert row[column].isdigit(), column
        for column in ("overdue_amount", "outstanding_debt", "guarantees_given"):
            assert MONEY.fullmatch(row[column]) and float(row[column]) >= 0, column
        for column in ("executed_person", "tax_arrears", "abnormal_operation"):
            assert row[column] in BOOL
        assert (row["overdue_count"] == "0") == (row["overdue_amount"] == "0.00")


@pytest.mark.slow
def test_sections_spread_realistically(large_portfolio: DemoFiles) -> None:
    sections = [row["industry_code"][0] for row in read_rows(large_portfolio.customers)]
    share = {s: sections.count(s) / len(sections) for s in set(sections)}
    assert set("ABCDEFGHIJKLMNOPQRS") <= set(share)
    top_two = sorted(share, key=share.__getitem__, reverse=True)[:2]
    assert set(top_two) == {"C", "F"}
    codes = {row["industry_code"] for row in read_rows(large_portfolio.customers)}
    assert {"K7010", "K7020"} <= codes  # own size thresholds
    assert any(c.startswith("G53") for c in codes)  # rail: outside the size standard
    assert any(c.startswith("G591") for c in codes) and any(c.startswith("G592") for c in codes)


@pytest.mark.parametrize("share_field", ["listed", "external_rating"])
def test_listing_and_ratings_are_rare_and_favour_large_firms(
    small_portfolio: DemoFiles, share_field: str
) -> None:
    rows = list(read_rows(small_portfolio.customers))
    flagged = [r for r in rows if r[share_field] not in ("", "false")]
    share = len(flagged) / len(rows)
    expected = (0.01, 0.06) if share_field == "listed" else (0.09, 0.22)
    assert expected[0] < share < expected[1]
    big = sum(float(r["revenue"]) for r in flagged) / len(flagged)
    everyone = sum(float(r["revenue"]) for r in rows) / len(rows)
    assert big > 2 * everyone


def test_domestic_ratings_cluster_in_the_aa_range(small_portfolio: DemoFiles) -> None:
    ratings = [r["external_rating"] for r in read_rows(small_portfolio.customers)]
    rated = [r for r in ratings if r]
    aa_range = sum(r in {"AA+", "AA", "AA-"} for r in rated)
    assert aa_range / len(rated) > 0.35
    assert ratings.count("AAA") < ratings.count("AA")
