"""Customers: list with filters and paging, the 360 view with tags, manual tags.

Object-level access: a user with assigned branches sees only those branches' customers;
any other customer is answered 404 (and the attempt audited), in lists too.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Path, Query
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from lendtag.access.privacy import Disclosure
from lendtag.api.deps import Ctx, authorized, read
from lendtag.api.documents import JSONDocument
from lendtag.api.errors import ApiError

router = APIRouter(prefix="/customers", tags=["customers"])

CreditCodePath = Annotated[
    str, Path(min_length=18, max_length=18, description="Unified social credit code")
]
TagPath = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]{1,62}$", description="Tag code")]
AsOf = Annotated[dt.date | None, Query(description="A past date (YYYY-MM-DD)")]
SizeClass = Literal["large", "medium", "small", "micro", "unclassified"]


async def scoped(credit_code: CreditCodePath, ctx: Ctx = Depends(authorized)) -> Ctx:
    """The caller, once the customer is known to be within their branches.

    The check is one indexed read (see :func:`lendtag.api.deps.read`); a refusal, which
    writes its audit entry, is made in the thread pool.
    """
    if not await read(ctx.core, lambda: ctx.core.in_scope(credit_code, ctx.branches)):

        def refuse() -> None:
            with ctx.acting():
                ctx.core.require_in_scope(credit_code, ctx.branches)

        await run_in_threadpool(refuse)
    return ctx


def _tag_filters(tag: list[str]) -> dict[str, str]:
    filters = {}
    for item in tag:
        code, sep, value = item.partition(":")
        if not sep or not code or not value:
            raise ApiError(
                422,
                "invalid_input",
                f"tag filter {item!r} is not CODE:VALUE (e.g. leverage_band:high)",
                {"tag": item},
            )
        filters[code] = value
    return filters


@router.get("", name="customers.list", summary="Customers, filtered and paged")
def list_customers(
    ctx: Ctx = Depends(authorized),
    size_class: SizeClass | None = None,
    section: Annotated[str | None, Query(pattern=r"^[A-Ta-t]$")] = None,
    branch: Annotated[str | None, Query(max_length=32)] = None,
    search: Annotated[str | None, Query(max_length=100, description="In name or code")] = None,
    tag: Annotated[
        list[str], Query(description="CODE:VALUE of a current tag value; repeat to combine")
    ] = [],  # noqa: B006 - FastAPI copies query defaults
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Any:
    return ctx.core.customers_page(
        limit=limit,
        offset=offset,
        size_class=size_class,
        section=section,
        branch=branch,
        search=search,
        tags=_tag_filters(tag),
        branches=ctx.branches,
    )


@router.get("/{credit_code}", name="customers.get", summary="One customer with its tags")
async def get_customer(
    credit_code: CreditCodePath,
    ctx: Ctx = Depends(scoped),
    as_of: AsOf = None,
    unmask: Annotated[
        bool, Query(description="Show personal identifiers (needs clearance and X-Purpose)")
    ] = False,
    x_purpose: Annotated[
        str | None, Header(max_length=64, description="Declared purpose of an unmasked read")
    ] = None,
) -> Any:
    disclosure = Disclosure.decide(ctx.principal.role, x_purpose, unmask)

    def work() -> dict[str, Any]:
        with ctx.acting():
            return ctx.core.customer_show(credit_code, as_of, disclosure, with_tags=True)

    # an unmasked read writes its audit entry: the thread pool, like every write
    doc = await (run_in_threadpool(work) if disclosure.unmasked else read(ctx.core, work))
    return JSONDocument(doc)


class CustomerUpdate(BaseModel):
    """Attributes to change; only the fields sent change (null clears a value)."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, min_length=1, max_length=200)
    industry_code: str | None = Field(default=None, max_length=8, examples=["C3411"])
    registered_capital: float | None = Field(default=None, ge=0, lt=1e16, description="万元")
    established_on: dt.date | None = None
    region_code: str | None = Field(default=None, max_length=6, examples=["330100"])
    employees: int | None = Field(default=None, ge=0, le=10_000_000)
    revenue: float | None = Field(default=None, ge=0, lt=1e16, description="万元")
    total_assets: float | None = Field(default=None, ge=0, lt=1e16, description="万元")
    ownership_type: Literal["state", "collective", "private", "foreign", "hmt", "mixed"] | None = (
        None
    )
    listed: bool | None = None
    branch: str | None = Field(default=None, max_length=32)
    external_rating: str | None = Field(default=None, max_length=4, examples=["AA+"])
    effective_date: dt.date | None = Field(default=None, description="Default: today")


@router.patch("/{credit_code}", name="customers.update", summary="Change a customer's attributes")
def update_customer(
    credit_code: CreditCodePath, body: CustomerUpdate, ctx: Ctx = Depends(scoped)
) -> Any:
    """Validated and versioned like an imported row; the old values stay in the history."""
    changes = {k: getattr(body, k) for k in body.model_fields_set if k != "effective_date"}
    if "branch" in changes and ctx.branches is not None:
        ctx.deny("branch_change", {"customer": credit_code.upper()})
        raise ApiError(
            403,
            "forbidden",
            "moving a customer to another branch is for administrators",
            {"field": "branch"},
        )
    with ctx.acting():
        return ctx.core.customer_update(credit_code, changes, effective_date=body.effective_date)


@router.get("/{credit_code}/tags", name="customers.tags", summary="Tags of a customer on a date")
async def customer_tags(
    credit_code: CreditCodePath, ctx: Ctx = Depends(scoped), as_of: AsOf = None
) -> Any:
    tags = await read(ctx.core, lambda: ctx.core.tags_show(credit_code, as_of))
    return JSONDocument({"credit_code": credit_code.upper(), "as_of": as_of, "tags": tags})


@router.get(
    "/{credit_code}/tags/history", name="customers.tag_history", summary="Every value, with periods"
)
def customer_tag_history(
    credit_code: CreditCodePath,
    ctx: Ctx = Depends(scoped),
    tag: Annotated[str | None, Query(pattern=r"^[a-z][a-z0-9_]{1,62}$")] = None,
) -> Any:
    return ctx.core.tags_history(credit_code, tag)


@router.get(
    "/{credit_code}/tags/{tag}/explain",
    name="customers.tag_explain",
    summary="Why the customer carries this value",
)
def customer_tag_explain(
    credit_code: CreditCodePath, tag: TagPath, ctx: Ctx = Depends(scoped), as_of: AsOf = None
) -> Any:
    return ctx.core.tags_explain(credit_code, tag, as_of)


class ManualValue(BaseModel):
    """A manual tag value set by the caller, with the reason (recorded)."""

    model_config = ConfigDict(extra="forbid")
    value: str = Field(min_length=1, max_length=64)
    reason: str = Field(min_length=1, max_length=500)
    effective_on: dt.date | None = None
    expires_on: dt.date | None = None


@router.put("/{credit_code}/tags/{tag}", name="customers.tag_set", summary="Set a manual tag value")
def set_manual(
    credit_code: CreditCodePath, tag: TagPath, body: ManualValue, ctx: Ctx = Depends(scoped)
) -> Any:
    with ctx.acting():
        return ctx.core.tags_set(
            credit_code,
            tag,
            body.value,
            by=ctx.principal.username,
            reason=body.reason,
            on=body.effective_on,
            expires_on=body.expires_on,
        )


@router.delete(
    "/{credit_code}/tags/{tag}", name="customers.tag_clear", summary="Clear a manual tag value"
)
def clear_manual(
    credit_code: CreditCodePath,
    tag: TagPath,
    reason: Annotated[str, Query(min_length=1, max_length=500)],
    ctx: Ctx = Depends(scoped),
    effective_on: AsOf = None,
) -> Any:
    with ctx.acting():
        return ctx.core.tags_clear(
            credit_code, tag, by=ctx.principal.username, reason=reason, on=effective_on
        )
