"""Persons, statements, bureau reports, loans, schedules and repayments."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from lendtag.core import Lendtag
from lendtag.ingest.specs import PERSONS
from lendtag.store.models import (
    BureauReport,
    FinancialStatement,
    Loan,
    RelatedParty,
    Repayment,
    RepaymentSchedule,
)
from tests.factories import credit_code, customer, write_csv

TODAY = dt.date(2026, 6, 30)
ID_NUMBER = "11010519491231002X"


@pytest.fixture
def loaded(lt: Lendtag, tmp_path: Path) -> Lendtag:
    lt.import_file(
        "customers",
        write_csv(tmp_path / "c.csv", [customer(1), customer(2)]),
        effective_date=dt.date(2020, 1, 1),
        today=TODAY,
    )
    return lt


def rows_of(lt: Lendtag, model: type) -> list[dict[str, object]]:
    with lt.store.read() as conn:
        return [dict(r._mapping) for r in conn.execute(select(model.__table__))]


def test_persons(loaded: Lendtag, tmp_path: Path) -> None:
    c1, c2 = credit_code(1), credit_code(2)
    rows = [
        {
            "credit_code": c1,
            "relation": "legal_representative",
            "party_type": "person",
            "name": "张三",
            "id_number": ID_NUMBER,
            "phone": "+86 138-0013-8000",
        },
        {
            "credit_code": c1,
            "relation": "shareholder",
            "party_type": "enterprise",
            "name": "测试2号",
            "related_credit_code": c2,
            "share_pct": "35.5",
        },
        {
            "credit_code": c1,
            "relation": "guarantor",
            "party_type": "person",
            "name": "李四",
            "id_number": "110105194912310021",
        },  # wrong check digit
        {
            "credit_code": credit_code(77),
            "relation": "guarantor",
            "party_type": "person",
            "name": "王五",
        },
        {"credit_code": c1, "relation": "boss", "party_type": "person", "name": "赵六"},
        {
            "credit_code": c1,
            "relation": "group_member",
            "party_type": "enterprise",
            "name": "无代码",
        },
    ]
    header = [
        "credit_code",
        "relation",
        "party_type",
        "name",
        "id_number",
        "phone",
        "share_pct",
        "related_credit_code",
    ]
    result = loaded.import_file("persons", write_csv(tmp_path / "p.csv", rows, header), today=TODAY)
    assert (result.accepted, result.quarantined) == (2, 4)
    reasons = {q["row"]: (q["column"], q["reason"]) for q in loaded.quarantine_list()}
    assert reasons[4][0] == "id_number"
    assert reasons[5] == (
        "credit_code",
        "no customer with this credit code; import it in a customers file first",
    )
    assert reasons[6][0] == "relation" and "legal_representative" in reasons[6][1]
    assert reasons[7][0] == "related_credit_code"
    stored = {r["relation"]: r for r in rows_of(loaded, RelatedParty)}
    assert stored["legal_representative"]["phone"] == "13800138000"
    assert stored["shareholder"]["party_key"] == c2
    shown = loaded.customer_show(c1)
    person = next(p for p in shown["related_parties"] if p["relation"] == "legal_representative")
    assert person["id_number"] == "1101**********002X" and person["phone"] == "138****8000"


def test_persons_known_from(loaded: Lendtag, tmp_path: Path) -> None:
    """A relation is known from its cell, else the effective date, else the import date, and
    a later import of the same relation does not move the day."""
    c1 = credit_code(1)
    header = [*PERSONS.header, "known_from"]
    rows = [
        {"credit_code": c1, "relation": "guarantor", "party_type": "person", "name": "甲"},
        {
            "credit_code": c1,
            "relation": "shareholder",
            "party_type": "person",
            "name": "乙",
            "known_from": "2021-03-01",
        },
        {
            "credit_code": c1,
            "relation": "actual_controller",
            "party_type": "person",
            "name": "丙",
            "known_from": "2026-07-01",
        },
    ]
    file = write_csv(tmp_path / "p.csv", rows, header)
    result = loaded.import_file("persons", file, effective_date=dt.date(2022, 5, 6), today=TODAY)
    assert (result.accepted, result.quarantined) == (2, 1)
    (problem,) = loaded.quarantine_list()
    assert problem["column"] == "known_from" and "after the import date" in problem["reason"]
    known = {r["name"]: r["known_from"] for r in rows_of(loaded, RelatedParty)}
    assert known == {"甲": dt.date(2022, 5, 6), "乙": dt.date(2021, 3, 1)}

    later = [
        {**rows[0], "name": "甲"},
        {"credit_code": c1, "relation": "guarantor", "party_type": "person", "name": "丁"},
    ]
    again = loaded.import_file(
        "persons", write_csv(tmp_path / "p2.csv", later, list(PERSONS.header)), today=TODAY
    )
    assert (again.inserted, again.unchanged) == (1, 1)
    known = {r["name"]: r["known_from"] for r in rows_of(loaded, RelatedParty)}
    assert known == {"甲": dt.date(2022, 5, 6), "乙": dt.date(2021, 3, 1), "丁": TODAY}


def test_statements_and_bureau(loaded: Lendtag, tmp_path: Path) -> None:
    c1 = credit_code(1)
    st = [
        {
            "credit_code": c1,
            "period_end": "2024-12-31",
            "period_type": "annual",
            "reported_on": "2025-04-20",
            "total_assets": "8000",
            "total_liabilities": "5000",
            "equity": "3000",
            "revenue": "5000",
            "net_profit": "-120.5",
        },
        {
            "credit_code": c1,
            "period_end": "2025-12-31",
            "period_type": "annual",
            "reported_on": "2025-11-30",
        },  # reported before the period ended
        {
            "credit_code": c1,
            "period_end": "2025-06-30",
            "period_type": "quarterly",
            "reported_on": "2025-08-01",
        },
    ]
    header = [
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
    r = loaded.import_file("statements", write_csv(tmp_path / "s.csv", st, header), today=TODAY)
    assert (r.accepted, r.quarantined) == (1, 2)
    [s] = rows_of(loaded, FinancialStatement)
    assert s["net_profit"] == -120.5 and s["current_assets"] is None
    bureau = [
        {
            "credit_code": c1,
            "report_date": "2026-03-01",
            "overdue_count": "2",
            "overdue_amount": "12.5",
            "executed_person": "否",
            "tax_arrears": "yes",
        },
        {"credit_code": c1, "report_date": "2026-07-01"},  # after the import date
        {"credit_code": c1, "report_date": "2026-04-01", "lender_count": "2.5"},
    ]
    header = [
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
    r = loaded.import_file("bureau", write_csv(tmp_path / "b.csv", bureau, header), today=TODAY)
    assert (r.accepted, r.quarantined) == (1, 2)
    [b] = rows_of(loaded, BureauReport)
    assert (b["executed_person"], b["tax_arrears"], b["overdue_amount"]) == (False, True, 12.5)
    shown = loaded.customer_show(c1, as_of=dt.date(2025, 4, 19))
    assert shown["latest_statement"] is None
    assert loaded.customer_show(c1)["latest_statement"]["revenue"] == 5000


LOAN_HEADER = [
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


def test_loans_schedules_repayments(loaded: Lendtag, tmp_path: Path) -> None:
    c1 = credit_code(1)
    loans = [
        {
            "contract_no": "LN2025HZ0001",
            "credit_code": c1,
            "product": "working_capital",
            "amount": "1,000,000.00",
            "currency": "cny",
            "start_date": "2025-01-15",
            "maturity_date": "2026-01-15",
            "annual_rate": "4.35%",
            "repayment_method": "equal_principal",
            "collateral_type": "mortgage",
            "guarantee_type": "none",
            "branch": "BR-HZ01",
        },
        {
            "contract_no": "LN2025HZ0002",
            "credit_code": c1,
            "product": "working_capital",
            "amount": "5000",
            "currency": "CNY",
            "start_date": "2025-01-15",
            "maturity_date": "2025-01-15",
        },
    ]
    r = loaded.import_file("loans", write_csv(tmp_path / "l.csv", loans, LOAN_HEADER), today=TODAY)
    assert (r.accepted, r.quarantined) == (1, 1)
    [loan] = rows_of(loaded, Loan)
    assert (loan["amount"], loan["currency"], loan["annual_rate"]) == (1_000_000.0, "CNY", 4.35)
    sched = [
        {
            "contract_no": "LN2025HZ0001",
            "installment_no": str(i),
            "due_date": f"2025-{i + 1:02d}-15",
            "principal_due": "250000",
            "interest_due": "3625.00",
        }
        for i in range(1, 5)
    ]
    sched.append(
        {
            "contract_no": "LN-NOPE",
            "installment_no": "1",
            "due_date": "2025-02-15",
            "principal_due": "1",
            "interest_due": "1",
        }
    )
    r = loaded.import_file("schedules", write_csv(tmp_path / "sc.csv", sched), today=TODAY)
    assert (r.accepted, r.quarantined) == (4, 1)
    pays = [
        {
            "contract_no": "LN2025HZ0001",
            "installment_no": "1",
            "paid_on": "2025-02-15",
            "principal_paid": "250000",
            "interest_paid": "3625",
        },
        {
            "contract_no": "LN2025HZ0001",
            "installment_no": "0",
            "paid_on": "2025-02-15",
            "principal_paid": "1",
            "interest_paid": "0",
        },
    ]
    r = loaded.import_file("repayments", write_csv(tmp_path / "r.csv", pays), today=TODAY)
    assert (r.accepted, r.quarantined) == (1, 1)
    assert len(rows_of(loaded, RepaymentSchedule)) == 4
    assert rows_of(loaded, Repayment)[0]["principal_paid"] == 250000.0
    # a corrected schedule updates in place; the same file again changes nothing
    sched[0]["interest_due"] = "3600"
    r = loaded.import_file("schedules", write_csv(tmp_path / "sc2.csv", sched[:4]), today=TODAY)
    assert (r.inserted, r.updated, r.unchanged) == (0, 1, 3)
    r = loaded.import_file("schedules", write_csv(tmp_path / "sc2.csv", sched[:4]), today=TODAY)
    assert (r.inserted, r.updated, r.unchanged) == (0, 0, 4)
