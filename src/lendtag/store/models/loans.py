"""Loans, repayment schedules and actual repayments. Money in yuan (元), 2 decimals."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lendtag.store.models.base import Base, CreditCode, Yuan


class Loan(Base):
    """One loan contract."""

    __tablename__ = "loans"

    contract_no: Mapped[str] = mapped_column(String(40), primary_key=True)
    credit_code: Mapped[CreditCode] = mapped_column(ForeignKey("enterprises.credit_code"))
    product: Mapped[str] = mapped_column(String(24))
    amount: Mapped[Yuan]  # 元, contract amount
    currency: Mapped[str] = mapped_column(String(3))  # ISO 4217
    start_date: Mapped[dt.date] = mapped_column(Date)
    maturity_date: Mapped[dt.date] = mapped_column(Date)
    annual_rate: Mapped[float | None] = mapped_column(Numeric(8, 4, asdecimal=False))  # percent
    repayment_method: Mapped[str | None] = mapped_column(String(24))
    collateral_type: Mapped[str | None] = mapped_column(String(16))
    guarantee_type: Mapped[str | None] = mapped_column(String(24))
    branch: Mapped[str | None] = mapped_column(String(32))
    batch_id: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (Index("ix_loans_credit_code", "credit_code"),)


class RepaymentSchedule(Base):
    """One instalment due under a loan contract."""

    __tablename__ = "repayment_schedules"

    contract_no: Mapped[str] = mapped_column(ForeignKey("loans.contract_no"), primary_key=True)
    installment_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    due_date: Mapped[dt.date] = mapped_column(Date)
    principal_due: Mapped[Yuan]
    interest_due: Mapped[Yuan]
    batch_id: Mapped[int | None] = mapped_column(Integer)


class Repayment(Base):
    """One payment actually received against an instalment."""

    __tablename__ = "repayments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    contract_no: Mapped[str] = mapped_column(ForeignKey("loans.contract_no"))
    installment_no: Mapped[int] = mapped_column(Integer)
    paid_on: Mapped[dt.date] = mapped_column(Date)
    principal_paid: Mapped[Yuan]
    interest_paid: Mapped[Yuan]
    batch_id: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (UniqueConstraint("contract_no", "installment_no", "paid_on"),)
