"""The outbox: events written with each change (tag values, segment moves) for delivery."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from lendtag.api.deps import MAX_ID, Ctx, authorized

router = APIRouter(prefix="/outbox", tags=["outbox"])


@router.get("", name="outbox.list", summary="Events after an id")
def list_events(
    ctx: Ctx = Depends(authorized),
    after: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    topic: Annotated[str | None, Query(max_length=32)] = None,
    pending: bool = True,
) -> Any:
    return ctx.core.outbox_list(after=after, limit=limit, topic=topic, pending=pending)


class AckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(min_length=1, max_length=10_000)


@router.post("/ack", name="outbox.ack", summary="Acknowledge delivered events")
def ack(body: AckIn, ctx: Ctx = Depends(authorized)) -> Any:
    with ctx.acting():
        return ctx.core.outbox_ack(body.ids)
