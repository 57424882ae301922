"""One JSON error shape for every failure: ``{"error": {code, message, details, request_id}}``.

Errors are translated here once. A response never carries a traceback, SQL or an internal
name; an unexpected exception is logged (without request data) and answered with a generic
500 that gives the request id to quote.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lendtag.access.errors import AuthenticationError, AuthorizationError
from lendtag.errors import LendtagError, NotFoundError
from lendtag.expr import ExpressionError
from lendtag.store.errors import StoreError
from lendtag.tags.errors import LifecycleError, TagRunError

log = logging.getLogger("lendtag.api")

STATUS: list[tuple[type[LendtagError], int]] = [
    (NotFoundError, 404),
    (AuthenticationError, 401),
    (AuthorizationError, 403),
    (LifecycleError, 409),
    (TagRunError, 409),
    (StoreError, 503),
]
HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "too_many_requests",
}


class ApiError(Exception):
    """An error raised by the API layer itself (status, code, message, details)."""

    def __init__(
        self, status: int, code: str, message: str, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}


def request_id(request: Request) -> str:
    return str(getattr(request.state, "request_id", "") or "")


def error_response(
    request: Request,
    status: int,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = {
        "error": {
            "code": code,
            "message": message,
            "details": details or {},
            "request_id": request_id(request),
        }
    }
    return JSONResponse(body, status_code=status, headers=headers)


def status_of(exc: LendtagError) -> int:
    for kind, status in STATUS:
        if isinstance(exc, kind):
            return status
    return 422


def _safe_details(details: dict[str, Any]) -> dict[str, Any]:
    """Details as JSON: anything that is not plain data becomes its text."""
    import json

    return dict(json.loads(json.dumps(details, default=str, ensure_ascii=False)))


async def _lendtag_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, LendtagError)
    status = status_of(exc)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return error_response(
        request, status, exc.code, exc.message, _safe_details(exc.details), headers
    )


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    return error_response(request, exc.status, exc.code, exc.message, exc.details, headers)


async def _expression_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ExpressionError)
    return error_response(request, 422, "expression_error", str(exc), {})


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [
        {
            "location": [str(p) for p in e.get("loc", ())],
            "message": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in exc.errors()
    ]
    first = problems[0] if problems else {"location": [], "message": "invalid request"}
    where = ".".join(first["location"][1:] or first["location"]) or "request"
    return error_response(
        request, 422, "invalid_input", f"{where}: {first['message']}", {"errors": problems}
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = HTTP_CODES.get(exc.status_code, "http_error")
    message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    return error_response(request, exc.status_code, code, message, {}, dict(exc.headers or {}))


def install(app: FastAPI) -> None:
    app.add_exception_handler(LendtagError, _lendtag_error)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(ExpressionError, _expression_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)


INTERNAL_MESSAGE = "an unexpected error occurred; quote the request id to the administrator"


def _internal_error(rid: str) -> JSONResponse:
    body = {
        "error": {
            "code": "internal_error",
            "message": INTERNAL_MESSAGE,
            "details": {},
            "request_id": rid,
        }
    }
    return JSONResponse(body, status_code=500)


def _log_unexpected(exc: Exception, scope: Scope, rid: str) -> None:
    """One line: the exception's type, the route's name and the request id.

    Never the exception's message or arguments, the URL or a traceback: any of them may
    quote personal data (an identity number in a value, a credit code in a path).
    """
    route = str(getattr(scope.get("route"), "name", "") or "unmatched")
    log.error(
        "unexpected %s in %s %s (request %s)",
        type(exc).__name__,
        scope.get("method", ""),
        route,
        rid,
    )


class RequestIdMiddleware:
    """Gives every request an id (the caller's ``X-Request-ID`` if sane) and echoes it.

    It is also the boundary for unexpected exceptions: one is answered with the error shape
    (500, ``internal_error``, with the request id in the body and the header) and logged as
    one line without its message, then swallowed. Starlette's own last-resort handler
    re-raises after answering, so the server would log the whole traceback, exception text
    included; nothing gets that far.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        rid = (
            given if given and len(given) <= 64 and given.isascii() and given.isprintable() else ""
        )
        rid = rid or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = rid
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", rid.encode("latin-1")))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            _log_unexpected(exc, scope, rid)
            if not started:  # else the client sees the connection end mid-answer
                await _internal_error(rid)(scope, receive, send_with_id)
