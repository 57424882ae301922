"""Reading customers: lists with filters, one customer in full, a customer as of a past date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Date, bindparam, exists, func, or_, select

from lendtag.access import privacy
from lendtag.access.privacy import MASKED, Disclosure
from lendtag.domain.industry import SECTIONS
from lendtag.domain.region import PROVINCES
from lendtag.domain.size import classify_size
from lendtag.errors import NotFoundError
from lendtag.store.models import (
    ENTERPRISE_ATTRIBUTES,
    BureauReport,
    Enterprise,
    EnterpriseVersion,
    FinancialStatement,
    Loan,
    RelatedParty,
    TagValue,
)


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date | dt.datetime) else value


def customer_summary(row: Any) -> dict[str, Any]:
    """The fields every customer listing shows, with the size class explained."""
    section = SECTIONS.get(row.industry_section) if row.industry_section else None
    province = PROVINCES.get(row.region_code[:2]) if row.region_code else None
    out: dict[str, Any] = {a: _iso(getattr(row, a)) for a in ENTERPRISE_ATTRIBUTES}
    out = {"credit_code": row.credit_code, **out}
    out["industry_section_name"] = (
        {"zh": section.name_zh, "en": section.name_en} if section else None
    )
    out["province"] = (
        {"code": row.region_code[:2], "zh": province.name_zh, "en": province.name_en}
        if province
        else None
    )
    if row.industry_code:
        size = classify_size(row.industry_code, row.employees, row.revenue, row.total_assets)
        out["size_industry"] = size.size_industry
        out["size_indicators"] = size.indicators
        out["size_reason"] = size.reason
    else:
        out["size_industry"] = None
        out["size_indicators"] = {}
        out["size_reason"] = "no industry code"
    return out


def _filtered(
    stmt: Any,
    *,
    size_class: str | None = None,
    section: str | None = None,
    branch: str | None = None,
    search: str | None = None,
    tags: dict[str, str] | None = None,
    branches: Sequence[str] | None = None,
) -> Any:
    t = Enterprise.__table__
    if size_class:
        stmt = stmt.where(t.c.size_class == size_class)
    if section:
        stmt = stmt.where(t.c.industry_section == section.upper())
    if branch:
        stmt = stmt.where(t.c.branch == branch)
    if branches is not None:
        stmt = stmt.where(t.c.branch.in_(list(branches)))
    if search:
        like = f"%{search}%"
        stmt = stmt.where(or_(t.c.name.like(like), t.c.credit_code.like(like)))
    v = TagValue.__table__
    for code, value in (tags or {}).items():
        stmt = stmt.where(
            exists().where(
                v.c.credit_code == t.c.credit_code, v.c.tag_code == code, v.c.value == value
            )
        )
    return stmt


def list_customers(
    conn: Connection,
    *,
    limit: int = 100,
    offset: int = 0,
    **filters: Any,
) -> list[dict[str, Any]]:
    """Customers ordered by credit code, filtered on attributes and current tag values.

    ``branches`` limits the list to those branches (a scoped user); ``tags`` maps tag codes
    to the value a customer must carry now.
    """
    t = Enterprise.__table__
    stmt = _filtered(select(t), **filters).order_by(t.c.credit_code).limit(limit).offset(offset)
    return [customer_summary(r) for r in conn.execute(stmt)]


def count_customers(conn: Connection, **filters: Any) -> int:
    t = Enterprise.__table__
    return int(conn.scalar(_filtered(select(func.count()).select_from(t), **filters)) or 0)


def branch_of(conn: Connection, code: str) -> tuple[bool, str | None]:
    """Whether the customer exists, and its branch."""
    row = conn.execute(_BRANCH, {"code": code.strip().upper()}).first()
    return (row is not None, row.branch if row is not None else None)


def _version_as_of(conn: Connection, current: Any, as_of: dt.date) -> Any:
    """The attributes valid on ``as_of``: the current row, or the past version covering it."""
    if as_of >= current.effective_from:
        return current
    v = EnterpriseVersion.__table__
    stmt = select(v).where(
        v.c.credit_code == current.credit_code, v.c.valid_from <= as_of, v.c.valid_to > as_of
    )
    return conn.execute(stmt).first()


def _party(p: Any) -> dict[str, Any]:
    return {
        "relation": p.relation,
        "party_type": p.party_type,
        "name": p.name,
        "id_number": p.id_number,
        "phone": p.phone,
        "share_pct": p.share_pct,
        "related_credit_code": p.related_credit_code,
    }


def show_customer(
    conn: Connection,
    code: str,
    as_of: dt.date | None = None,
    disclosure: Disclosure = MASKED,
) -> dict[str, Any]:
    """One customer with its versions, parties, latest statement and bureau report, loans.

    With ``as_of``, attributes are those valid on that date and only facts known by then
    (statements reported, bureau reports dated, loans started on or before it) are shown.
    Personal fields of related persons are masked unless ``disclosure`` says otherwise.
    """
    code = code.strip().upper()
    current = conn.execute(_ENTERPRISE, {"code": code}).first()
    if current is None:
        raise NotFoundError(f"no customer with credit code {code}", details={"credit_code": code})
    row = current
    if as_of is not None:
        row = _version_as_of(conn, current, as_of)
        if row is None:
            raise NotFoundError(
                f"customer {code} has no recorded attributes on {as_of}",
                details={"credit_code": code, "as_of": as_of.isoformat()},
            )
    out = customer_summary(row)
    out["credit_code"] = code
    out["as_of"] = as_of.isoformat() if as_of else None
    out["effective_from"] = _iso(current.effective_from if row is current else row.valid_from)
    past = conn.execute(_VERSIONS, {"code": code})
    out["versions"] = [
        {"valid_from": _iso(r.valid_from), "valid_to": _iso(r.valid_to), "batch_id": r.batch_id}
        for r in past
    ] + [
        {"valid_from": _iso(current.effective_from), "valid_to": None, "batch_id": current.batch_id}
    ]
    out["related_parties"] = [
        privacy.apply(_party(p), disclosure) for p in conn.execute(_PARTIES, {"code": code})
    ]
    out["latest_statement"] = _latest_statement(conn, code, as_of)
    out["latest_bureau_report"] = _latest_bureau(conn, code, as_of)
    out["loans"] = _loans(conn, code, as_of)
    return out


# the statements of one customer's page and of the branch check, built once with parameters
# (a statement object keeps its cache key, so the engine finds its compiled SQL without
# rebuilding the key)
_E = Enterprise.__table__
_ENTERPRISE = select(_E).where(_E.c.credit_code == bindparam("code"))
_BRANCH = select(_E.c.branch).where(_E.c.credit_code == bindparam("code"))
_V = EnterpriseVersion.__table__
_VERSIONS = (
    select(_V.c.valid_from, _V.c.valid_to, _V.c.batch_id)
    .where(_V.c.credit_code == bindparam("code"))
    .order_by(_V.c.valid_from)
)
_P = RelatedParty.__table__
_PARTIES = (
    select(_P).where(_P.c.credit_code == bindparam("code")).order_by(_P.c.relation, _P.c.name)
)
_S = FinancialStatement.__table__
_B = BureauReport.__table__
_L = Loan.__table__
_AS_OF = bindparam("as_of", type_=Date)


def _by_date(stmt: Any, column: Any, order: Any, limit: int | None = None) -> dict[bool, Any]:
    """The statement without and with ``column <= :as_of``, ordered (and limited)."""
    variants = {False: stmt, True: stmt.where(column <= _AS_OF)}
    return {k: v.order_by(order).limit(limit) for k, v in variants.items()}


_STATEMENT = _by_date(
    select(_S).where(_S.c.credit_code == bindparam("code"), _S.c.period_type == "annual"),
    _S.c.reported_on,
    _S.c.period_end.desc(),
    1,
)
_BUREAU = _by_date(
    select(_B).where(_B.c.credit_code == bindparam("code")),
    _B.c.report_date,
    _B.c.report_date.desc(),
    1,
)
_LOANS = _by_date(
    select(_L).where(_L.c.credit_code == bindparam("code")), _L.c.start_date, _L.c.start_date
)


def _params(code: str, as_of: dt.date | None) -> dict[str, Any]:
    return {"code": code} if as_of is None else {"code": code, "as_of": as_of}


def _latest_statement(conn: Connection, code: str, as_of: dt.date | None) -> dict[str, Any] | None:
    rec = conn.execute(_STATEMENT[as_of is not None], _params(code, as_of)).first()
    if rec is None:
        return None
    return {
        k: _iso(v) for k, v in rec._mapping.items() if k not in ("id", "batch_id", "credit_code")
    }


def _latest_bureau(conn: Connection, code: str, as_of: dt.date | None) -> dict[str, Any] | None:
    rec = conn.execute(_BUREAU[as_of is not None], _params(code, as_of)).first()
    if rec is None:
        return None
    return {
        k: _iso(v) for k, v in rec._mapping.items() if k not in ("id", "batch_id", "credit_code")
    }


def _loans(conn: Connection, code: str, as_of: dt.date | None) -> list[dict[str, Any]]:
    return [
        {k: _iso(v) for k, v in r._mapping.items() if k not in ("batch_id", "credit_code")}
        for r in conn.execute(_LOANS[as_of is not None], _params(code, as_of))
    ]


def portfolio_summary(conn: Connection) -> dict[str, Any]:
    """Counts by size class and industry section, loan totals."""
    e = Enterprise.__table__
    by_size: dict[str, int] = dict(
        conn.execute(
            select(e.c.size_class, func.count()).group_by(e.c.size_class).order_by(e.c.size_class)
        ).all()
    )
    by_section: dict[str, int] = dict(
        conn.execute(
            select(e.c.industry_section, func.count())
            .where(e.c.industry_section.is_not(None))
            .group_by(e.c.industry_section)
            .order_by(e.c.industry_section)
        ).all()
    )
    loans = Loan.__table__
    n_loans, amount = conn.execute(
        select(func.count(), func.coalesce(func.sum(loans.c.amount), 0))
    ).one()
    return {
        "customers": sum(by_size.values()),
        "by_size_class": by_size,
        "by_industry_section": by_section,
        "loans": n_loans,
        "loan_amount_yuan": float(amount),
    }
