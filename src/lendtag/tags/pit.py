"""The point-in-time base: one row per customer with what was known on the as-of date.

Every feature and tag is an expression over these columns (and over each other). Nothing
dated after the as-of date leaks in: enterprise attributes are the version valid that day;
statements count only once reported (``reported_on``); bureau reports by report date;
loans from their start date; repayments from the day they were received; related parties
from the day the bank knew of them (``known_from``).

What the store does not keep cannot be replayed: a statement, bureau report, loan or
schedule imported again under the same natural key replaces the earlier row (see
docs/tags.md, "Point in time").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Date,
    Select,
    and_,
    case,
    column,
    func,
    literal,
    null,
    or_,
    select,
    table,
)
from sqlalchemy.sql.elements import ColumnElement

from lendtag.store.models import (
    ENTERPRISE_ATTRIBUTES,
    BureauReport,
    FinancialStatement,
    Loan,
    RelatedParty,
    Repayment,
    RepaymentSchedule,
)

STATEMENT_LINES = (
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
    "investing_cash_flow",
    "financing_cash_flow",
    "capital_expenditure",
)
BUREAU_FIELDS = (
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
)
_BUREAU_TYPES = {
    "overdue_count": "integer",
    "lender_count": "integer",
    "inquiries_6m": "integer",
    "litigation_count": "integer",
    "executed_person": "boolean",
    "tax_arrears": "boolean",
    "abnormal_operation": "boolean",
}
_ENTERPRISE_TYPES = {
    "registered_capital": "number",
    "established_on": "date",
    "listed": "boolean",
    "employees": "integer",
    "revenue": "number",
    "total_assets": "number",
}

BASE_COLUMNS: dict[str, str] = {
    "credit_code": "text",
    **{a: _ENTERPRISE_TYPES.get(a, "text") for a in ENTERPRISE_ATTRIBUTES},
    "industry_division": "text",
    "province_code": "text",
    "attributes_since": "date",
    "st_period_end": "date",
    **{f"st_{line}": "number" for line in STATEMENT_LINES},
    "prev_period_end": "date",
    **{
        f"prev_{line}": "number"
        for line in (
            "revenue",
            "net_profit",
            "total_assets",
            "equity",
            "total_liabilities",
            "operating_cash_flow",
        )
    },
    "bu_report_date": "date",
    **{f"bu_{f}": _BUREAU_TYPES.get(f, "number") for f in BUREAU_FIELDS},
    "prev_bu_inquiries_6m": "integer",
    "loans_active": "integer",
    "loans_ever": "integer",
    "first_loan_date": "date",
    "credit_total": "number",
    "outstanding_principal": "number",
    "arrears_amount": "number",
    "oldest_unpaid_due": "date",
    "max_days_late_12m": "integer",
    "group_members": "integer",
    "guarantees_provided": "integer",
    "guarantors": "integer",
}
"""Name → expression-language type of every base column. Money: 万元, except loan-book
columns (credit_total, outstanding_principal, arrears_amount) which are in 元."""

TIMELINE = table(
    "enterprise_timeline",
    column("credit_code"),
    *(column(a) for a in ENTERPRISE_ATTRIBUTES),
    column("valid_from", Date),
    column("valid_to", Date),
)


def days_between(dialect: str, later: Any, earlier: Any) -> ColumnElement[Any]:
    """Whole days from ``earlier`` to ``later`` (two DATE expressions) in the dialect."""
    if dialect == "sqlite":
        return func.cast(func.julianday(later) - func.julianday(earlier), _integer())
    return func.cast(later - earlier, _integer())


def _integer() -> Any:
    from sqlalchemy import Integer

    return Integer()


def base_query(dialect: str, as_of: dt.date) -> Select[Any]:
    """The base rows as of ``as_of`` (bind the date with literal values when compiling)."""
    d = literal(as_of, Date)
    window_start = literal(as_of - dt.timedelta(days=365), Date)
    ent = (
        select(TIMELINE)
        .where(
            TIMELINE.c.valid_from <= d, or_(TIMELINE.c.valid_to.is_(None), TIMELINE.c.valid_to > d)
        )
        .cte("ent")
    )
    s = FinancialStatement.__table__
    ranked_st = (
        select(
            s,
            func.row_number()
            .over(partition_by=s.c.credit_code, order_by=s.c.period_end.desc())
            .label("rn"),
        )
        .where(s.c.period_type == "annual", s.c.reported_on <= d)
        .cte("ranked_st")
    )
    st = select(ranked_st).where(ranked_st.c.rn == 1).cte("st")
    prev = select(ranked_st).where(ranked_st.c.rn == 2).cte("prev")
    b = BureauReport.__table__
    ranked_bu = (
        select(
            b,
            func.row_number()
            .over(partition_by=b.c.credit_code, order_by=b.c.report_date.desc())
            .label("rn"),
        )
        .where(b.c.report_date <= d)
        .cte("ranked_bu")
    )
    bu = select(ranked_bu).where(ranked_bu.c.rn == 1).cte("bu")
    prev_bu = select(ranked_bu).where(ranked_bu.c.rn == 2).cte("prev_bu")
    book = _loan_book(dialect, d, window_start)
    rel = _relations(d)

    cols: list[Any] = [ent.c.credit_code, *(ent.c[a] for a in ENTERPRISE_ATTRIBUTES)]
    cols.append(func.substr(ent.c.industry_code, 2, 2).label("industry_division"))
    cols.append(func.substr(ent.c.region_code, 1, 2).label("province_code"))
    cols.append(ent.c.valid_from.label("attributes_since"))
    cols.append(st.c.period_end.label("st_period_end"))
    cols += [st.c[line].label(f"st_{line}") for line in STATEMENT_LINES]
    cols.append(prev.c.period_end.label("prev_period_end"))
    cols += [
        prev.c[line].label(f"prev_{line}")
        for line in (
            "revenue",
            "net_profit",
            "total_assets",
            "equity",
            "total_liabilities",
            "operating_cash_flow",
        )
    ]
    cols.append(bu.c.report_date.label("bu_report_date"))
    cols += [bu.c[f].label(f"bu_{f}") for f in BUREAU_FIELDS]
    cols.append(prev_bu.c.inquiries_6m.label("prev_bu_inquiries_6m"))
    for name in (
        "loans_active",
        "loans_ever",
        "first_loan_date",
        "credit_total",
        "outstanding_principal",
        "arrears_amount",
        "oldest_unpaid_due",
        "max_days_late_12m",
    ):
        cols.append(book.c[name])
    for name in ("group_members", "guarantees_provided", "guarantors"):
        cols.append(func.coalesce(rel.c[name], 0).label(name))
    return (
        select(*cols)
        .select_from(ent)
        .outerjoin(st, st.c.credit_code == ent.c.credit_code)
        .outerjoin(prev, prev.c.credit_code == ent.c.credit_code)
        .outerjoin(bu, bu.c.credit_code == ent.c.credit_code)
        .outerjoin(prev_bu, prev_bu.c.credit_code == ent.c.credit_code)
        .outerjoin(book, book.c.credit_code == ent.c.credit_code)
        .outerjoin(rel, rel.c.credit_code == ent.c.credit_code)
    )


def _loan_book(dialect: str, d: Any, window_start: Any) -> Any:
    """Per customer: loans, exposure, arrears and lateness as of ``d`` (amounts in 元)."""
    loans, sch, rep = Loan.__table__, RepaymentSchedule.__table__, Repayment.__table__
    paid = (
        select(
            rep.c.contract_no,
            rep.c.installment_no,
            func.sum(rep.c.principal_paid).label("principal"),
            func.sum(rep.c.principal_paid + rep.c.interest_paid).label("total"),
            func.max(rep.c.paid_on).label("last_paid"),
        )
        .where(rep.c.paid_on <= d)
        .group_by(rep.c.contract_no, rep.c.installment_no)
        .cte("paid")
    )
    due_total = sch.c.principal_due + sch.c.interest_due
    paid_total = func.coalesce(paid.c.total, 0)
    unpaid = paid_total < due_total - 0.005
    inst = (
        select(
            loans.c.credit_code,
            sch.c.contract_no,
            sch.c.due_date,
            case((and_(sch.c.due_date <= d, unpaid), sch.c.due_date), else_=null()).label(
                "unpaid_due"
            ),
            case((and_(sch.c.due_date <= d, unpaid), due_total - paid_total), else_=0).label(
                "arrears"
            ),
            case(
                (
                    and_(sch.c.due_date <= d, sch.c.due_date > window_start),
                    days_between(
                        dialect, case((unpaid, d), else_=paid.c.last_paid), sch.c.due_date
                    ),
                ),
                else_=null(),
            ).label("days_late"),
            func.coalesce(paid.c.principal, 0).label("principal_paid"),
        )
        .select_from(sch)
        .join(loans, loans.c.contract_no == sch.c.contract_no)
        .outerjoin(
            paid,
            and_(
                paid.c.contract_no == sch.c.contract_no,
                paid.c.installment_no == sch.c.installment_no,
            ),
        )
        .where(loans.c.start_date <= d)
        .cte("inst")
    )
    per_loan = (
        select(
            inst.c.credit_code,
            inst.c.contract_no,
            func.sum(inst.c.principal_paid).label("principal_paid"),
            func.min(inst.c.unpaid_due).label("unpaid_due"),
            func.sum(inst.c.arrears).label("arrears"),
            func.max(inst.c.days_late).label("days_late"),
        )
        .group_by(inst.c.credit_code, inst.c.contract_no)
        .cte("per_loan")
    )
    outstanding = loans.c.amount - func.coalesce(per_loan.c.principal_paid, 0)
    active = outstanding > 0.005
    return (
        select(
            loans.c.credit_code,
            func.sum(case((active, 1), else_=0)).label("loans_active"),
            func.count().label("loans_ever"),
            func.min(loans.c.start_date).label("first_loan_date"),
            func.sum(case((active, loans.c.amount), else_=0)).label("credit_total"),
            func.sum(case((active, outstanding), else_=0)).label("outstanding_principal"),
            func.coalesce(func.sum(per_loan.c.arrears), 0).label("arrears_amount"),
            func.min(per_loan.c.unpaid_due).label("oldest_unpaid_due"),
            func.max(per_loan.c.days_late).label("max_days_late_12m"),
        )
        .select_from(loans)
        .outerjoin(per_loan, per_loan.c.contract_no == loans.c.contract_no)
        .where(loans.c.start_date <= d)
        .group_by(loans.c.credit_code)
        .cte("book")
    )


def _relations(d: Any) -> Any:
    """Per customer: group members, guarantees given and guarantors known on ``d``."""
    r = RelatedParty.__table__

    def count_of(relation: str) -> Any:
        return func.sum(case((r.c.relation == relation, 1), else_=0))

    return (
        select(
            r.c.credit_code,
            count_of("group_member").label("group_members"),
            count_of("guarantee_provided").label("guarantees_provided"),
            count_of("guarantor").label("guarantors"),
        )
        .where(r.c.known_from <= d)
        .group_by(r.c.credit_code)
        .cte("rel")
    )
