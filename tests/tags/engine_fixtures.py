"""A small catalog and portfolio for the run-engine tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from lendtag.core import Lendtag
from lendtag.tags import catalog
from lendtag.tags.definitions import Catalog
from tests.factories import credit_code, customer, write_csv

LABEL = {"zh": "标签", "en": "label"}


def tag(code: str, value_type: str, expression: str | None, **extra: Any) -> dict[str, Any]:
    body = {
        "code": code,
        "name": {"zh": f"{code}中文", "en": code},
        "description": LABEL,
        "dimension": "risk",
        "kind": "rule" if expression else "manual",
        "value_type": value_type,
        "owner": "risk-team",
        "purpose": ["credit_risk_assessment"],
    }
    if expression:
        body["expression"] = expression
    return body | extra


def categories(*values: str) -> list[dict[str, Any]]:
    return [{"value": v, "name": {"zh": v, "en": v}} for v in values]


SMALL_CATALOG = Catalog.model_validate(
    {
        "dimensions": [{"code": "risk", "name": {"zh": "风险", "en": "Risk"}}],
        "features": [
            {
                "code": "debt_ratio",
                "name": {"zh": "资产负债率", "en": "Debt ratio"},
                "type": "number",
                "expression": "st_total_liabilities / st_total_assets",
            },
            {
                "code": "current_dpd",
                "name": {"zh": "逾期天数", "en": "Days past due"},
                "type": "integer",
                "expression": "COALESCE(DAYS_BETWEEN(oldest_unpaid_due, AS_OF()), 0)",
            },
        ],
        "tags": [
            tag(
                "leverage_band",
                "category",
                "CASE WHEN debt_ratio > 0.7 THEN 'high' WHEN debt_ratio IS NOT NULL THEN 'low' END",
                categories=categories("low", "high"),
            ),
            tag("overdue_30", "flag", "current_dpd > 30"),
            tag("debt_ratio_pct", "number", "ROUND(debt_ratio * 100, 2)"),
            tag("inquiry_count", "number", "bu_inquiries_6m"),
            tag("litigation_flag", "flag", "bu_litigation_count > 0 AND leverage_band = 'high'"),
            tag("watch_list", "flag", None),
        ],
    }
)

STATEMENT_HEADER = [
    "credit_code",
    "period_end",
    "period_type",
    "reported_on",
    "total_assets",
    "total_liabilities",
    "current_assets",
    "current_liabilities",
    "inventory",
    "cash",
    "accounts_receivable",
    "equity",
    "revenue",
    "cost_of_sales",
    "operating_profit",
    "interest_expense",
    "net_profit",
    "operating_cash_flow",
]
BUREAU_HEADER = [
    "credit_code",
    "report_date",
    "overdue_count",
    "overdue_amount",
    "outstanding_debt",
    "lender_count",
    "inquiries_6m",
    "guarantees_given",
    "litigation_count",
    "executed_person",
    "tax_arrears",
    "abnormal_operation",
]


def load_catalog(lt: Lendtag, cat: Catalog = SMALL_CATALOG) -> None:
    with lt.store.write(audited=False) as conn:
        catalog.load_catalog(conn, cat, "alice", reviewer="bob")


def statement(
    n: int, period_end: str, reported_on: str, assets: float, liabilities: float
) -> dict[str, Any]:
    return {
        "credit_code": credit_code(n),
        "period_end": period_end,
        "period_type": "annual",
        "reported_on": reported_on,
        "total_assets": assets,
        "total_liabilities": liabilities,
        "equity": assets - liabilities,
    }


def small_book(lt: Lendtag, tmp: Path) -> None:
    """Three customers; customer 1 has a statement that arrives later, customer 2 a loan."""
    today = dt.date(2026, 12, 1)
    lt.import_file(
        "customers",
        write_csv(tmp / "c.csv", [customer(n) for n in (1, 2, 3)]),
        effective_date=dt.date(2020, 1, 1),
        today=today,
    )
    rows = [
        statement(1, "2024-12-31", "2025-04-20", 1000, 500),  # 0.5 → low
        statement(1, "2025-12-31", "2026-04-20", 1000, 800),  # 0.8 → high, known later
        statement(2, "2025-12-31", "2026-03-31", 1000, 900),
    ]  # 0.9 → high
    lt.import_file("statements", write_csv(tmp / "s.csv", rows, STATEMENT_HEADER), today=today)
    bureau = [
        {
            "credit_code": credit_code(2),
            "report_date": "2026-01-10",
            "inquiries_6m": "3",
            "litigation_count": "1",
        },
        {
            "credit_code": credit_code(2),
            "report_date": "2026-09-01",
            "inquiries_6m": "9",
            "litigation_count": "0",
        },
    ]
    lt.import_file("bureau", write_csv(tmp / "b.csv", bureau, BUREAU_HEADER), today=today)
    loans = [
        {
            "contract_no": "LN-T-1",
            "credit_code": credit_code(2),
            "product": "working_capital",
            "amount": "1200",
            "currency": "CNY",
            "start_date": "2026-01-01",
            "maturity_date": "2026-12-31",
        }
    ]
    header = [
        "contract_no",
        "credit_code",
        "product",
        "amount",
        "currency",
        "start_date",
        "maturity_date",
        "annual_rate",
        "repayment_method",
        "collateral_type",
        "guarantee_type",
        "branch",
    ]
    lt.import_file("loans", write_csv(tmp / "l.csv", loans, header), today=today)
    sched = [
        {
            "contract_no": "LN-T-1",
            "installment_no": str(i),
            "due_date": f"2026-{i:02d}-28",
            "principal_due": "100",
            "interest_due": "5",
        }
        for i in range(1, 13)
    ]
    lt.import_file("schedules", write_csv(tmp / "sc.csv", sched), today=today)
    paid = [
        {
            "contract_no": "LN-T-1",
            "installment_no": str(i),
            "paid_on": f"2026-{i:02d}-28",
            "principal_paid": "100",
            "interest_paid": "5",
        }
        for i in range(1, 5)
    ]
    # instalment 5 (due 05-28) is paid late, on 07-15; 6 onwards never
    paid.append(
        {
            "contract_no": "LN-T-1",
            "installment_no": "5",
            "paid_on": "2026-07-15",
            "principal_paid": "100",
            "interest_paid": "5",
        }
    )
    lt.import_file("repayments", write_csv(tmp / "r.csv", paid), today=today)
