"""``Idempotency-Key`` for POSTs that create things: the same key replays the first result.

The key is per user. The same key with a different request (method, path or body) is 422.
Two identical requests arriving at once have one effect: the second waits for the first
and answers with its result.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from lendtag.api.deps import Ctx
from lendtag.api.errors import ApiError
from lendtag.store import audit, idempotency

HEADER = "idempotency-key"


def request_digest(request: Request, body: Any) -> str:
    text = f"{request.method} {request.url.path}\n{audit.canonical(jsonable_encoder(body))}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def idempotent(
    request: Request, ctx: Ctx, body: Any, work: Callable[[], Any], status_code: int = 200
) -> JSONResponse:
    """Run ``work`` once per key; answer every request that carries the key the same way."""
    key = request.headers.get(HEADER)
    if key is None:
        return JSONResponse(jsonable_encoder(work()), status_code=status_code)
    if not key or len(key) > 255 or not key.isascii() or not key.isprintable():
        raise ApiError(
            422,
            "invalid_input",
            "Idempotency-Key must be 1-255 printable ASCII characters",
            {"header": "Idempotency-Key"},
        )
    store = ctx.core.store
    user = ctx.principal.id
    digest = request_digest(request, body)
    claim = idempotency.claim(store, user, key, request.method, request.url.path, digest)
    if claim.state == "pending":
        claim = idempotency.wait(store, user, key)
    if claim.state == "released":  # the first attempt failed: this one does the work
        claim = idempotency.claim(store, user, key, request.method, request.url.path, digest)
    if claim.state == "conflict":
        raise ApiError(
            422,
            "idempotency_key_reused",
            "this Idempotency-Key was used with a different request",
            {"header": "Idempotency-Key"},
        )
    if claim.state == "replay":
        return JSONResponse(
            claim.response,
            status_code=claim.status_code or 200,
            headers={"Idempotent-Replayed": "true"},
        )
    if claim.state != "new":
        raise ApiError(
            409,
            "conflict",
            "a request with this Idempotency-Key is still being processed; retry later",
            {"header": "Idempotency-Key"},
        )
    try:
        result = jsonable_encoder(work())
    except BaseException:
        idempotency.release(store, user, key)
        raise
    idempotency.complete(store, user, key, status_code, result)
    return JSONResponse(result, status_code=status_code)
