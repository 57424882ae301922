"""Enterprises, their dated attribute versions, related parties, statements and bureau reports.

Units: money columns marked 万元 are in units of 10,000 CNY, as the NBS size standard and
Chinese financial statements write them. Dates are calendar dates (no time zone).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from lendtag.store.models.base import Base, CreditCode, Timestamp, Wan

ENTERPRISE_ATTRIBUTES = (
    "name",
    "industry_code",
    "industry_section",
    "registered_capital",
    "established_on",
    "region_code",
    "ownership_type",
    "listed",
    "employees",
    "revenue",
    "total_assets",
    "size_class",
    "channel",
    "branch",
    "external_rating",
)
"""Attributes that are versioned: a change to any of them opens a new version."""


class _EnterpriseAttributes:
    name: Mapped[str] = mapped_column(String(200))
    industry_code: Mapped[str | None] = mapped_column(String(5))  # GB/T 4754-2017, "C3011"
    industry_section: Mapped[str | None] = mapped_column(String(1))  # section letter A-T
    registered_capital: Mapped[Wan | None]  # 万元
    established_on: Mapped[dt.date | None] = mapped_column(Date)
    region_code: Mapped[str | None] = mapped_column(String(6))  # GB/T 2260
    ownership_type: Mapped[str | None] = mapped_column(String(16))
    listed: Mapped[bool | None] = mapped_column(Boolean)
    employees: Mapped[int | None] = mapped_column(Integer)  # persons, period end
    revenue: Mapped[Wan | None]  # 万元, annual 营业收入
    total_assets: Mapped[Wan | None]  # 万元, 资产总计
    size_class: Mapped[str] = mapped_column(String(12))  # NBS 2017: large..micro|unclassified
    channel: Mapped[str | None] = mapped_column(String(8))
    branch: Mapped[str | None] = mapped_column(String(32))
    external_rating: Mapped[str | None] = mapped_column(String(4))


class Enterprise(_EnterpriseAttributes, Base):
    """The current state of one enterprise customer, keyed by its unified social credit code."""

    __tablename__ = "enterprises"

    credit_code: Mapped[CreditCode] = mapped_column(primary_key=True)
    effective_from: Mapped[dt.date] = mapped_column(Date)  # when the current values took effect
    batch_id: Mapped[int | None] = mapped_column(Integer)  # last import batch that changed it
    created_at: Mapped[Timestamp]
    updated_at: Mapped[Timestamp]

    __table_args__ = (Index("ix_enterprises_branch", "branch"),)


class EnterpriseVersion(_EnterpriseAttributes, Base):
    """A past version of an enterprise's attributes, valid on [valid_from, valid_to).

    The current version lives in ``enterprises`` (valid from ``effective_from``); the view
    ``enterprise_timeline`` unions both, with ``valid_to`` NULL for the current one.
    """

    __tablename__ = "enterprise_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    credit_code: Mapped[CreditCode] = mapped_column(ForeignKey("enterprises.credit_code"))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date] = mapped_column(Date)
    batch_id: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (UniqueConstraint("credit_code", "valid_from"),)


class RelatedParty(Base):
    """An edge of the relationship graph: a person or enterprise related to a customer."""

    __tablename__ = "related_parties"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    credit_code: Mapped[CreditCode] = mapped_column(ForeignKey("enterprises.credit_code"))
    relation: Mapped[str] = mapped_column(String(24))
    party_type: Mapped[str] = mapped_column(String(10))  # person | enterprise
    party_key: Mapped[str] = mapped_column(String(64))  # id number, credit code or name
    name: Mapped[str] = mapped_column(String(200))
    id_number: Mapped[str | None] = mapped_column(String(18))  # personal data, JR/T 0171 C2
    phone: Mapped[str | None] = mapped_column(String(11))  # personal data, JR/T 0171 C2
    share_pct: Mapped[float | None] = mapped_column(Numeric(7, 4, asdecimal=False))  # percent
    related_credit_code: Mapped[str | None] = mapped_column(String(18))
    # when the bank knew of the relation (point-in-time features count it from then);
    # the store fills in the day the row was written unless the import gives a date
    known_from: Mapped[dt.date] = mapped_column(Date, server_default=text("CURRENT_DATE"))
    batch_id: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[Timestamp]

    __table_args__ = (
        UniqueConstraint("credit_code", "relation", "party_key"),
        Index("ix_related_parties_related", "related_credit_code"),
    )


class FinancialStatement(Base):
    """Key lines of one balance sheet, income statement and cash-flow statement (万元)."""

    __tablename__ = "financial_statements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    credit_code: Mapped[CreditCode] = mapped_column(ForeignKey("enterprises.credit_code"))
    period_end: Mapped[dt.date] = mapped_column(Date)
    period_type: Mapped[str] = mapped_column(String(8))  # annual | interim
    reported_on: Mapped[dt.date] = mapped_column(Date)  # when the bank learned it
    total_assets: Mapped[Wan | None]
    total_liabilities: Mapped[Wan | None]
    current_assets: Mapped[Wan | None]
    current_liabilities: Mapped[Wan | None]
    inventory: Mapped[Wan | None]
    cash: Mapped[Wan | None]
    accounts_receivable: Mapped[Wan | None]
    equity: Mapped[Wan | None]
    revenue: Mapped[Wan | None]
    cost_of_sales: Mapped[Wan | None]
    operating_profit: Mapped[Wan | None]
    interest_expense: Mapped[Wan | None]
    net_profit: Mapped[Wan | None]
    operating_cash_flow: Mapped[Wan | None]  # 经营活动产生的现金流量净额, signed
    investing_cash_flow: Mapped[Wan | None]  # 投资活动产生的现金流量净额, signed
    financing_cash_flow: Mapped[Wan | None]  # 筹资活动产生的现金流量净额, signed
    # 购建固定资产、无形资产和其他长期资产支付的现金, not negative
    capital_expenditure: Mapped[Wan | None]
    batch_id: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (UniqueConstraint("credit_code", "period_end", "period_type"),)


class BureauReport(Base):
    """One credit-bureau report on an enterprise (amounts in 万元)."""

    __tablename__ = "bureau_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    credit_code: Mapped[CreditCode] = mapped_column(ForeignKey("enterprises.credit_code"))
    report_date: Mapped[dt.date] = mapped_column(Date)
    overdue_count: Mapped[int | None] = mapped_column(Integer)
    overdue_amount: Mapped[Wan | None]
    outstanding_debt: Mapped[Wan | None]
    lender_count: Mapped[int | None] = mapped_column(Integer)
    inquiries_6m: Mapped[int | None] = mapped_column(Integer)
    guarantees_given: Mapped[Wan | None]
    litigation_count: Mapped[int | None] = mapped_column(Integer)
    executed_person: Mapped[bool | None] = mapped_column(Boolean)
    tax_arrears: Mapped[bool | None] = mapped_column(Boolean)
    abnormal_operation: Mapped[bool | None] = mapped_column(Boolean)
    batch_id: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (UniqueConstraint("credit_code", "report_date"),)
