"""A JSON response for the read paths that carry large documents (a customer with its tags).

FastAPI passes a route's return value through ``jsonable_encoder`` before serialising it;
for a customer with sixty tags that walk costs more than reading the customer. These
documents are plain data already (str, numbers, None, lists, dicts, dates), so orjson
writes them directly: dates and datetimes as ISO 8601 like FastAPI's encoder, decimals as
numbers. A float that is not a number (NaN, infinity) has no JSON form and is written as
``null``.
"""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import Any

import orjson
from starlette.responses import Response


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"{type(value).__name__} is not JSON data")


def dumps(doc: Any) -> bytes:
    """``doc`` as compact UTF-8 JSON."""
    return orjson.dumps(doc, default=_default, option=orjson.OPT_NON_STR_KEYS)


class JSONDocument(Response):
    """``application/json`` written by :func:`dumps`, without ``jsonable_encoder``."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content)
