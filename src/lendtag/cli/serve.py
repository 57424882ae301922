"""`lendtag serve`: the API (and, later, the web UI) on localhost with uvicorn."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from lendtag.cli.common import DatabaseUrl, Debug, err_console, handle_errors, make_settings

APP_FACTORY = "lendtag.api.app:create_app"


def run_server(
    database_url: str | None,
    host: str | None,
    port: int | None,
    workers: int | None,
    *,
    app: str = APP_FACTORY,
) -> None:
    """Serve an app factory (lendtag's API); the workers read their settings from LENDTAG_*.

    Uvicorn logs warnings and errors only, without an access log (a URL may carry a credit
    code). The API itself never lets an exception reach uvicorn, whose error log would
    print the traceback with the exception's text.
    """
    import uvicorn

    settings = make_settings(database_url)
    if database_url:
        os.environ["LENDTAG_DATABASE_URL"] = database_url
    from lendtag.core import Lendtag

    with Lendtag(settings) as lt:
        lt.require_migrated()
    bind = host or settings.api_host
    err_console.print(
        f"lendtag API on http://{bind}:{port or settings.api_port} (OpenAPI at /docs); "
        "Ctrl-C stops it",
        highlight=False,
    )
    uvicorn.run(
        app,
        factory=True,
        host=bind,
        port=port or settings.api_port,
        workers=workers or settings.api_workers,
        loop="uvloop" if os.name != "nt" else "asyncio",
        http="httptools",
        log_level="warning",
        access_log=False,
        proxy_headers=False,
    )


@handle_errors
def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind (default 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000)")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes (default 1)")] = None,
    database_url: DatabaseUrl = None,
    debug: Debug = False,
) -> None:
    """Serve the REST API (OpenAPI at /docs) until interrupted."""
    run_server(database_url, host, port, workers)
