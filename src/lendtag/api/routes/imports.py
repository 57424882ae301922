"""Imports: upload a file (validated, bad rows to the quarantine), batches, quarantine rows.

A scoped user (assigned branches) sees only the batches they uploaded and their rows.
Quarantined rows of person files have their identity numbers and phones masked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import tempfile
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from lendtag.api.deps import Ctx, authorized
from lendtag.api.errors import ApiError
from lendtag.api.idempotency import idempotent
from lendtag.errors import NotFoundError

router = APIRouter(tags=["imports"])
Kind = Literal["customers", "persons", "statements", "bureau", "loans", "schedules", "repayments"]
Channel = Literal["web", "app", "branch", "core", "bureau", "api"]
MAX_UPLOAD = 512 * 1024 * 1024
SUFFIXES = (".csv", ".xlsx", ".jsonl", ".json", ".ndjson", ".txt")


def _own(ctx: Ctx, batch: dict[str, Any]) -> bool:
    return ctx.branches is None or batch.get("created_by") == ctx.principal.username


@router.post("/imports", name="imports.create", status_code=201, summary="Upload and import a file")
def create(
    request: Request,
    kind: Annotated[Kind, Form()],
    file: Annotated[UploadFile, File(description="CSV (UTF-8/GB18030), XLSX or JSON Lines")],
    channel: Annotated[Channel | None, Form()] = None,
    effective_date: Annotated[dt.date | None, Form()] = None,
    ctx: Ctx = Depends(authorized),
) -> Any:
    name = FilePath(file.filename or "upload.csv").name
    if not name.lower().endswith(SUFFIXES):
        raise ApiError(
            422,
            "invalid_input",
            f"file {name!r} has an unknown type; expected one of {', '.join(SUFFIXES)}",
            {"file": name},
        )
    folder = FilePath(tempfile.mkdtemp(prefix="lendtag-upload-"))
    path = folder / name
    try:
        digest = hashlib.sha256()
        size = 0
        with path.open("wb") as out:
            while chunk := file.file.read(1 << 20):
                size += len(chunk)
                if size > MAX_UPLOAD:
                    raise ApiError(413, "too_large", f"uploads are limited to {MAX_UPLOAD} bytes")
                digest.update(chunk)
                out.write(chunk)
        fingerprint = {
            "kind": kind,
            "channel": channel,
            "effective_date": effective_date,
            "file": name,
            "sha256": digest.hexdigest(),
        }

        def work() -> Any:
            with ctx.acting():
                result = ctx.core.import_file(
                    kind,
                    path,
                    channel=channel,
                    effective_date=effective_date,
                    scope=ctx.branches,
                    source=name,
                )
            return result.as_dict()

        return idempotent(request, ctx, fingerprint, work, status_code=201)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@router.get("/imports", name="imports.list", summary="Import batches, newest first")
def list_batches(
    ctx: Ctx = Depends(authorized), limit: Annotated[int, Query(ge=1, le=1000)] = 50
) -> Any:
    return [b for b in ctx.core.list_batches(limit) if _own(ctx, b)]


def _batch(ctx: Ctx, batch_id: int) -> dict[str, Any]:
    batch = ctx.core.get_batch(batch_id)
    if batch is None or not _own(ctx, batch):
        if batch is not None:
            ctx.deny("out_of_scope", {"object": "import batch", "key": str(batch_id)})
        raise NotFoundError(f"no import batch {batch_id}", details={"batch_id": batch_id})
    return batch


BatchId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/imports/{batch_id}", name="imports.get", summary="One batch")
def get_batch(batch_id: BatchId, ctx: Ctx = Depends(authorized)) -> Any:
    return _batch(ctx, batch_id)


@router.get(
    "/imports/{batch_id}/quarantine", name="imports.quarantine", summary="A batch's rejected rows"
)
def batch_quarantine(batch_id: BatchId, ctx: Ctx = Depends(authorized)) -> Any:
    _batch(ctx, batch_id)
    return ctx.core.quarantine_list(status="all", batch_id=batch_id)


@router.get("/quarantine", name="quarantine.list", summary="Rejected rows waiting for correction")
def quarantine(
    ctx: Ctx = Depends(authorized),
    status: Literal["open", "released", "all"] = "open",
    kind: Kind | None = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> Any:
    rows = ctx.core.quarantine_list(status=status, kind=kind, limit=limit)
    if ctx.branches is None:
        return rows
    mine = {b["id"] for b in ctx.core.list_batches(10_000) if _own(ctx, b)}
    return [r for r in rows if r["batch_id"] in mine]


class ReleaseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    set: dict[Annotated[str, Field(max_length=64)], Annotated[str, Field(max_length=500)]] = Field(
        default_factory=dict, description="Corrections: column -> new value"
    )
    effective_date: dt.date | None = None


@router.post(
    "/quarantine/{row_id}/release", name="quarantine.release", summary="Re-validate a corrected row"
)
def release(
    row_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    body: ReleaseIn,
    request: Request,
    ctx: Ctx = Depends(authorized),
) -> Any:
    row = ctx.core.quarantine_get(row_id)
    if row is None:
        raise NotFoundError(f"no quarantined row {row_id}", details={"row_id": row_id})
    _batch(ctx, row["batch_id"])

    def work() -> Any:
        with ctx.acting():
            return ctx.core.quarantine_release(
                row_id, body.set, effective_date=body.effective_date, scope=ctx.branches
            ).as_dict()

    return idempotent(request, ctx, body.model_dump(mode="json"), work)
