"""Independent read-back of generated demo files: days past due and realised defaults.

Works only from the CSV files (never from generator internals), the way the monitoring
module will: an instalment is settled on the date its payments first cover principal and
interest due; days past due on a date = that date minus the oldest due date not yet
settled. A loan defaults when it becomes more than 90 days past due.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

DEFAULT_DAYS = 90


def read_rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


@dataclass
class Loan:
    contract_no: str
    credit_code: str
    start: dt.date
    maturity: dt.date
    due: dict[int, tuple[dt.date, Decimal]] = field(default_factory=dict)  # no -> (date, total)
    payments: dict[int, list[tuple[dt.date, Decimal]]] = field(default_factory=dict)

    def settled_on(self, no: int) -> dt.date | None:
        """Date the instalment's payments first covered everything due, else None."""
        owed = self.due[no][1]
        paid = Decimal(0)
        for day, amount in sorted(self.payments.get(no, [])):
            paid += amount
            if paid >= owed:
                return day
        return None

    def days_past_due(self, on: dt.date) -> int:
        oldest = None
        for no, (due, _) in self.due.items():
            if due > on:
                continue
            settled = self.settled_on(no)
            if (settled is None or settled > on) and (oldest is None or due < oldest):
                oldest = due
        return 0 if oldest is None else (on - oldest).days

    def default_date(self, as_of: dt.date) -> dt.date | None:
        """First day the loan is more than 90 days past due, if on or before as_of."""
        first = None
        for no, (due, _) in self.due.items():
            settled = self.settled_on(no)
            trigger = due + dt.timedelta(days=DEFAULT_DAYS + 1)
            if trigger <= as_of and (settled is None or settled >= trigger):
                first = trigger if first is None else min(first, trigger)
        return first


def load_loans(directory: Path) -> dict[str, Loan]:
    loans: dict[str, Loan] = {}
    for row in read_rows(directory / "loans.csv"):
        loans[row["contract_no"]] = Loan(
            row["contract_no"],
            row["credit_code"],
            dt.date.fromisoformat(row["start_date"]),
            dt.date.fromisoformat(row["maturity_date"]),
        )
    for row in read_rows(directory / "schedules.csv"):
        total = Decimal(row["principal_due"]) + Decimal(row["interest_due"])
        loan = loans[row["contract_no"]]
        loan.due[int(row["installment_no"])] = (dt.date.fromisoformat(row["due_date"]), total)
    for row in read_rows(directory / "repayments.csv"):
        amount = Decimal(row["principal_paid"]) + Decimal(row["interest_paid"])
        loan = loans[row["contract_no"]]
        loan.payments.setdefault(int(row["installment_no"]), []).append(
            (dt.date.fromisoformat(row["paid_on"]), amount)
        )
    return loans


@dataclass
class DefaultStats:
    borrowers: int
    defaulters: dict[str, dt.date]  # credit code -> first default date
    exposure_years: float
    cohort_size: int  # performing borrowers with a live loan one year before as_of
    cohort_defaults: int  # … of whom defaulted within the year

    @property
    def annual_rate(self) -> float:
        """Defaulted borrowers per borrower-year at risk."""
        return len(self.defaulters) / self.exposure_years

    @property
    def cohort_rate(self) -> float:
        return self.cohort_defaults / self.cohort_size


def default_stats(loans: dict[str, Loan], as_of: dt.date) -> DefaultStats:
    by_borrower: dict[str, list[Loan]] = defaultdict(list)
    for loan in loans.values():
        by_borrower[loan.credit_code].append(loan)
    defaulters: dict[str, dt.date] = {}
    exposure_days = 0
    year_ago = as_of - dt.timedelta(days=365)
    cohort = cohort_defaults = 0
    for code, book in by_borrower.items():
        dates = [d for d in (loan.default_date(as_of) for loan in book) if d is not None]
        default_on = min(dates) if dates else None
        if default_on is not None:
            defaulters[code] = default_on
        end_of_risk = default_on or as_of
        covered: set[int] = set()
        for loan in book:  # union of loan lifetimes up to default (day ordinals)
            last = min(loan.maturity, end_of_risk)
            covered.update(range(loan.start.toordinal(), last.toordinal()))
        exposure_days += len(covered)
        live = any(loan.start <= year_ago < loan.maturity for loan in book)
        if live and (default_on is None or default_on > year_ago):
            cohort += 1
            cohort_defaults += default_on is not None
    return DefaultStats(
        len(by_borrower), defaulters, exposure_days / 365.25, cohort, cohort_defaults
    )


BUCKETS = ((1, 30), (31, 90), (91, 270), (271, 360), (361, 10**6))


def dpd_buckets(loans: dict[str, Loan], as_of: dt.date) -> dict[tuple[int, int], int]:
    """Loans per current days-past-due bucket (loans not past due are not counted)."""
    counts = dict.fromkeys(BUCKETS, 0)
    for loan in loans.values():
        dpd = loan.days_past_due(as_of)
        for low, high in BUCKETS:
            if low <= dpd <= high:
                counts[(low, high)] += 1
    return counts
