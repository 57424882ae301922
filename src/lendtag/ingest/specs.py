"""What each kind of import file holds: its columns, their parsers, keys and cross-field checks.

The column lists here are the file formats documented in docs/import.md (a test keeps the two
in step). Money: 万元 for enterprise indicators, statements and bureau reports; 元 (yuan) for
loans, schedules and repayments.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lendtag.domain.credit_code import validate_credit_code
from lendtag.domain.identity import validate_mobile, validate_resident_id
from lendtag.domain.industry import parse_industry_code
from lendtag.domain.rating import parse_rating
from lendtag.domain.region import parse_region_code
from lendtag.domain.size import SizeClass, classify_size
from lendtag.ingest import fields as f
from lendtag.ingest.errors import RowProblem

CHANNELS = ("web", "app", "branch", "core", "bureau", "api")
OWNERSHIP_TYPES = ("state", "collective", "private", "foreign", "hmt", "mixed")
RELATIONS = (
    "legal_representative",
    "actual_controller",
    "shareholder",
    "guarantor",
    "group_member",
    "guarantee_provided",
)
PRODUCTS = (
    "working_capital",
    "fixed_asset",
    "project_finance",
    "trade_finance",
    "bill_discount",
    "leasing",
)
REPAYMENT_METHODS = ("equal_installment", "equal_principal", "interest_only_bullet")
COLLATERAL_TYPES = ("mortgage", "pledge", "guarantee", "unsecured")
GUARANTEE_TYPES = ("none", "natural_person", "enterprise", "guarantee_company")

Check = Callable[[dict[str, Any], "Context"], list[RowProblem]]


@dataclass(frozen=True)
class Column:
    """One column of an import file."""

    name: str
    parser: f.Parser
    required: bool = False  # a value must be present in every row
    in_header: bool = True  # the header must name it (optional columns may be absent)
    doc: str = ""


@dataclass
class Context:
    """What row checks may consult: the import date and the keys already in the store."""

    today: dt.date
    default_channel: str | None = None
    known_customers: set[str] = field(default_factory=set)
    known_contracts: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Kind:
    """A kind of import file and the table its rows land in."""

    name: str
    table: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    checks: tuple[Check, ...] = ()
    derive: Check | None = None  # fills computed columns once the row is valid
    needs_customers: bool = False
    needs_contracts: bool = False

    @property
    def header(self) -> list[str]:
        """The columns a file must name, in their documented order."""
        return [c.name for c in self.columns if c.in_header]

    @property
    def optional(self) -> list[str]:
        """Columns a file may add."""
        return [c.name for c in self.columns if not c.in_header]


_credit_code = f.domain_parser(validate_credit_code)
_industry = f.domain_parser(parse_industry_code, lambda r: r.code)
_region = f.domain_parser(parse_region_code, lambda r: r.code)
_rating = f.domain_parser(parse_rating)
_resident_id = f.domain_parser(validate_resident_id)
_mobile = f.domain_parser(validate_mobile)
_contract_no = f.code_parser(
    r"[A-Za-z0-9][A-Za-z0-9_\-/.]{0,39}",
    "a contract number of letters, digits, - _ / . (at most 40 characters)",
    upper=False,
)
_branch = f.code_parser(
    r"[A-Za-z0-9_\-]{1,32}", "a branch code of letters, digits, - or _", upper=False
)
_currency = f.code_parser(r"[A-Z]{3}", "a three-letter ISO 4217 currency code such as CNY")


def _not_future(column: str) -> Check:
    def check(row: dict[str, Any], ctx: Context) -> list[RowProblem]:
        value = row.get(column)
        if value is not None and value > ctx.today:
            return [
                RowProblem(
                    column,
                    value.isoformat(),
                    f"{column} is after the import date {ctx.today.isoformat()}",
                    "future_date",
                )
            ]
        return []

    return check


def _not_before(column: str, other: str, *, strictly: bool = False) -> Check:
    def check(row: dict[str, Any], _ctx: Context) -> list[RowProblem]:
        a, b = row.get(column), row.get(other)
        if a is not None and b is not None and (a <= b if strictly else a < b):
            word = "after" if strictly else "on or after"
            return [
                RowProblem(
                    column,
                    a.isoformat(),
                    f"{column} must be {word} {other} ({b.isoformat()})",
                    "date_order",
                )
            ]
        return []

    return check


def _customer_exists(row: dict[str, Any], ctx: Context) -> list[RowProblem]:
    code = row.get("credit_code")
    if code is not None and code not in ctx.known_customers:
        return [
            RowProblem(
                "credit_code",
                code,
                "no customer with this credit code; import it in a customers file first",
                "unknown_customer",
            )
        ]
    return []


def _contract_exists(row: dict[str, Any], ctx: Context) -> list[RowProblem]:
    no = row.get("contract_no")
    if no is not None and no not in ctx.known_contracts:
        return [
            RowProblem(
                "contract_no",
                no,
                "no loan with this contract number; import it in a loans file first",
                "unknown_contract",
            )
        ]
    return []


def _wan(name: str, doc: str, *, signed: bool = False) -> Column:
    parser = f.parse_wan if signed else f.parse_non_negative_wan
    return Column(name, parser, doc=f"{doc} (万元)")


def _yuan(name: str, doc: str, *, required: bool = True) -> Column:
    return Column(name, f.parse_non_negative_yuan, required=required, doc=f"{doc} (元)")


def _party_check(row: dict[str, Any], _ctx: Context) -> list[RowProblem]:
    problems = []
    if row.get("party_type") == "enterprise" and row.get("related_credit_code") is None:
        problems.append(
            RowProblem(
                "related_credit_code", None, "an enterprise party needs its credit code", "required"
            )
        )
    if row.get("party_type") == "person" and row.get("related_credit_code") is not None:
        problems.append(
            RowProblem(
                "related_credit_code",
                row["related_credit_code"],
                "a person party has no credit code; use id_number",
                "invalid",
            )
        )
    if row.get("share_pct") is not None and row.get("relation") != "shareholder":
        problems.append(
            RowProblem(
                "share_pct",
                str(row["share_pct"]),
                "share_pct applies to shareholders only",
                "invalid",
            )
        )
    return problems


def _derive_customer(row: dict[str, Any], ctx: Context) -> list[RowProblem]:
    code = row["industry_code"]
    row["industry_section"] = code[0] if code else None
    if row["channel"] is None:
        row["channel"] = ctx.default_channel
    if code is None:
        row["size_class"] = SizeClass.UNCLASSIFIED.value
    else:
        size = classify_size(code, row["employees"], row["revenue"], row["total_assets"])
        row["size_class"] = size.size_class.value
    return []


def _derive_party(row: dict[str, Any], _ctx: Context) -> list[RowProblem]:
    row["party_key"] = row["id_number"] or row["related_credit_code"] or row["name"]
    return []


CUSTOMERS = Kind(
    name="customers",
    table="enterprises",
    key=("credit_code",),
    columns=(
        Column(
            "credit_code",
            _credit_code,
            required=True,
            doc="unified social credit code, 18 characters (GB 32100-2015)",
        ),
        Column("name", f.text_parser(200), required=True, doc="registered name"),
        Column("industry_code", _industry, doc="GB/T 4754-2017 code, section letter + 2-4 digits"),
        _wan("registered_capital", "registered capital"),
        Column("established_on", f.parse_date, doc="date of establishment"),
        Column("region_code", _region, doc="GB/T 2260 six-digit administrative division code"),
        Column("employees", f.parse_count, doc="persons employed at period end"),
        _wan("revenue", "annual operating revenue 营业收入"),
        _wan("total_assets", "total assets 资产总计"),
        Column("channel", f.choice_parser(CHANNELS), doc="where the record came from"),
        Column(
            "ownership_type",
            f.choice_parser(OWNERSHIP_TYPES),
            in_header=False,
            doc="state, collective, private, foreign, hmt (HK/Macau/Taiwan) or mixed",
        ),
        Column("listed", f.parse_bool, in_header=False, doc="listed on a stock exchange"),
        Column("branch", _branch, in_header=False, doc="code of the branch that owns the customer"),
        Column(
            "external_rating",
            _rating,
            in_header=False,
            doc="domestic agency rating, AAA to C (三等九级)",
        ),
        Column(
            "effective_date",
            f.parse_date,
            in_header=False,
            doc="date the values took effect (default: --effective-date or the import date)",
        ),
    ),
    checks=(_not_future("established_on"), _not_future("effective_date")),
    derive=_derive_customer,
)

PERSONS = Kind(
    name="persons",
    table="related_parties",
    key=("credit_code", "relation", "party_key"),
    needs_customers=True,
    columns=(
        Column("credit_code", _credit_code, required=True, doc="the customer"),
        Column(
            "relation",
            f.choice_parser(RELATIONS),
            required=True,
            doc="how the party relates to the customer",
        ),
        Column(
            "party_type",
            f.choice_parser(("person", "enterprise")),
            required=True,
            doc="person or enterprise",
        ),
        Column("name", f.text_parser(200), required=True, doc="the party's name"),
        Column("id_number", _resident_id, doc="18-digit resident identity number (personal data)"),
        Column("phone", _mobile, doc="mainland mobile number (personal data)"),
        Column("share_pct", f.parse_percent, doc="shareholding in percent, shareholders only"),
        Column("related_credit_code", _credit_code, doc="credit code of an enterprise party"),
    ),
    checks=(_customer_exists, _party_check),
    derive=_derive_party,
)

STATEMENTS = Kind(
    name="statements",
    table="financial_statements",
    key=("credit_code", "period_end", "period_type"),
    needs_customers=True,
    columns=(
        Column("credit_code", _credit_code, required=True, doc="the customer"),
        Column("period_end", f.parse_date, required=True, doc="last day of the period"),
        Column(
            "period_type",
            f.choice_parser(("annual", "interim")),
            required=True,
            doc="annual or interim",
        ),
        Column(
            "reported_on",
            f.parse_date,
            required=True,
            doc="date the statement reached the bank (point-in-time features use it)",
        ),
        _wan("total_assets", "资产总计"),
        _wan("total_liabilities", "负债合计"),
        _wan("current_assets", "流动资产合计"),
        _wan("current_liabilities", "流动负债合计"),
        _wan("inventory", "存货"),
        _wan("cash", "货币资金"),
        _wan("accounts_receivable", "应收账款"),
        _wan("equity", "所有者权益合计, may be negative", signed=True),
        _wan("revenue", "营业收入"),
        _wan("cost_of_sales", "营业成本"),
        _wan("operating_profit", "营业利润, may be negative", signed=True),
        _wan("interest_expense", "利息费用"),
        _wan("net_profit", "净利润, may be negative", signed=True),
        _wan("operating_cash_flow", "经营活动现金流量净额, may be negative", signed=True),
    ),
    checks=(_customer_exists, _not_before("reported_on", "period_end"), _not_future("reported_on")),
)

BUREAU = Kind(
    name="bureau",
    table="bureau_reports",
    key=("credit_code", "report_date"),
    needs_customers=True,
    columns=(
        Column("credit_code", _credit_code, required=True, doc="the customer"),
        Column("report_date", f.parse_date, required=True, doc="date of the bureau report"),
        Column("overdue_count", f.parse_count, doc="overdue accounts"),
        _wan("overdue_amount", "overdue amount"),
        _wan("outstanding_debt", "outstanding debt at all lenders"),
        Column("lender_count", f.parse_count, doc="number of lending institutions"),
        Column("inquiries_6m", f.parse_count, doc="credit inquiries in the last 6 months"),
        _wan("guarantees_given", "guarantees given to others"),
        Column("litigation_count", f.parse_count, doc="pending lawsuits as defendant"),
        Column("executed_person", f.parse_bool, doc="listed as 被执行人"),
        Column("tax_arrears", f.parse_bool, doc="tax arrears announced 欠税公告"),
        Column("abnormal_operation", f.parse_bool, doc="on the 经营异常名录"),
    ),
    checks=(_customer_exists, _not_future("report_date")),
)

LOANS = Kind(
    name="loans",
    table="loans",
    key=("contract_no",),
    needs_customers=True,
    columns=(
        Column("contract_no", _contract_no, required=True, doc="loan contract number"),
        Column("credit_code", _credit_code, required=True, doc="the borrower"),
        Column("product", f.choice_parser(PRODUCTS), required=True, doc="loan product"),
        Column("amount", f.parse_non_negative_yuan, required=True, doc="contract amount (元)"),
        Column("currency", _currency, required=True, doc="ISO 4217 code, e.g. CNY"),
        Column("start_date", f.parse_date, required=True, doc="drawdown date"),
        Column("maturity_date", f.parse_date, required=True, doc="final maturity"),
        Column("annual_rate", f.parse_percent, doc="annual interest rate in percent, e.g. 4.35"),
        Column("repayment_method", f.choice_parser(REPAYMENT_METHODS), doc="how it amortises"),
        Column("collateral_type", f.choice_parser(COLLATERAL_TYPES), doc="main security"),
        Column("guarantee_type", f.choice_parser(GUARANTEE_TYPES), doc="guarantee"),
        Column("branch", _branch, doc="booking branch code"),
    ),
    checks=(_customer_exists, _not_before("maturity_date", "start_date", strictly=True)),
)

SCHEDULES = Kind(
    name="schedules",
    table="repayment_schedules",
    key=("contract_no", "installment_no"),
    needs_contracts=True,
    columns=(
        Column("contract_no", _contract_no, required=True, doc="loan contract number"),
        Column("installment_no", f.parse_positive_int, required=True, doc="1, 2, 3, …"),
        Column("due_date", f.parse_date, required=True, doc="due date"),
        _yuan("principal_due", "principal due"),
        _yuan("interest_due", "interest due"),
    ),
    checks=(_contract_exists,),
)

REPAYMENTS = Kind(
    name="repayments",
    table="repayments",
    key=("contract_no", "installment_no", "paid_on"),
    needs_contracts=True,
    columns=(
        Column("contract_no", _contract_no, required=True, doc="loan contract number"),
        Column(
            "installment_no",
            f.parse_positive_int,
            required=True,
            doc="the instalment the payment settles",
        ),
        Column("paid_on", f.parse_date, required=True, doc="date the money was received"),
        _yuan("principal_paid", "principal received"),
        _yuan("interest_paid", "interest received"),
    ),
    checks=(_contract_exists, _not_future("paid_on")),
)

KINDS: dict[str, Kind] = {
    k.name: k for k in (CUSTOMERS, PERSONS, STATEMENTS, BUREAU, LOANS, SCHEDULES, REPAYMENTS)
}
