"""Health and metrics: no token needed, no customer data."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST

from lendtag.api.deps import get_core
from lendtag.api.errors import ApiError
from lendtag.errors import LendtagError

router = APIRouter(tags=["system"])


@router.get(
    "/healthz",
    name="health",
    summary="Liveness and database readiness",
    responses={503: {"description": "The database is unreachable or not migrated"}},
)
def health(request: Request) -> Any:
    core = get_core(request)
    try:
        core.require_migrated()
    except LendtagError as exc:
        # the one error shape; the message names no URL, the details say what is wrong
        raise ApiError(
            503,
            "unavailable",
            "the service is not ready: its database cannot be used",
            {"status": "unavailable", "database": exc.code},
        ) from None
    return {"status": "ok", "database": "ok"}


@router.get(
    "/metrics",
    name="metrics",
    summary="Prometheus metrics (text format)",
    response_class=PlainTextResponse,
)
def metrics(request: Request) -> Response:
    return Response(request.app.state.metrics.render(), media_type=CONTENT_TYPE_LATEST)
