"""Annual and interim financial statements, and credit-bureau reports.

A firm's latent strength z sets its leverage, liquidity, margins and cash generation:
debt ratio ≈ 0.52 − 0.13·z (so z ≈ −2 firms owe more than 75% of their assets),
EBIT margin ≈ 6% + 3.5%·z (weak firms lose money once interest is paid), and operating
cash flow ≈ net profit + depreciation + 2.5%·z of revenue (weak firms burn cash).
The rest of the cash-flow statement comes from a stream of its own (so adding it left every
earlier figure as it was): capital expenditure is a share of the non-current assets that is
larger for stronger firms, investing cash flow ≈ −capital expenditure plus a little noise
(and now and then a purchase of investments, or an asset sale by a weak firm), financing
cash flow = net new borrowing − interest paid − dividends, so it is negative whenever the
firm's borrowing fell. Borrowing is the debt the interest expense is charged on.
The latest fiscal year matches the customer file's revenue and total assets exactly;
earlier years are walked back with growth that is faster for stronger firms.

All amounts are 万元 held as integer hundredths, so the printed statements satisfy
equity = total assets − total liabilities and the current-asset breakdown exactly.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass

from lendtag.demo.common import clamp, logistic, poisson, stream
from lendtag.demo.enterprises import Enterprise

__all__ = ["BUREAU_HEADER", "STATEMENT_HEADER", "Balance", "bureau_rows", "statement_rows"]

STATEMENT_HEADER = (
    "credit_code", "period_end", "period_type", "reported_on", "total_assets",
    "total_liabilities", "current_assets", "current_liabilities", "inventory", "cash",
    "accounts_receivable", "equity", "revenue", "cost_of_sales", "operating_profit",
    "interest_expense", "net_profit", "operating_cash_flow", "investing_cash_flow",
    "financing_cash_flow", "capital_expenditure",
)  # fmt: skip
BUREAU_HEADER = (
    "credit_code", "report_date", "overdue_count", "overdue_amount", "outstanding_debt",
    "lender_count", "inquiries_6m", "guarantees_given", "litigation_count", "executed_person",
    "tax_arrears", "abnormal_operation",
)  # fmt: skip


def _h(cents: int) -> str:
    """Hundredths of 万元 as a signed decimal string."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


@dataclass(frozen=True, slots=True)
class Balance:
    """The latest annual balance sheet, which the bureau and loan generators reuse."""

    total_liabilities: float  # 万元
    debt_ratio: float


def _period(
    rng: random.Random, ent: Enterprise, revenue: float, assets: float, debt_ratio: float
) -> list[int]:
    """One period's figures (hundredths of 万元) in STATEMENT_HEADER order from total_assets."""
    z, p = ent.strength, ent.profile
    ta = round(assets * 100)
    tl = round(ta * debt_ratio)
    ca = int(ta * clamp(p.current_share * rng.uniform(0.85, 1.15), 0.05, 0.95))
    cl = int(tl * clamp(0.68 - 0.06 * z + rng.gauss(0, 0.06), 0.3, 0.95))
    cash_s = clamp(0.16 + 0.05 * z + rng.gauss(0, 0.04), 0.01, 0.5)
    inv_s = clamp(p.inventory_share * rng.uniform(0.7, 1.3), 0.0, 0.8)
    ar_s = clamp(p.receivable_share * rng.uniform(0.7, 1.3) * (1 + 0.1 * max(0.0, -z)), 0.0, 0.8)
    scale = min(1.0, 0.97 / (cash_s + inv_s + ar_s))
    cash, inv, ar = (int(ca * s * scale) for s in (cash_s, inv_s, ar_s))
    rev = round(revenue * 100)
    gross = clamp(p.gross_margin + 0.03 * z + rng.gauss(0, 0.03), 0.01, 0.85)
    cost = round(rev * (1 - gross))
    interest = round(tl * clamp(0.45 + rng.gauss(0, 0.08), 0.1, 0.8) * 0.048)
    ebit_margin = 0.06 * gross / p.gross_margin + 0.035 * z + rng.gauss(0, 0.02)
    op = round(rev * ebit_margin) - interest
    net = round(op * 0.75) if op > 0 else op + round(rev * rng.gauss(0, 0.003))
    ocf = net + round(ta * 0.03) + round(rev * (0.025 * z + rng.gauss(0, 0.04)))
    return [ta, tl, ca, cl, inv, cash, ar, ta - tl, rev, cost, op, interest, net, ocf]


INTEREST_RATE = 0.048
"""The rate :func:`_period` charges on borrowing: borrowing = interest expense / this rate."""
_TA, _CA, _INTEREST, _NET = 0, 2, 11, 12  # positions in a _period list


def _borrowing(figures: list[int]) -> int:
    """Interest-bearing debt of a period (hundredths of 万元), from its interest expense."""
    return round(figures[_INTEREST] / INTEREST_RATE)


def _cash_flows(
    rng: random.Random, ent: Enterprise, figures: list[int], borrowed_before: int, months: int
) -> list[int]:
    """Investing cash flow, financing cash flow and capital expenditure (hundredths of 万元)
    of a period of ``months`` whose figures are ``figures``; ``borrowed_before`` is the
    borrowing at the start of the period."""
    z, share = ent.strength, months / 12
    ta = figures[_TA]
    fixed = ta - figures[_CA]  # non-current assets
    rate = clamp(0.09 + 0.03 * z + rng.gauss(0, 0.03), 0.005, 0.35)
    capex = round(fixed * rate * share)
    investing = -capex + round(ta * rng.gauss(0, 0.004) * share)
    if rng.random() < 0.12:  # now and then: a weak firm sells assets, a sound one invests
        if z < -1:
            investing += round(ta * rng.uniform(0.01, 0.04))
        else:
            investing -= round(ta * rng.uniform(0.005, 0.03))
    net_borrowing = _borrowing(figures) - borrowed_before
    drawn = round(net_borrowing * clamp(1 + rng.gauss(0, 0.05), 0.8, 1.2))
    net = figures[_NET]
    paying = months == 12 and net > 0 and rng.random() < clamp(0.3 + 0.1 * z, 0.05, 0.6)
    dividends = round(net * rng.uniform(0.1, 0.4)) if paying else 0
    financing = drawn - round(figures[_INTEREST] * share) - dividends
    return [investing, financing, capex]


def _reported(rng: random.Random, fiscal_year: int, as_of: dt.date) -> dt.date:
    """Annual accounts reach the bank in April–May; early filers if as_of is earlier."""
    day = dt.date(fiscal_year + 1, 4, 1) + dt.timedelta(days=rng.randrange(61))
    if day <= as_of:
        return day
    first = dt.date(fiscal_year + 1, 1, 20)
    span = (as_of - first).days
    return first + dt.timedelta(days=rng.randrange(span + 1)) if span >= 0 else as_of


def statement_rows(seed: int, as_of: dt.date, ent: Enterprise) -> tuple[list[list[str]], Balance]:
    """Three annual statements (FY as_of.year−3 … −1), sometimes an H1 interim one."""
    rng = stream(seed, "statements", ent.index)
    z = ent.strength
    debt = clamp(
        0.52 - 0.13 * z + rng.gauss(0, 0.07) + (0.18 if ent.industry.code == "K7010" else 0.0),
        0.05,
        1.35,
    )
    years = [as_of.year - 3, as_of.year - 2, as_of.year - 1]
    revenue, assets = ent.revenue, ent.total_assets
    figures: dict[int, list[int]] = {}
    for back, year in enumerate(reversed(years)):
        ratio = clamp(debt - 0.02 * max(0.0, -z) * back + rng.gauss(0, 0.025), 0.03, 1.4)
        figures[year] = _period(rng, ent, revenue, assets, ratio)
        growth = clamp(0.05 + 0.06 * z + rng.gauss(0, 0.12), -0.4, 0.8)
        revenue = max(round(revenue / (1 + growth), 2), 0.5)
        assets = max(round(assets / (1 + 0.6 * growth + rng.gauss(0, 0.04)), 2), 0.5)
    flows_rng = stream(seed, "cash_flows", ent.index)  # its own: the figures above stay put
    first = _borrowing(figures[years[0]])
    # borrowing before the first year: none for a firm founded that year, else walked back
    borrowed = (
        0
        if ent.established_on.year >= years[0]
        else round(first / (1 + clamp(0.05 + 0.06 * z + flows_rng.gauss(0, 0.12), -0.4, 0.8)))
    )
    rows = []
    for year in years:
        if year < ent.established_on.year:
            continue  # no accounts before the firm existed
        flows = _cash_flows(flows_rng, ent, figures[year], borrowed, 12)
        borrowed = _borrowing(figures[year])
        reported = _reported(rng, year, as_of)
        row = [ent.credit_code, f"{year}-12-31", "annual", reported.isoformat()]
        rows.append(row + [_h(v) for v in figures[year] + flows])
    interim_end = dt.date(as_of.year, 6, 30)
    if as_of >= dt.date(as_of.year, 8, 31) and rng.random() < 0.3:
        growth = clamp(0.05 + 0.06 * z + rng.gauss(0, 0.1), -0.4, 0.6)
        half = _period(
            rng, ent, ent.revenue * (1 + growth) / 2, ent.total_assets * (1 + growth / 2), debt
        )
        flows = _cash_flows(flows_rng, ent, half, borrowed, 6)
        reported = dt.date(as_of.year, 7, 15) + dt.timedelta(days=rng.randrange(48))
        rows.append(
            [ent.credit_code, interim_end.isoformat(), "interim", reported.isoformat()]
            + [_h(v) for v in half + flows]
        )
    latest = figures[years[-1]]
    return rows, Balance(latest[1] / 100, latest[1] / max(latest[0], 1))


def _flag(p: float, rng: random.Random) -> str:
    return "true" if rng.random() < p else "false"


def bureau_rows(
    seed: int,
    as_of: dt.date,
    ent: Enterprise,
    balance: Balance,
    trouble_from: dt.date | None,
) -> Iterator[list[str]]:
    """1–3 bureau reports over the last two years; overdue once the firm stopped paying."""
    rng = stream(seed, "bureau", ent.index)
    z = ent.strength
    count = rng.choices((1, 2, 3), weights=(0.35, 0.4, 0.25))[0]
    history = min(730, (as_of - ent.established_on).days - 30)
    offsets = sorted(rng.sample(range(max(history, count)), count), reverse=True)
    bank_share = clamp(0.45 - 0.08 * z + rng.gauss(0, 0.08), 0.1, 0.9)
    lenders = (1, 2, 3, 5)[ent.tier_rank] + poisson(rng, 0.6 + 0.8 * max(0.0, -z))
    guarantees = ent.total_assets * rng.uniform(0.05, 0.4)
    gives = bool(ent.guarantees_for) or rng.random() < 0.15
    for offset in offsets:
        day = as_of - dt.timedelta(days=offset)
        debt = balance.total_liabilities * bank_share * (1 + rng.gauss(0, 0.05))
        troubled = trouble_from is not None and trouble_from <= day
        months_troubled = (day - trouble_from).days / 30 if troubled and trouble_from else 0.0
        if troubled:
            overdue_count = rng.randint(1, 4)
            overdue_amount = debt * rng.uniform(0.1, 0.5)
        elif rng.random() < logistic(-3.5 - 1.3 * z):
            overdue_count = rng.randint(1, 2)
            overdue_amount = debt * rng.uniform(0.01, 0.05)
        else:
            overdue_count, overdue_amount = 0, 0.0
        inquiries = poisson(rng, 0.8 + 1.5 * max(0.0, -z) + (2.0 if troubled else 0.0))
        litigation = poisson(rng, 0.15 * 2.5 ** max(-2.0, -z)) + (
            rng.randint(1, 3) if months_troubled > 3 else 0
        )
        yield [
            ent.credit_code,
            day.isoformat(),
            str(overdue_count),
            f"{overdue_amount:.2f}",
            f"{max(debt, 0.0):.2f}",
            str(lenders),
            str(inquiries),
            f"{guarantees:.2f}" if gives else "0.00",
            str(litigation),
            _flag(logistic(-5.0 - 1.2 * z) + (0.5 if months_troubled > 6 else 0.0), rng),
            _flag(logistic(-4.5 - 1.0 * z), rng),
            _flag(logistic(-4.8 - 1.0 * z) + (0.2 if troubled else 0.0), rng),
        ]
