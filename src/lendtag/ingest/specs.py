"""What each kind of import file holds: its columns, their parsers, keys and cross-field checks.

The column lists here are the file formats documented in docs/import.md (a test keeps the two
in step). Money: 万元 for enterprise indicators, statements and bureau reports; 元 (yuan) for
loans, schedules and repayments.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lendtag.domain.identity import validate_mobile, validate_resident_id
from lendtag.domain.industry import parse_industry_code
from lendtag.domain.rating import parse_rating
from lendtag.domain.region import parse_region_code
from lendtag.domain.size import SizeClass, size_class_of, size_classifier
from lendtag.ingest import fields as f
from lendtag.ingest.credit_codes import CreditCode
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


@dataclass(frozen=True)
class Column:
    """One column of an import file."""

    name: str
    parser: f.Parser
    required: bool = False  # a value must be present in every row
    in_header: bool = True  # the header must name it (optional columns may be absent)
    doc: str = ""


Columns = dict[str, list[Any]]
"""The good rows of a chunk, column by column: name → one value per row."""
Found = list[tuple[int, RowProblem]]
"""Problems found in a chunk: (index of the row among the chunk's good rows, problem)."""


class Check:
    """A rule across the columns of a row that already parsed.

    :meth:`row` judges one row (a dict); :meth:`rows` judges the good rows of a chunk at
    once and must find exactly the problems :meth:`row` finds, row by row (a differential
    test holds the two equal). The default :meth:`rows` simply asks :meth:`row`.
    """

    def row(self, row: dict[str, Any], ctx: Context) -> list[RowProblem]:
        raise NotImplementedError  # pragma: no cover - every check overrides it

    def rows(self, columns: Columns, n: int, ctx: Context) -> Found:
        names = list(columns)
        found: Found = []
        for i, values in enumerate(zip(*(columns[c] for c in names), strict=True)):
            found.extend((i, p) for p in self.row(dict(zip(names, values, strict=True)), ctx))
        return found


class Derive:
    """Fills computed columns of rows that passed every check."""

    def row(self, row: dict[str, Any], ctx: Context) -> None:
        raise NotImplementedError  # pragma: no cover - every derivation overrides it

    def rows(self, columns: Columns, n: int, ctx: Context) -> None:
        raise NotImplementedError  # pragma: no cover - every derivation overrides it


@dataclass
class Context:
    """What row checks may consult: the import date and the keys already in the store.

    ``scope`` is the set of branches the person importing may write to (None: every
    branch). When it is set, ``customer_branch`` (credit code → branch of each customer)
    and ``contract_branch`` (contract number → branch of the loan's customer) are loaded
    for the kinds that refer to customers or loans.
    """

    today: dt.date
    default_channel: str | None = None
    known_customers: set[str] = field(default_factory=set)
    known_contracts: set[str] = field(default_factory=set)
    scope: frozenset[str] | None = None
    customer_branch: dict[str, str | None] = field(default_factory=dict)
    contract_branch: dict[str, str | None] = field(default_factory=dict)

    @property
    def yours(self) -> str:
        """The branches in scope, as a clerk reads them."""
        return ", ".join(sorted(self.scope or ())) or "none"


@dataclass(frozen=True)
class Kind:
    """A kind of import file and the table its rows land in."""

    name: str
    table: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    checks: tuple[Check, ...] = ()
    derive: Derive | None = None  # fills computed columns once the row is valid
    needs_customers: bool = False
    needs_contracts: bool = False
    scope_checks: tuple[Check, ...] = ()
    """Checks that apply only when the import is limited to some branches."""

    @property
    def header(self) -> list[str]:
        """The columns a file must name, in their documented order."""
        return [c.name for c in self.columns if c.in_header]

    @property
    def optional(self) -> list[str]:
        """Columns a file may add."""
        return [c.name for c in self.columns if not c.in_header]

    @property
    def refers_to_contracts(self) -> bool:
        """Rows name a loan by its contract number (loans, schedules, repayments)."""
        return any(c.name == "contract_no" for c in self.columns)


_credit_code = CreditCode()
_industry = f.domain_parser(parse_industry_code, lambda r: r.code)
_region = f.domain_parser(parse_region_code, lambda r: r.code)
_rating = f.domain_parser(parse_rating)
_resident_id = f.domain_parser(validate_resident_id, repeats=False)
_mobile = f.domain_parser(validate_mobile, repeats=False)
_contract_no = f.code_parser(
    r"[A-Za-z0-9][A-Za-z0-9_\-/.]{0,39}",
    "a contract number of letters, digits, - _ / . (at most 40 characters)",
    upper=False,
)
_branch = f.code_parser(
    r"[A-Za-z0-9_\-]{1,32}", "a branch code of letters, digits, - or _", upper=False
)
_currency = f.code_parser(r"[A-Z]{3}", "a three-letter ISO 4217 currency code such as CNY")


class NotFuture(Check):
    """A date column is not after the import date."""

    def __init__(self, column: str) -> None:
        self.column = column

    def _problem(self, value: dt.date, ctx: Context) -> RowProblem:
        return RowProblem(
            self.column,
            value.isoformat(),
            f"{self.column} {value.isoformat()} is after the import date {ctx.today.isoformat()}",
            "future_date",
        )

    def row(self, row: dict[str, Any], ctx: Context) -> list[RowProblem]:
        value = row.get(self.column)
        return [self._problem(value, ctx)] if value is not None and value > ctx.today else []

    def rows(self, columns: Columns, n: int, ctx: Context) -> Found:
        values = columns.get(self.column)
        if values is None or max(filter(None, values), default=ctx.today) <= ctx.today:
            return []
        return [
            (i, self._problem(v, ctx))
            for i, v in enumerate(values)
            if v is not None and v > ctx.today
        ]


class NotBefore(Check):
    """``column`` is on or after (``strictly``: after) ``other`` when both are given."""

    def __init__(self, column: str, other: str, *, strictly: bool = False) -> None:
        self.column, self.other, self.strictly = column, other, strictly

    def _bad(self, a: Any, b: Any) -> bool:
        return a is not None and b is not None and (a <= b if self.strictly else a < b)

    def _problem(self, a: dt.date, b: dt.date) -> RowProblem:
        word = "after" if self.strictly else "on or after"
        return RowProblem(
            self.column,
            a.isoformat(),
            f"{self.column} must be {word} {self.other} ({b.isoformat()})",
            "date_order",
        )

    def row(self, row: dict[str, Any], ctx: Context) -> list[RowProblem]:
        a: Any = row.get(self.column)
        b: Any = row.get(self.other)
        return [self._problem(a, b)] if self._bad(a, b) else []

    def rows(self, columns: Columns, n: int, ctx: Context) -> Found:
        bad = self._bad
        return [
            (i, self._problem(a, b))
            for i, (a, b) in enumerate(zip(columns[self.column], columns[self.other], strict=True))
            if bad(a, b)
        ]


class Exists(Check):
    """The row's customer (or loan) is already in the store."""

    def __init__(self, column: str, known: str, reason: str, code: str) -> None:
        self.column, self.known, self.reason, self.code = column, known, reason, code

    def row(self, row: dict[str, Any], ctx: Context) -> list[RowProblem]:
        value = row.get(self.column)
        known: set[str] = getattr(ctx, self.known)
        if value is not None and value not in known:
            return [RowProblem(self.column, value, self.reason, self.code)]
        return []

    def rows(self, columns: Columns, n: int, ctx: Context) -> Found:
        values = columns[self.column]
        known: set[str] = getattr(ctx, self.known)
        if known.issuperset(filter(None, values)):
            return []
        return [
            (i, RowProblem(self.column, v, self.reason, self.code))
            for i, v in enumerate(values)
            if v is not None and v not in known
        ]


_customer_exists = Exists(
    "credit_code",
    "known_customers",
    "no customer with this credit code; import it in a customers file first",
    "unknown_customer",
)
_contract_exists = Exists(
    "contract_no",
    "known_contracts",
    "no loan with this contract number; import it in a loans file first",
    "unknown_contract",
)


class RowCheck(Check):
    """A check written for one row; chunks are judged row by row."""

    def __init__(self, func: Callable[[dict[str, Any], Context], list[RowProblem]]) -> None:
        self.func = func

    def row(self, row: dict[str, Any], ctx: Context) -> list[RowProblem]:
        return self.func(row, ctx)


# -- scope: what a person limited to some branches may write ------------------------------


class BranchInScope(Check):
    """The ``branch`` a row sets is one of the importer's branches (``required``: it must
    be given at all — a customer without a branch would be outside every scope)."""

    def __init__(self, *, required: bool) -> None:
        self.required = required

    def _problem(self, branch: str | None, ctx: Context) -> RowProblem | None:
        assert ctx.scope is not None
        if branch is None:
            if not self.required:
                return None
            return RowProblem(
                "branch",
                None,
                "the branch is empty; a customer you import must belong to one of your "
                f"branches ({ctx.yours})",
                "out_of_scope",
            )
        if branch in ctx.scope:
            return None
        return RowProblem(
            "branch",
            branch,
            f"branch {branch} is not one of your branches ({ctx.yours})",
            "out_of_scope",
        )

    def row(self, row: dict[str, Any], ctx: Context) -> list[RowProblem]:
        problem = self._problem(row.get("branch"), ctx)
        return [problem] if problem is not None else []

    def rows(self, columns: Columns, n: int, ctx: Context) -> Found:
        assert ctx.scope is not None
        values = columns.get("branch") or [None] * n
        if ctx.scope.issuperset(values):
            return []
        found = ((i, self._problem(b, ctx)) for i, b in enumerate(values))
        return [(i, p) for i, p in found if p is not None]


class OwnerInScope(Check):
    """The customer a row is about (by credit code, or through its loan's contract number)
    belongs to one of the importer's branches. Unknown customers and loans are left to
    :class:`Exists`."""

    def __init__(self, column: str) -> None:
        self.column = column

    def _problem(self, value: str | None, ctx: Context) -> RowProblem | None:
        assert ctx.scope is not None
        if value is None:
            return None
        if self.column == "credit_code":
            owners = ctx.customer_branch
            reason = f"customer {value} is not a customer of your branches ({ctx.yours})"
        else:
            owners = ctx.contract_branch
            reason = f"loan {value} is for a customer outside your branches ({ctx.yours})"
        if value not in owners or owners[value] in ctx.scope:
            return None
        return RowProblem(self.column, value, reason, "out_of_scope")

    def row(self, row: dict[str, Any], ctx: Context) -> list[RowProblem]:
        problem = self._problem(row.get(self.column), ctx)
        return [problem] if problem is not None else []

    def rows(self, columns: Columns, n: int, ctx: Context) -> Found:
        found = ((i, self._problem(v, ctx)) for i, v in enumerate(columns[self.column]))
        return [(i, p) for i, p in found if p is not None]


# -- cross-field rules and derived columns --------------------------------------------------


def _wan(name: str, doc: str, *, signed: bool = False, in_header: bool = True) -> Column:
    parser = f.parse_wan if signed else f.parse_non_negative_wan
    return Column(name, parser, in_header=in_header, doc=f"{doc} (万元)")


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


_UNCLASSIFIED = SizeClass.UNCLASSIFIED.value


class DeriveCustomer(Derive):
    """Industry section, the default channel and the NBS 2017 size class."""

    def row(self, row: dict[str, Any], ctx: Context) -> None:
        code = row["industry_code"]
        row["industry_section"] = code[0] if code else None
        if row["channel"] is None:
            row["channel"] = ctx.default_channel
        if code is None:
            row["size_class"] = _UNCLASSIFIED
        else:
            row["size_class"] = size_class_of(
                code, row["employees"], row["revenue"], row["total_assets"]
            )

    def rows(self, columns: Columns, n: int, ctx: Context) -> None:
        codes = columns["industry_code"]
        sections = {c: c[0] for c in set(codes) if c}
        columns["industry_section"] = list(map(sections.get, codes))
        default = ctx.default_channel
        if default is not None:
            columns["channel"] = [c if c is not None else default for c in columns["channel"]]
        indicators = (columns["employees"], columns["revenue"], columns["total_assets"])
        # one classifier per distinct industry code, specialised to its bounds (the same
        # results as size_class_of, a test holds them equal), called row by row from C
        classifiers = map(size_classifier, codes)
        columns["size_class"] = list(map(operator.call, classifiers, *indicators))


class DeriveParty(Derive):
    """The key of a related party: its identity number, else its credit code, else its name."""

    def row(self, row: dict[str, Any], ctx: Context) -> None:
        row["party_key"] = row["id_number"] or row["related_credit_code"] or row["name"]

    def rows(self, columns: Columns, n: int, ctx: Context) -> None:
        columns["party_key"] = [
            a or b or c
            for a, b, c in zip(
                columns["id_number"], columns["related_credit_code"], columns["name"], strict=True
            )
        ]


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
    checks=(NotFuture("established_on"), NotFuture("effective_date")),
    derive=DeriveCustomer(),
    scope_checks=(BranchInScope(required=True),),
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
        Column(
            "known_from",
            f.parse_date,
            in_header=False,
            doc="day the bank learned of the relation (default: --effective-date, else the "
            "import date); kept from the first import of the relation",
        ),
    ),
    checks=(_customer_exists, RowCheck(_party_check), NotFuture("known_from")),
    derive=DeriveParty(),
    scope_checks=(OwnerInScope("credit_code"),),
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
        # the rest of the cash-flow statement: optional, so files in the older format (up to
        # operating_cash_flow) still import
        _wan(
            "investing_cash_flow",
            "投资活动产生的现金流量净额, may be negative",
            signed=True,
            in_header=False,
        ),
        _wan(
            "financing_cash_flow",
            "筹资活动产生的现金流量净额, may be negative",
            signed=True,
            in_header=False,
        ),
        _wan(
            "capital_expenditure",
            "购建固定资产、无形资产和其他长期资产支付的现金 (capital expenditure), not negative",
            in_header=False,
        ),
    ),
    checks=(_customer_exists, NotBefore("reported_on", "period_end"), NotFuture("reported_on")),
    scope_checks=(OwnerInScope("credit_code"),),
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
    checks=(_customer_exists, NotFuture("report_date")),
    scope_checks=(OwnerInScope("credit_code"),),
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
    checks=(_customer_exists, NotBefore("maturity_date", "start_date", strictly=True)),
    scope_checks=(
        OwnerInScope("credit_code"),
        OwnerInScope("contract_no"),
        BranchInScope(required=False),
    ),
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
    scope_checks=(OwnerInScope("contract_no"),),
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
    checks=(_contract_exists, NotFuture("paid_on")),
    scope_checks=(OwnerInScope("contract_no"),),
)

KINDS: dict[str, Kind] = {
    k.name: k for k in (CUSTOMERS, PERSONS, STATEMENTS, BUREAU, LOANS, SCHEDULES, REPAYMENTS)
}
