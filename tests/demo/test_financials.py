"""Financial statements and bureau reports: identities, timing, and weakness signals."""

from __future__ import annotations

import datetime as dt
import itertools
import statistics
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from lendtag.demo import DEMO_AS_OF, DemoFiles, generate_portfolio
from tests.demo.analysis import read_rows

D = Decimal


def test_accounting_identities_hold_exactly(small_portfolio: DemoFiles) -> None:
    for row in read_rows(small_portfolio.statements):
        ta, tl, eq = D(row["total_assets"]), D(row["total_liabilities"]), D(row["equity"])
        assert eq == ta - tl
        ca = D(row["current_assets"])
        assert 0 < ca <= ta
        parts = D(row["inventory"]) + D(row["cash"]) + D(row["accounts_receivable"])
        assert parts <= ca
        assert D(row["current_liabilities"]) <= tl
        assert D(row["cost_of_sales"]) <= D(row["revenue"])
        for column in (
            "inventory",
            "cash",
            "accounts_receivable",
            "interest_expense",
            "capital_expenditure",
        ):
            assert D(row[column]) >= 0, column


def test_three_fiscal_years_reported_in_april_or_may(small_portfolio: DemoFiles) -> None:
    years: dict[str, set[int]] = defaultdict(set)
    established = {
        r["credit_code"]: dt.date.fromisoformat(r["established_on"])
        for r in read_rows(small_portfolio.customers)
    }
    for row in read_rows(small_portfolio.statements):
        end = dt.date.fromisoformat(row["period_end"])
        reported = dt.date.fromisoformat(row["reported_on"])
        assert row["period_type"] == "annual"  # as_of 06-30 is before the H1 accounts are due
        assert end.month == 12 and end.day == 31
        assert reported.year == end.year + 1 and reported.month in (4, 5)
        assert reported <= DEMO_AS_OF
        years[row["credit_code"]].add(end.year)
    for code, seen in years.items():
        expected = {2023, 2024, 2025}
        assert seen == {y for y in expected if y >= established[code].year}
    assert sum(len(s) == 3 for s in years.values()) / len(years) > 0.8


def test_latest_annual_matches_customer_file(small_portfolio: DemoFiles) -> None:
    latest = {
        r["credit_code"]: r
        for r in read_rows(small_portfolio.statements)
        if r["period_end"] == "2025-12-31"
    }
    for row in read_rows(small_portfolio.customers):
        statement = latest[row["credit_code"]]
        assert statement["revenue"] == row["revenue"]
        assert statement["total_assets"] == row["total_assets"]


def test_interim_statements_after_august(tmp_path: Path) -> None:
    as_of = dt.date(2026, 9, 30)
    files = generate_portfolio(tmp_path, 400, seed=11, as_of=as_of, bad_rows=0)
    rows = list(read_rows(files.statements))
    interim = [r for r in rows if r["period_type"] == "interim"]
    share = len(interim) / 400
    assert 0.2 < share < 0.4
    for row in interim:
        assert row["period_end"] == "2026-06-30"
        assert dt.date(2026, 6, 30) < dt.date.fromisoformat(row["reported_on"]) <= as_of


def test_early_as_of_has_no_statement_from_the_future(tmp_path: Path) -> None:
    as_of = dt.date(2026, 2, 28)
    files = generate_portfolio(tmp_path, 200, seed=4, as_of=as_of, bad_rows=0)
    for kind in ("statements", "bureau", "repayments"):
        column = {"statements": "reported_on", "bureau": "report_date", "repayments": "paid_on"}
        for row in read_rows(files.paths()[kind]):
            assert dt.date.fromisoformat(row[column[kind]]) <= as_of


def _latest_ratios(files: DemoFiles) -> dict[str, tuple[float, float, float]]:
    """credit code → (debt ratio, net margin, operating cash flow / revenue), latest year."""
    out = {}
    for r in read_rows(files.statements):
        if r["period_end"] == "2025-12-31":
            revenue = float(r["revenue"])
            out[r["credit_code"]] = (
                float(r["total_liabilities"]) / float(r["total_assets"]),
                float(r["net_profit"]) / revenue,
                float(r["operating_cash_flow"]) / revenue,
            )
    return out


def test_weak_firms_are_leveraged_loss_making_and_burn_cash(small_portfolio: DemoFiles) -> None:
    ratios = _latest_ratios(small_portfolio)
    leveraged = [r for r in ratios.values() if r[0] > 0.75]
    sound = [r for r in ratios.values() if r[0] < 0.45]
    assert 0.05 < len(leveraged) / len(ratios) < 0.30
    assert statistics.mean(r[1] for r in leveraged) < 0 < statistics.mean(r[1] for r in sound)
    assert statistics.mean(r[2] for r in leveraged) < statistics.mean(r[2] for r in sound)
    assert sum(r[2] < 0 for r in leveraged) / len(leveraged) > 0.4


def test_bureau_signals_follow_weakness(small_portfolio: DemoFiles) -> None:
    ratios = _latest_ratios(small_portfolio)
    reports: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in read_rows(small_portfolio.bureau):
        reports[row["credit_code"]].append(row)
    assert {len(r) for r in reports.values()} == {1, 2, 3}
    assert set(reports) == set(ratios)
    for rows in reports.values():
        for row in rows:
            assert DEMO_AS_OF - dt.timedelta(days=730) < dt.date.fromisoformat(row["report_date"])

    def mean(codes: list[str], column: str) -> float:
        return statistics.mean(int(row[column]) for c in codes for row in reports[c])

    weak = [c for c, r in ratios.items() if r[0] > 0.75]
    strong = [c for c, r in ratios.items() if r[0] < 0.45]
    for column in ("overdue_count", "inquiries_6m", "litigation_count"):
        assert mean(weak, column) > mean(strong, column), column


def test_investing_cash_flow_is_about_minus_capital_expenditure(
    small_portfolio: DemoFiles,
) -> None:
    rows = list(read_rows(small_portfolio.statements))
    capex_share = [float(r["capital_expenditure"]) / float(r["total_assets"]) for r in rows]
    assert all(share <= 0.35 for share in capex_share)
    assert 0.01 < statistics.median(capex_share) < 0.08
    investing = [D(r["investing_cash_flow"]) for r in rows]
    assert sum(v < 0 for v in investing) / len(rows) > 0.9  # firms usually invest
    # apart from the occasional purchase or sale of investments, investing ≈ −capex
    gaps = [
        abs(float(D(r["investing_cash_flow"]) + D(r["capital_expenditure"])))
        / float(r["total_assets"])
        for r in rows
    ]
    assert statistics.median(gaps) < 0.005


def test_stronger_firms_invest_more(small_portfolio: DemoFiles) -> None:
    ratios = _latest_ratios(small_portfolio)
    capex = {
        r["credit_code"]: float(r["capital_expenditure"]) / float(r["total_assets"])
        for r in read_rows(small_portfolio.statements)
        if r["period_end"] == "2025-12-31"
    }
    leveraged = [capex[c] for c, r in ratios.items() if r[0] > 0.75]
    sound = [capex[c] for c, r in ratios.items() if r[0] < 0.45]
    assert statistics.mean(leveraged) < statistics.mean(sound)


def test_financing_cash_flow_follows_net_borrowing(small_portfolio: DemoFiles) -> None:
    """Borrowing is what interest is charged on (interest expense ÷ 4.8%): where it fell,
    the firm repaid debt and financing cash flow is negative; where it grew by more than
    the interest and any dividend, financing cash flow is positive."""
    by_firm: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in read_rows(small_portfolio.statements):
        by_firm[row["credit_code"]].append(row)
    fell = grew = 0
    for rows in by_firm.values():
        rows.sort(key=lambda r: r["period_end"])
        for before, after in itertools.pairwise(rows):
            interest = float(after["interest_expense"])
            change = (interest - float(before["interest_expense"])) / 0.048
            financing = float(after["financing_cash_flow"])
            if change < -1:
                fell += 1
                assert financing < 0, (before, after)
            dividends = max(float(after["net_profit"]), 0.0) * 0.4
            if change * 0.8 > interest + dividends + 1:
                grew += 1
                assert financing > 0, (before, after)
    assert fell > 50 and grew > 50
