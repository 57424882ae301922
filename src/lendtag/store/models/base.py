"""Declarative base, naming convention and column helpers shared by every table."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from sqlalchemy import DateTime, MetaData, Numeric, String
from sqlalchemy.orm import DeclarativeBase, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every lendtag table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> dt.datetime:
    """The current time in UTC (timezone-aware)."""
    return dt.datetime.now(dt.UTC)


# 万元 amounts (enterprise indicators, statements, bureau): 4 decimals are enough for 1 yuan.
Wan = Annotated[float, mapped_column(Numeric(20, 4, asdecimal=False))]
# Yuan amounts (loans, schedules, repayments): fen precision.
Yuan = Annotated[float, mapped_column(Numeric(20, 2, asdecimal=False))]
CreditCode = Annotated[str, mapped_column(String(18))]
Timestamp = Annotated[dt.datetime, mapped_column(DateTime(timezone=True), default=utcnow)]
