"""Loans, schedules and repayments; realised defaults read back from the files alone."""

from __future__ import annotations

import datetime as dt
import itertools
import statistics
from collections import defaultdict
from decimal import Decimal

import pytest

from lendtag.demo import DEMO_AS_OF, DemoFiles
from lendtag.domain.size import classify_size
from tests.demo.analysis import BUCKETS, default_stats, dpd_buckets, load_loans, read_rows

D = Decimal
TIER_MAX_YUAN = {"micro": 3_000_000, "small": 10_000_000, "medium": 100_000_000}


def _months(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def test_loan_terms(small_portfolio: DemoFiles) -> None:
    window_start = DEMO_AS_OF - dt.timedelta(days=3 * 365 + 1)
    for row in read_rows(small_portfolio.loans):
        start = dt.date.fromisoformat(row["start_date"])
        maturity = dt.date.fromisoformat(row["maturity_date"])
        assert window_start <= start <= DEMO_AS_OF - dt.timedelta(days=28)
        tenor = _months(start, maturity)
        limit = 60 if row["product"] in ("project_finance", "fixed_asset") else 36
        assert 6 <= tenor <= limit


def test_most_customers_borrow_and_amounts_fit_their_size(small_portfolio: DemoFiles) -> None:
    size = {}
    for r in read_rows(small_portfolio.customers):
        employees = int(r["employees"]) if r["employees"] else None
        result = classify_size(r["industry_code"], employees, float(r["revenue"]),
                               float(r["total_assets"]))  # fmt: skip
        size[r["credit_code"]] = result.size_class.value
    per_customer: dict[str, int] = defaultdict(int)
    for row in read_rows(small_portfolio.loans):
        per_customer[row["credit_code"]] += 1
        amount = float(row["amount"])
        if row["currency"] == "CNY":
            assert 100_000 <= amount <= TIER_MAX_YUAN.get(size[row["credit_code"]], 10**9)
    assert max(per_customer.values()) <= 3
    assert 0.80 < len(per_customer) / len(size) < 0.90


def test_schedules_amortise_the_amount_exactly(small_portfolio: DemoFiles) -> None:
    loans = {r["contract_no"]: r for r in read_rows(small_portfolio.loans)}
    rows: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in read_rows(small_portfolio.schedules):
        rows[row["contract_no"]].append(row)
    for contract, schedule in rows.items():
        loan = loans[contract]
        numbers = [int(r["installment_no"]) for r in schedule]
        assert numbers == list(range(1, len(schedule) + 1))
        dues = [dt.date.fromisoformat(r["due_date"]) for r in schedule]
        assert dues == sorted(dues) and len(set(dues)) == len(dues)
        assert dues[-1].isoformat() == loan["maturity_date"]
        assert dues[0] > dt.date.fromisoformat(loan["start_date"])
        assert sum(D(r["principal_due"]) for r in schedule) == D(loan["amount"])
        assert all(D(r["interest_due"]) > 0 for r in schedule)
        gaps = {_months(a, b) for a, b in itertools.pairwise(dues)}
        method = loan["repayment_method"]
        if method == "equal_installment":
            assert gaps <= {1}
            totals = [D(r["principal_due"]) + D(r["interest_due"]) for r in schedule[:-1]]
            assert not totals or max(totals) - min(totals) <= D("0.02")
        elif method == "equal_principal":
            assert gaps <= {1} or gaps <= {3}
        else:
            assert all(D(r["principal_due"]) == 0 for r in schedule[:-1])


def test_repayments_never_exceed_what_is_due(small_portfolio: DemoFiles) -> None:
    due = {
        (r["contract_no"], r["installment_no"]): (
            dt.date.fromisoformat(r["due_date"]),
            D(r["principal_due"]),
            D(r["interest_due"]),
        )
        for r in read_rows(small_portfolio.schedules)
    }
    paid: dict[tuple[str, str], list[D]] = defaultdict(lambda: [D(0), D(0)])
    for row in read_rows(small_portfolio.repayments):
        key = (row["contract_no"], row["installment_no"])
        when = dt.date.fromisoformat(row["paid_on"])
        assert due[key][0] <= DEMO_AS_OF  # only instalments already due
        assert when <= DEMO_AS_OF
        assert when >= due[key][0] - dt.timedelta(days=5)
        paid[key][0] += D(row["principal_paid"])
        paid[key][1] += D(row["interest_paid"])
    for key, (principal, interest) in paid.items():
        assert principal <= due[key][1] and interest <= due[key][2]


def test_most_instalments_are_paid_on_time(small_portfolio: DemoFiles) -> None:
    loans = load_loans(small_portfolio.customers.parent)
    on_time = late = 0
    for loan in loans.values():
        for no, (due, _) in loan.due.items():
            settled = loan.settled_on(no)
            if due > DEMO_AS_OF or settled is None:
                continue
            on_time += settled <= due
            late += settled > due
    assert 0.80 < on_time / (on_time + late) < 0.97


@pytest.mark.slow
def test_realised_default_rate_is_plausible(large_portfolio: DemoFiles) -> None:
    stats = default_stats(load_loans(large_portfolio.customers.parent), DEMO_AS_OF)
    assert 0.02 <= stats.annual_rate <= 0.05
    assert 0.015 <= stats.cohort_rate <= 0.06
    assert len(stats.defaulters) > 100


@pytest.mark.slow
def test_defaulters_have_weaker_financials(large_portfolio: DemoFiles) -> None:
    stats = default_stats(load_loans(large_portfolio.customers.parent), DEMO_AS_OF)
    latest = {
        r["credit_code"]: r
        for r in read_rows(large_portfolio.statements)
        if r["period_end"] == "2025-12-31"
    }
    borrowers = {r["credit_code"] for r in read_rows(large_portfolio.loans)}

    def mean(codes: set[str], numerator: str, denominator: str) -> float:
        return statistics.mean(
            float(latest[c][numerator]) / float(latest[c][denominator]) for c in codes
        )

    bad = set(stats.defaulters)
    good = borrowers - bad
    assert (
        mean(bad, "total_liabilities", "total_assets")
        > mean(good, "total_liabilities", "total_assets") + 0.08
    )
    assert mean(bad, "net_profit", "revenue") < mean(good, "net_profit", "revenue")
    assert mean(bad, "operating_cash_flow", "revenue") < mean(
        good, "operating_cash_flow", "revenue"
    )


@pytest.mark.slow
def test_every_days_past_due_bucket_is_present(large_portfolio: DemoFiles) -> None:
    buckets = dpd_buckets(load_loans(large_portfolio.customers.parent), DEMO_AS_OF)
    assert set(buckets) == set(BUCKETS)
    for bucket, loans in buckets.items():
        assert loans >= 5, bucket
