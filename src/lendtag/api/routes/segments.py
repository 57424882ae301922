"""Segments: counts (live), members, membership history, export.

A scoped user (assigned branches) sees only their branches' customers in every answer.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.background import BackgroundTask

from lendtag.api.deps import Ctx, authorized

router = APIRouter(prefix="/segments", tags=["segments"])
CodePath = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]{1,62}$")]
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}


@router.get("", name="segments.list", summary="Published segments and member counts")
def list_segments(ctx: Ctx = Depends(authorized)) -> Any:
    rows = ctx.core.segments_list()
    if ctx.branches is not None:
        rows = [{k: v for k, v in r.items() if k != "members"} for r in rows]
    return rows


class CountIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    expression: str = Field(
        min_length=1, max_length=8000, description="Boolean expression, or a segment's code"
    )
    as_of: dt.date | None = None


@router.post("/count", name="segments.count", summary="Live count of an expression")
def count(body: CountIn, ctx: Ctx = Depends(authorized)) -> Any:
    return ctx.core.segments_count(body.expression, body.as_of or dt.date.today(), ctx.branches)


@router.get("/{code}/members", name="segments.members", summary="Members, now or on a date")
def members(
    code: CodePath,
    ctx: Ctx = Depends(authorized),
    as_of: dt.date | None = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Any:
    rows = ctx.core.segments_members(code, as_of, ctx.branches)
    return {
        "segment": code,
        "as_of": as_of,
        "total": len(rows),
        "items": rows[offset : offset + limit],
    }


@router.get("/{code}/history", name="segments.history", summary="Entries and exits")
def history(
    code: CodePath,
    ctx: Ctx = Depends(authorized),
    credit_code: Annotated[str | None, Query(min_length=18, max_length=18)] = None,
) -> Any:
    return ctx.core.segments_history(code, credit_code, ctx.branches)


@router.get("/{code}/export", name="segments.export", summary="Members as CSV, XLSX or Parquet")
def export(
    code: CodePath,
    ctx: Ctx = Depends(authorized),
    format: Literal["csv", "xlsx", "parquet"] = "csv",
    as_of: dt.date | None = None,
) -> FileResponse:
    folder = FilePath(tempfile.mkdtemp(prefix="lendtag-export-"))
    path = folder / f"{code}.{format}"
    with ctx.acting():
        ctx.core.segments_export(code, path, format, as_of, ctx.branches)
        ctx.core.record(
            "segment.export",
            object_type="segment",
            object_id=code,
            details={"format": format, "as_of": as_of.isoformat() if as_of else None},
        )

    def cleanup() -> None:
        path.unlink(missing_ok=True)
        folder.rmdir()

    return FileResponse(
        path, media_type=MEDIA[format], filename=path.name, background=BackgroundTask(cleanup)
    )
