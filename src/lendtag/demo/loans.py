"""Loans, their repayment schedules and the repayments actually received.

Payment behaviour follows the firm's latent strength z:

* **Default.** Each borrower has an annual hazard ``h = exp(HAZARD_BASE − HAZARD_SLOPE·z)``
  (capped at 60%). Its time to distress is exponential from its first drawdown; from then
  on it stops paying every loan, so the first instalment it misses becomes 90 days past
  due three months later — a default under the five-category rules. The bank does not
  lend to a borrower already in distress.
* **Late payment.** Before that, an instalment is paid late with probability
  ``logistic(−2.4 − 1.1·z)``: strong firms a few days late, weak firms up to ~80 days, and
  weak firms sometimes pay part first and the rest later. A payment made after ``as_of``
  is not in the file, so late payers near ``as_of`` show as 1–90 days past due.

All money is integer fen (cents); a schedule's principal sums exactly to the amount.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count

from lendtag.demo.common import add_months, clamp, fmt_cents, logistic, stream
from lendtag.demo.enterprises import Enterprise
from lendtag.demo.relations import Parties

__all__ = [
    "HAZARD_BASE",
    "HAZARD_SLOPE",
    "LOAN_HEADER",
    "REPAYMENT_HEADER",
    "SCHEDULE_HEADER",
    "LoanBook",
    "annual_hazard",
    "loan_book",
]

LOAN_HEADER = (
    "contract_no", "credit_code", "product", "amount", "currency", "start_date",
    "maturity_date", "annual_rate", "repayment_method", "collateral_type", "guarantee_type",
    "branch",
)  # fmt: skip
SCHEDULE_HEADER = ("contract_no", "installment_no", "due_date", "principal_due", "interest_due")
REPAYMENT_HEADER = ("contract_no", "installment_no", "paid_on", "principal_paid", "interest_paid")

HAZARD_BASE = -3.75
HAZARD_SLOPE = 1.0

_PRODUCTS = (
    "working_capital", "fixed_asset", "project_finance", "trade_finance", "bill_discount",
    "leasing",
)  # fmt: skip
_PRODUCT_WEIGHTS = (  # by tier: micro, small, medium, large
    (58, 8, 0, 14, 10, 10),
    (50, 12, 2, 14, 12, 10),
    (42, 16, 8, 14, 12, 8),
    (34, 18, 16, 14, 12, 6),
)
_TENORS = {
    "working_capital": (6, 12, 12, 12, 12, 24, 36),
    "fixed_asset": (24, 36, 48, 60),
    "project_finance": (36, 48, 60),
    "trade_finance": (6, 6, 9, 12),
    "bill_discount": (6,),
    "leasing": (12, 24, 36, 36),
}
_METHODS = {
    "working_capital": (("equal_installment", 35), ("equal_principal", 25), ("bullet", 40)),
    "fixed_asset": (("equal_principal", 60), ("equal_installment", 40)),
    "project_finance": (("equal_principal", 70), ("bullet", 30)),
    "trade_finance": (("bullet", 1),),
    "bill_discount": (("bullet", 1),),
    "leasing": (("equal_installment", 1),),
}
_AMOUNT_YUAN = (  # by tier: contract amount range in 元
    (100_000, 3_000_000),
    (500_000, 10_000_000),
    (3_000_000, 100_000_000),
    (20_000_000, 1_000_000_000),
)
_LPR = {2023: (3.45, 4.20), 2024: (3.35, 3.85), 2025: (3.00, 3.50)}  # 1y and 5y+ LPR, %
_USD_CNY = 7.1


def annual_hazard(strength: float) -> float:
    """Annual probability-of-distress intensity for a firm of latent strength z."""
    return min(0.6, math.exp(HAZARD_BASE - HAZARD_SLOPE * strength))


@dataclass(slots=True)
class LoanBook:
    """One borrower's loans, schedules and repayments as CSV rows."""

    loans: list[list[str]] = field(default_factory=list)
    schedules: list[list[str]] = field(default_factory=list)
    repayments: list[list[str]] = field(default_factory=list)
    first_missed: dt.date | None = None  # first instalment left unpaid for good


def _schedule(
    amount: int, rate: float, method: str, start: dt.date, tenor: int, freq: int
) -> Iterator[tuple[dt.date, int, int]]:
    """(due date, principal fen, interest fen) per instalment."""
    periods = math.ceil(tenor / freq)
    balance = amount
    annuity = 0.0
    if method == "equal_installment":
        i = rate / 100 / 12 * freq
        annuity = amount * i / (1 - (1 + i) ** -periods)
    for k in range(1, periods + 1):
        months = freq if k < periods else tenor - freq * (periods - 1)
        due = add_months(start, min(k * freq, tenor), start.day)
        interest = round(balance * rate / 100 * months / 12)
        if k == periods:
            principal = balance
        elif method == "equal_installment":
            principal = max(0, min(balance, round(annuity) - interest))
        elif method == "equal_principal":
            principal = amount // periods
        else:
            principal = 0
        balance -= principal
        yield due, principal, interest


def _terms(
    rng: random.Random, ent: Enterprise, parties: Parties, start: dt.date, first: bool
) -> tuple[str, str, int, float, str, int, int, str, str]:
    """product, currency, amount (fen), rate %, method, tenor, frequency, collateral, guarantee."""
    product = rng.choices(_PRODUCTS, weights=_PRODUCT_WEIGHTS[ent.tier_rank])[0]
    tenor = rng.choice(_TENORS[product])
    names, weights = zip(*_METHODS[product], strict=True)
    method = rng.choices(names, weights=weights)[0]
    if method == "bullet":
        freq = tenor if product == "bill_discount" else 3
    elif method == "equal_principal" and tenor % 3 == 0 and tenor >= 12 and rng.random() < 0.4:
        freq = 3
    else:
        freq = 1
    lo, hi = _AMOUNT_YUAN[ent.tier_rank]
    wanted = ent.revenue * 10_000 * rng.uniform(0.05, 0.35)
    yuan = clamp(wanted * rng.uniform(0.9, 1.1), lo, hi)
    step = 10_000 if yuan < 5_000_000 else 100_000
    yuan = max(step, round(yuan / step) * step)
    one_year, five_year = _LPR.get(start.year, _LPR[2023] if start.year < 2023 else _LPR[2025])
    base = five_year if tenor > 60 or product in ("fixed_asset", "project_finance") else one_year
    spread = 0.45 - 0.45 * ent.strength + (0.6, 0.3, 0.0, -0.4)[ent.tier_rank]
    rate = base + clamp(spread + rng.gauss(0, 0.2), -0.3, 4.0)
    currency = "CNY"
    if ent.ownership == "foreign" and rng.random() < 0.3:
        currency, yuan, rate = "USD", max(1000, round(yuan / _USD_CNY / 1000) * 1000), rate + 2.3

    if product == "bill_discount":
        collateral = "pledge"
    elif product in ("fixed_asset", "project_finance"):
        collateral = rng.choices(("mortgage", "pledge", "guarantee"), weights=(70, 15, 15))[0]
    elif product == "trade_finance":
        collateral = rng.choices(("pledge", "guarantee", "unsecured"), weights=(40, 20, 40))[0]
    else:
        unsecured = 10 + 12 * ent.tier_rank + (10 if ent.strength > 1 else 0)
        collateral = rng.choices(
            ("mortgage", "guarantee", "pledge", "unsecured"), weights=(40, 35, 10, unsecured)
        )[0]
    if first and parties.enterprise_guarantor:
        collateral = "guarantee"
    kinds = ["guarantee_company"]
    if parties.person_guarantor:
        kinds.append("natural_person")
    if parties.enterprise_guarantor:
        kinds.append("enterprise")
    if collateral == "guarantee":
        guarantee = "enterprise" if first and parties.enterprise_guarantor else rng.choice(kinds)
    elif collateral in ("mortgage", "pledge") and parties.person_guarantor and rng.random() < 0.4:
        guarantee = "natural_person"
    else:
        guarantee = "none"
    return product, currency, yuan * 100, round(rate, 2), method, tenor, freq, collateral, guarantee


def _method_name(method: str) -> str:
    return "interest_only_bullet" if method == "bullet" else method


def loan_book(
    seed: int, as_of: dt.date, ent: Enterprise, parties: Parties, numbers: count[int]
) -> LoanBook:
    """Loans (0–3, most borrowers have one), schedules and repayments of one customer."""
    rng = stream(seed, "loans", ent.index)
    book = LoanBook()
    n = rng.choices((0, 1, 2, 3), weights=(15, 45 - 5 * ent.tier_rank, 27, 13 + 5 * ent.tier_rank))
    if n[0] == 0:
        return book
    earliest = max(as_of - dt.timedelta(days=1095), ent.established_on + dt.timedelta(days=90))
    span = (as_of - dt.timedelta(days=30) - earliest).days
    starts = sorted(earliest + dt.timedelta(days=rng.randrange(span + 1)) for _ in range(n[0]))
    z = ent.strength
    distress_days = rng.expovariate(annual_hazard(z)) * 365.25
    stop = starts[0] + dt.timedelta(days=int(distress_days)) if distress_days < 20_000 else None
    p_late = logistic(-2.4 - 1.1 * z)
    mean_late = 6.0 + 8.0 * max(0.0, -z)
    city = ent.branch[3:5]
    for k, start in enumerate(starts):
        if k and stop is not None and start > stop - dt.timedelta(days=30):
            break  # no new lending to a borrower in distress
        product, currency, amount, rate, method, tenor, freq, coll, guar = _terms(
            rng, ent, parties, start, k == 0
        )
        contract = f"LN{start.year}{city}{next(numbers):06d}"
        book.loans.append([
            contract, ent.credit_code, product, fmt_cents(amount), currency, start.isoformat(),
            add_months(start, tenor).isoformat(), f"{rate:.2f}", _method_name(method), coll, guar,
            ent.branch,
        ])  # fmt: skip
        for no, (due, principal, interest) in enumerate(
            _schedule(amount, rate, method, start, tenor, freq), start=1
        ):
            book.schedules.append(
                [contract, str(no), due.isoformat(), fmt_cents(principal), fmt_cents(interest)]
            )
            if due > as_of:
                continue
            if stop is not None and due >= stop:
                if book.first_missed is None or due < book.first_missed:
                    book.first_missed = due
                continue
            _pay(rng, book, contract, no, due, principal, interest, as_of, z, p_late, mean_late)
    return book


def _pay(
    rng: random.Random,
    book: LoanBook,
    contract: str,
    no: int,
    due: dt.date,
    principal: int,
    interest: int,
    as_of: dt.date,
    z: float,
    p_late: float,
    mean_late: float,
) -> None:
    """Repayment rows for one instalment that the borrower does pay (possibly late)."""
    if rng.random() >= p_late:
        early = rng.randrange(3) if rng.random() < 0.3 else 0
        book.repayments.append([
            contract, str(no), (due - dt.timedelta(days=early)).isoformat(),
            fmt_cents(principal), fmt_cents(interest),
        ])  # fmt: skip
        return
    days = rng.randint(1, 5) if z > 0.5 else min(80, 1 + int(rng.expovariate(1 / mean_late)))
    final = due + dt.timedelta(days=days)
    if days >= 3 and z < -0.5 and rng.random() < 0.35:
        first = due + dt.timedelta(days=rng.randrange(min(3, days)))
        part = int(principal * rng.uniform(0.3, 0.7))
        if first <= as_of:
            book.repayments.append(
                [contract, str(no), first.isoformat(), fmt_cents(part), fmt_cents(interest)]
            )
        if final <= as_of:
            book.repayments.append(
                [contract, str(no), final.isoformat(), fmt_cents(principal - part), "0.00"]
            )
        return
    if final <= as_of:
        book.repayments.append(
            [contract, str(no), final.isoformat(), fmt_cents(principal), fmt_cents(interest)]
        )
