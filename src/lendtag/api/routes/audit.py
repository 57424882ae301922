"""The audit log: entries in order, and the verification of its hash chain."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from lendtag.api.deps import MAX_ID, Ctx, authorized

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("", name="audit.list", summary="Audit entries after a sequence number")
def list_entries(
    ctx: Ctx = Depends(authorized),
    after: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    actor: Annotated[str | None, Query(max_length=96)] = None,
) -> Any:
    return ctx.core.audit_list(after=after, limit=limit, actor=actor)


@router.get("/verify", name="audit.verify", summary="Recompute the hash chain")
def verify(ctx: Ctx = Depends(authorized)) -> Any:
    return ctx.core.audit_verify()
