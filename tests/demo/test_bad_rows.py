"""bad_customers.csv: every defect is caught by the domain rules; the valid third passes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from lendtag.demo import DEFECTS, DEMO_AS_OF, DemoFiles, generate_portfolio
from lendtag.domain.credit_code import validate_credit_code
from lendtag.domain.errors import DomainError
from lendtag.domain.industry import parse_industry_code
from lendtag.domain.region import parse_region_code
from tests.demo.analysis import read_rows


def _error(check: Callable[[str], object], value: str) -> str | None:
    """The DomainError code ``check`` raises for ``value``, or None if it passes."""
    try:
        check(value)
    except DomainError as exc:
        return exc.code
    return None


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# What is wrong with a row of each defect kind, stated with the domain rules.
CAUGHT_BY: dict[str, Callable[[dict[str, str]], bool]] = {
    "check_character": lambda r: (
        _error(validate_credit_code, r["credit_code"]) == "credit_code.checksum"
    ),
    "forbidden_character": lambda r: (
        _error(validate_credit_code, r["credit_code"]) == "credit_code.charset"
        and ("O" in r["credit_code"] or "I" in r["credit_code"])
    ),
    "code_length": lambda r: (
        _error(validate_credit_code, r["credit_code"]) == "credit_code.length"
        and len(r["credit_code"]) == 17
    ),
    "unknown_industry": lambda r: (
        _error(parse_industry_code, r["industry_code"]) in ("industry.division", "industry.section")
    ),
    "section_mismatch": lambda r: (
        _error(parse_industry_code, r["industry_code"]) == "industry.section_mismatch"
    ),
    "negative_employees": lambda r: r["employees"].startswith("-"),
    "non_numeric_revenue": lambda r: not _is_number(r["revenue"]),
    "invalid_date": lambda r: not _is_date(r["established_on"]),
    "empty_name": lambda r: r["name"] == "",
    "future_established": lambda r: (
        _is_date(r["established_on"]) and dt.date.fromisoformat(r["established_on"]) > DEMO_AS_OF
    ),
    "unknown_region": lambda r: _error(parse_region_code, r["region_code"]) is not None,
}


def _defects(row: dict[str, str]) -> set[str]:
    return {kind for kind, check in CAUGHT_BY.items() if check(row)}


def test_every_defect_kind_has_a_check() -> None:
    assert set(CAUGHT_BY) == set(DEFECTS)


def test_each_bad_row_has_exactly_its_defect(tmp_path: Path) -> None:
    files = generate_portfolio(tmp_path, 30, seed=9, bad_rows=45)
    rows = list(read_rows(files.bad_customers))
    assert len(rows) == 45
    assert set(files.bad_row_defects.values()) == set(DEFECTS)  # every kind appears
    assert 0.28 < (len(rows) - len(files.bad_row_defects)) / len(rows) < 0.4
    for number, row in enumerate(rows, start=1):
        kind = files.bad_row_defects.get(number)
        assert _defects(row) == ({kind} if kind else set()), (number, kind, row)


def test_default_file_mixes_accepted_and_quarantined(small_portfolio: DemoFiles) -> None:
    rows = list(read_rows(small_portfolio.bad_customers))
    defects = small_portfolio.bad_row_defects
    assert 0 < len(defects) < len(rows)
    assert set(defects) <= set(range(1, len(rows) + 1))


@pytest.mark.parametrize("seed", [1, 2])
def test_bad_rows_are_deterministic(tmp_path: Path, seed: int) -> None:
    a = generate_portfolio(tmp_path / "a", 10, seed=seed, bad_rows=15)
    b = generate_portfolio(tmp_path / "b", 10, seed=seed, bad_rows=15)
    assert a.bad_customers.read_bytes() == b.bad_customers.read_bytes()
    assert a.bad_row_defects == b.bad_row_defects
