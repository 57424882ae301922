"""An app whose customer list always fails with personal data in the exception's text.

``tests/api/test_serve.py`` serves it with ``lendtag serve``'s uvicorn settings to show that
a real server answers an unexpected failure with the error shape and logs no traceback and
none of the exception's text.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from lendtag.api import create_app as create_api
from tests.api.conftest import ID_NUMBER, PHONE

PLANTED = f"cannot read identity number {ID_NUMBER} (phone {PHONE})"


def create_app() -> FastAPI:
    app = create_api()

    def boom(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError(PLANTED)

    app.state.core.customers_page = boom
    return app
