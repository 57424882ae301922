"""The tag catalog: tags with coverage, their definitions and lifecycle, preview, migration."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from lendtag.api.deps import Ctx, authorized
from lendtag.api.idempotency import idempotent
from lendtag.errors import NotFoundError
from lendtag.tags import catalog
from lendtag.tags.definitions import Tag

router = APIRouter(tags=["tags"])
CodePath = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]{1,62}$")]
KindPath = Annotated[Literal["dimension", "feature", "tag", "segment"], Path()]


@router.get("/tags", name="tags.list", summary="Published tags with coverage and value counts")
def list_tags(ctx: Ctx = Depends(authorized)) -> Any:
    rows = ctx.core.tags_list()
    if ctx.branches is not None:  # portfolio-wide counts are not a branch user's to see
        rows = [{k: v for k, v in r.items() if k not in ("values", "coverage")} for r in rows]
    return rows


@router.get("/tags/{code}", name="tags.get", summary="A published tag's definition and versions")
def get_tag(code: CodePath, ctx: Ctx = Depends(authorized)) -> Any:
    versions = ctx.core.definition_versions("tag", code)
    current = next((v for v in versions if v["status"] == "published"), None)
    if current is None:
        raise NotFoundError(f"no published tag named {code!r}", details={"tag": code})
    return {
        "tag": code,
        "definition": current["body"],
        "version": current["version"],
        "fingerprint": current["fingerprint"],
        "versions": versions,
    }


@router.get("/tags/{code}/migration", name="tags.migration", summary="Transition matrix")
def migration(
    code: CodePath,
    from_: Annotated[dt.date, Query(alias="from")],
    to: dt.date,
    ctx: Ctx = Depends(authorized),
) -> Any:
    return ctx.core.tags_migration(code, from_, to)


class PreviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tag: dict[str, Any] = Field(description="A tag definition, as in the catalog YAML")
    as_of: dt.date | None = None


@router.post("/tags/preview", name="tags.preview", summary="What a draft tag would do")
def preview(body: PreviewIn, ctx: Ctx = Depends(authorized)) -> Any:
    draft = catalog.parse_body("tag", body.tag)
    assert isinstance(draft, Tag)
    return ctx.core.tags_preview_drafts([draft], body.as_of or dt.date.today())[0]


@router.get(
    "/definitions/{kind}/{code}",
    name="definitions.versions",
    summary="Every version of a definition",
)
def versions(kind: KindPath, code: CodePath, ctx: Ctx = Depends(authorized)) -> Any:
    rows = ctx.core.definition_versions(kind, code)
    if not rows:
        raise NotFoundError(f"no {kind} named {code!r}", details={"kind": kind, "code": code})
    return rows


class DraftIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["dimension", "feature", "tag", "segment"]
    body: dict[str, Any] = Field(description="The definition, as in the catalog YAML")


@router.post(
    "/definitions", name="definitions.draft", status_code=201, summary="Store a draft version"
)
def draft(request: Request, body: DraftIn, ctx: Ctx = Depends(authorized)) -> Any:
    def work() -> Any:
        with ctx.acting():
            return ctx.core.definition_draft(body.kind, body.body, ctx.principal.username)

    return idempotent(request, ctx, body.model_dump(mode="json"), work, status_code=201)


class StepIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str | None = Field(default=None, max_length=2000)


def _step(step: str) -> None:
    def route(kind: KindPath, code: CodePath, body: StepIn, ctx: Ctx = Depends(authorized)) -> Any:
        with ctx.acting():
            return ctx.core.definition_step(step, kind, code, ctx.principal.username, body.note)

    route.__name__ = f"definition_{step}"
    router.post(
        f"/definitions/{{kind}}/{{code}}/{step}",
        name=f"definitions.{step}",
        summary=f"{step.capitalize()} a definition",
    )(route)


for _step_name in ("submit", "publish", "reject", "retire"):
    _step(_step_name)
