"""Tag runs: start one (idempotent with Idempotency-Key), list them, read one.

A run's figures are portfolio-wide (customers tagged, values changed, per-tag coverage):
like the value counts of ``tags.list`` they are not a branch-scoped user's to see, so they
are left out of the runs such a user reads.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from lendtag.api.deps import Ctx, authorized
from lendtag.api.idempotency import idempotent

router = APIRouter(prefix="/tag-runs", tags=["runs"])
PORTFOLIO_FIGURES = ("customers", "changed", "coverage")
"""Fields of a run that describe the whole portfolio, hidden from branch-scoped users."""


def _visible(ctx: Ctx, run: dict[str, Any]) -> dict[str, Any]:
    if ctx.branches is None:
        return run
    return {k: v for k, v in run.items() if k not in PORTFOLIO_FIGURES}


class RunIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    as_of: dt.date | None = Field(default=None, description="Default: today")
    only: list[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,62}$")]] | None = Field(
        default=None, max_length=500
    )
    engine: Literal["sqlite", "postgres", "duckdb"] | None = None


@router.post("", name="runs.create", status_code=201, summary="Run the published tags")
def create(request: Request, body: RunIn, ctx: Ctx = Depends(authorized)) -> Any:
    def work() -> Any:
        with ctx.acting():
            result = ctx.core.tags_run(
                body.as_of or dt.date.today(), only=body.only, engine=body.engine
            )
        return result.as_dict()

    return idempotent(request, ctx, body.model_dump(mode="json"), work, status_code=201)


@router.get("", name="runs.list", summary="Recent runs")
def list_runs(
    ctx: Ctx = Depends(authorized), limit: Annotated[int, Query(ge=1, le=500)] = 20
) -> Any:
    return [_visible(ctx, r) for r in ctx.core.tags_runs(limit)]


@router.get("/{run_id}", name="runs.get", summary="One run with its per-tag coverage")
def get_run(
    run_id: Annotated[int, Path(ge=1, le=2**31 - 1)], ctx: Ctx = Depends(authorized)
) -> Any:
    return _visible(ctx, ctx.core.tags_run_get(run_id))
