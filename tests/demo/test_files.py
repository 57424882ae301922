"""File-level contract: names, headers, encoding, line endings, determinism, counts."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from lendtag.demo import DEMO_AS_OF, DemoFiles, generate_portfolio
from tests.demo.analysis import read_rows

# The formats as specified for the importer, written out independently of the generator.
EXPECTED_HEADERS = {
    "customers": "credit_code,name,industry_code,registered_capital,established_on,region_code,"
    "employees,revenue,total_assets,channel,ownership_type,listed,branch,external_rating",
    "persons": "credit_code,relation,party_type,name,id_number,phone,share_pct,related_credit_code",
    "statements": "credit_code,period_end,period_type,reported_on,total_assets,"
    "total_liabilities,current_assets,current_liabilities,inventory,cash,accounts_receivable,"
    "equity,revenue,cost_of_sales,operating_profit,interest_expense,net_profit,"
    "operating_cash_flow,investing_cash_flow,financing_cash_flow,capital_expenditure",
    "bureau": "credit_code,report_date,overdue_count,overdue_amount,outstanding_debt,"
    "lender_count,inquiries_6m,guarantees_given,litigation_count,executed_person,tax_arrears,"
    "abnormal_operation",
    "loans": "contract_no,credit_code,product,amount,currency,start_date,maturity_date,"
    "annual_rate,repayment_method,collateral_type,guarantee_type,branch",
    "schedules": "contract_no,installment_no,due_date,principal_due,interest_due",
    "repayments": "contract_no,installment_no,paid_on,principal_paid,interest_paid",
    "bad_customers": "credit_code,name,industry_code,registered_capital,established_on,"
    "region_code,employees,revenue,total_assets,channel,ownership_type,listed,branch,"
    "external_rating",
}
KINDS = tuple(EXPECTED_HEADERS)


def _bytes(files: DemoFiles) -> dict[str, bytes]:
    return {kind: path.read_bytes() for kind, path in files.paths().items()}


def test_demo_as_of_is_a_fixed_date() -> None:
    assert dt.date(2026, 6, 30) == DEMO_AS_OF


def test_demofiles_is_frozen_and_lists_every_file(small_portfolio: DemoFiles) -> None:
    assert dataclasses.is_dataclass(small_portfolio)
    with pytest.raises(dataclasses.FrozenInstanceError):
        small_portfolio.customers = Path("x")  # type: ignore[misc]
    assert tuple(small_portfolio.paths()) == KINDS
    for kind, path in small_portfolio.paths().items():
        assert path.name == f"{kind}.csv"
        assert path.is_file()


@pytest.mark.parametrize("kind", KINDS)
def test_header_row_is_exact(small_portfolio: DemoFiles, kind: str) -> None:
    path = small_portfolio.paths()[kind]
    first_line = path.read_bytes().split(b"\n", 1)[0]
    assert first_line.decode("utf-8") == EXPECTED_HEADERS[kind]


@pytest.mark.parametrize("kind", KINDS)
def test_utf8_without_bom_and_unix_line_endings(small_portfolio: DemoFiles, kind: str) -> None:
    data = small_portfolio.paths()[kind].read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    assert b"\r" not in data
    assert data.endswith(b"\n")
    data.decode("utf-8")  # raises if not UTF-8


@pytest.mark.parametrize("kind", KINDS)
def test_counts_are_data_rows(small_portfolio: DemoFiles, kind: str) -> None:
    rows = sum(1 for _ in read_rows(small_portfolio.paths()[kind]))
    assert small_portfolio.counts[kind] == rows
    width = len(EXPECTED_HEADERS[kind].split(","))
    with small_portfolio.paths()[kind].open(encoding="utf-8", newline="") as handle:
        assert all(len(row) == width for row in csv.reader(handle))


def test_same_inputs_give_byte_identical_files(tmp_path: Path) -> None:
    first = generate_portfolio(tmp_path / "a", 180, seed=42)
    second = generate_portfolio(tmp_path / "b", 180, seed=42)
    assert _bytes(first) == _bytes(second)
    assert first.counts == second.counts
    assert first.bad_row_defects == second.bad_row_defects


def test_seed_and_as_of_change_the_portfolio(tmp_path: Path) -> None:
    base = _bytes(generate_portfolio(tmp_path / "a", 120, seed=1))
    other_seed = _bytes(generate_portfolio(tmp_path / "b", 120, seed=2))
    other_day = _bytes(generate_portfolio(tmp_path / "c", 120, seed=1, as_of=dt.date(2025, 12, 31)))
    assert base["customers"] != other_seed["customers"]
    assert base["loans"] != other_day["loans"]


def test_default_and_explicit_bad_rows(tmp_path: Path) -> None:
    assert generate_portfolio(tmp_path / "a", 50, seed=3).counts["bad_customers"] == 10
    assert generate_portfolio(tmp_path / "b", 50, seed=3, bad_rows=0).counts["bad_customers"] == 0
    explicit = generate_portfolio(tmp_path / "c", 50, seed=3, bad_rows=33)
    assert explicit.counts["bad_customers"] == 33


def test_default_bad_rows_scale_and_cap(small_portfolio: DemoFiles) -> None:
    assert small_portfolio.counts["bad_customers"] == 10  # max(10, 1500 // 500)


def test_empty_portfolio_still_writes_headers(tmp_path: Path) -> None:
    files = generate_portfolio(tmp_path, 0, seed=1, bad_rows=0)
    for kind, path in files.paths().items():
        assert path.read_text(encoding="utf-8") == EXPECTED_HEADERS[kind] + "\n"
        assert files.counts[kind] == 0


def test_negative_arguments_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="customers"):
        generate_portfolio(tmp_path, -1, seed=1)
    with pytest.raises(ValueError, match="bad_rows"):
        generate_portfolio(tmp_path, 5, seed=1, bad_rows=-2)


def test_progress_reports_every_stage_and_ends_complete(tmp_path: Path) -> None:
    calls: list[tuple[str, int, int]] = []
    generate_portfolio(tmp_path, 260, seed=5, progress=lambda *a: calls.append(a))
    stages = [c for c in calls if c[0] == "customers"]
    assert stages[-1] == ("customers", 260, 260)
    assert [c[1] for c in stages] == sorted(c[1] for c in stages)
    assert calls[-1] == ("bad_customers", 10, 10)


def test_creates_missing_output_directory(tmp_path: Path) -> None:
    out = tmp_path / "deep" / "er"
    files = generate_portfolio(out, 5, seed=1)
    assert files.customers.parent == out
