"""The app factory: ``create_app(settings)`` builds a FastAPI app over one lendtag core.

No globals: each app owns its core (and so its database engine) and its metrics registry.
``lendtag serve`` runs it with uvicorn (``factory=True``, settings from ``LENDTAG_*``).
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI
from fastapi.routing import APIRoute

from lendtag import __version__
from lendtag.api import errors
from lendtag.api.metrics import Metrics, MetricsMiddleware
from lendtag.api.routes import (
    audit,
    auth,
    customers,
    imports,
    outbox,
    runs,
    segments,
    system,
    tags,
)
from lendtag.core import Lendtag
from lendtag.settings import Settings

DESCRIPTION = """
lendtag's REST API: customers, imports and their quarantine, the tag catalog and its
lifecycle, tag runs, segments, the outbox of events and the audit log.

Authenticate with `POST /api/v1/auth/token` (form fields `username`, `password`), then send
`Authorization: Bearer <access_token>`. Every error has one shape:
`{"error": {"code", "message", "details", "request_id"}}`. POSTs that create something
honour an `Idempotency-Key` header.
"""


def _operation_id(route: APIRoute) -> str:
    """The OpenAPI operationId of a route is its name in the policy table."""
    return route.name


def create_app(settings: Settings | None = None, core: Lendtag | None = None) -> FastAPI:
    """A new API app; it closes the core it created when it shuts down."""
    owned = core is None
    lendtag = core or Lendtag(settings or Settings())

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # route code runs in the thread pool; its size is a setting (see api_threads)
        to_thread.current_default_thread_limiter().total_tokens = lendtag.settings.api_threads
        # what is loaded by now lives as long as the process: keep it out of the cycle
        # collector's full passes, which would otherwise walk it and stall requests
        gc.collect()
        gc.freeze()
        yield
        if owned:
            lendtag.close()

    app = FastAPI(
        title="lendtag",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        generate_unique_id_function=_operation_id,
    )
    app.state.core = lendtag
    app.state.metrics = Metrics()
    errors.install(app)
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    app.add_middleware(errors.RequestIdMiddleware)
    app.include_router(system.router)
    for router in (
        auth.router,
        customers.router,
        imports.router,
        tags.router,
        runs.router,
        segments.router,
        outbox.router,
        audit.router,
    ):
        app.include_router(router, prefix="/api/v1")
    return app
