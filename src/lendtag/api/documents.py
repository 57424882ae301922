"""A JSON response for the read paths that carry large documents (a customer with its tags).

FastAPI passes a route's return value through ``jsonable_encoder`` before serialising it;
for a customer with sixty tags that walk costs more than reading the customer. These
documents are plain data already (str, numbers, None, lists, dicts, and dates), so the
standard library's C encoder writes them directly, dates as ISO 8601 like FastAPI's.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from enum import Enum
from typing import Any

from starlette.responses import Response


def _default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON data")


def dumps(doc: Any) -> bytes:
    """``doc`` as compact UTF-8 JSON (no NaN or infinity: they are not JSON)."""
    return json.dumps(
        doc, ensure_ascii=False, allow_nan=False, separators=(",", ":"), default=_default
    ).encode("utf-8")


class JSONDocument(Response):
    """``application/json`` written by :func:`dumps`, without ``jsonable_encoder``."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content)
