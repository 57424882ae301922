"""Helpers the generated Python code calls: the parts of the semantics too long to inline.

Each helper receives non-NULL arguments (the generated code has already returned NULL where
SQL would) except ``least``, ``greatest`` and ``in_list``, whose NULL rules are their own.
"""

from __future__ import annotations

import datetime
import math
import numbers
import re
from decimal import Decimal
from functools import lru_cache
from string import ascii_lowercase, ascii_uppercase
from typing import Any

from lendtag.expr.errors import EvaluationError

_LOWER = str.maketrans(ascii_uppercase, ascii_lowercase)
_UPPER = str.maketrans(ascii_lowercase, ascii_uppercase)


def round_half_away(value: float, digits: int) -> float:
    """``sign(x) * floor(|x| * 10^n + 0.5) / 10^n`` in doubles, as every SQL back end does it.

    As in IEEE arithmetic (and SQLite and DuckDB), ±infinity and NaN come back unchanged,
    and where ``|x| * 10^n`` overflows the result is ±infinity (PostgreSQL raises an error
    there: outside the language's domain, see docs/expressions.md).
    """
    if not math.isfinite(value):
        return value
    sign = 1.0 if value > 0 else (-1.0 if value < 0 else 0.0)
    if digits <= 0:
        scale = 10.0 ** (-digits)
        return sign * float(math.floor(abs(value) / scale + 0.5)) * scale
    scale = 10.0**digits
    scaled = abs(value) * scale + 0.5
    if math.isinf(scaled):
        return math.copysign(math.inf, value)
    return sign * float(math.floor(scaled)) / scale


def least(*values: Any) -> Any:
    """The smallest non-NULL argument; NULL when all are NULL (as PostgreSQL)."""
    best = None
    for value in values:
        if value is not None and (best is None or value < best):
            best = value
    return best


def greatest(*values: Any) -> Any:
    """The largest non-NULL argument; NULL when all are NULL (as PostgreSQL)."""
    best = None
    for value in values:
        if value is not None and (best is None or value > best):
            best = value
    return best


def in_list(value: Any, items: tuple[Any, ...]) -> bool | None:
    """SQL ``value IN (items)`` for a non-NULL value: TRUE, FALSE, or NULL if a NULL item
    leaves the answer open."""
    open_ = False
    for item in items:
        if item is None:
            open_ = True
        elif value == item:
            return True
    return None if open_ else False


def additive(values: tuple[Any, ...], ops: str) -> Any:
    """``v0 ops[0] v1 ops[1] ...`` left to right, NULL if any value is NULL (long sums)."""
    if any(v is None for v in values):
        return None
    total = values[0]
    for op, value in zip(ops, values[1:], strict=True):
        total = total + value if op == "+" else total - value
    return total


def concat(values: tuple[Any, ...]) -> str | None:
    """Text joined, NULL if any part is NULL (long ``||`` chains)."""
    if any(v is None for v in values):
        return None
    return "".join(values)


def first_true(arms: tuple[tuple[Any, Any], ...], default: Any) -> Any:
    """The result of the first arm whose condition is TRUE (long CASE expressions)."""
    for condition, result in arms:
        if condition:
            return result
    return default


def first_not_null(values: tuple[Any, ...]) -> Any:
    """The first value that is not NULL (long COALESCE calls)."""
    for value in values:
        if value is not None:
            return value
    return None


def lower_ascii(text: str) -> str:
    return text.lower() if text.isascii() else text.translate(_LOWER)


def upper_ascii(text: str) -> str:
    return text.upper() if text.isascii() else text.translate(_UPPER)


def months_between(start: datetime.date, end: datetime.date) -> int:
    """Complete months from ``start`` to ``end`` (negative when ``end`` is earlier)."""
    return _complete(start, end, 384, 32)


def years_between(start: datetime.date, end: datetime.date) -> int:
    """Complete years from ``start`` to ``end``: an age."""
    return _complete(start, end, 416, 416)


def _complete(start: datetime.date, end: datetime.date, year_weight: int, unit: int) -> int:
    # A date's key is year * year_weight + month * 32 + day; the day and month parts never
    # reach a whole unit, so truncating the key difference counts complete periods only.
    span = (end.year * year_weight + end.month * 32 + end.day) - (
        start.year * year_weight + start.month * 32 + start.day
    )
    whole = abs(span) // unit
    return whole if span >= 0 else -whole


class LikeMatcher:
    """SQL LIKE without an escape character, case-sensitive, in time linear in the pattern
    and the text: ``%`` splits the pattern into fixed-length segments (``_`` is any one
    character), and taking each middle segment's leftmost match is always right."""

    __slots__ = ("_first", "_first_len", "_last", "_last_len", "_middle", "_whole")

    def __init__(self, pattern: str) -> None:
        parts = pattern.split("%")
        self._whole = _segment(parts[0]) if len(parts) == 1 else None
        self._first, self._first_len = _segment(parts[0]), len(parts[0])
        self._last, self._last_len = _segment(parts[-1]), len(parts[-1])
        self._middle = tuple(_segment(p) for p in parts[1:-1] if p)

    def __call__(self, text: str) -> bool:
        if self._whole is not None:
            return self._whole.fullmatch(text) is not None
        end = len(text) - self._last_len
        if end < self._first_len or self._first.match(text) is None:
            return False
        if self._last.match(text, end) is None:
            return False
        position = self._first_len
        for segment in self._middle:
            found = segment.search(text, position, end)
            if found is None:
                return False
            position = found.end()
        return True


def _segment(part: str) -> re.Pattern[str]:
    return re.compile("".join("." if ch == "_" else re.escape(ch) for ch in part), re.DOTALL)


@lru_cache(maxsize=1024)
def like_matcher(pattern: str) -> LikeMatcher:
    return LikeMatcher(pattern)


def like(text: str, pattern: str) -> bool:
    return like_matcher(pattern)(text)


def to_number(value: Any, what: str) -> int | float:
    """A number input that is not an ``int`` or ``float``: a float subclass (numpy), a
    ``Decimal`` or another real number becomes a float, an integer kind an int."""
    if isinstance(value, bool):
        raise _wrong_kind(value, what, "a number")
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real | Decimal):
        return float(value)
    raise _wrong_kind(value, what, "a number")


def to_integer(value: Any, what: str) -> int:
    """An integer input that is not an ``int``: an integer kind (numpy) becomes an int."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    raise _wrong_kind(value, what, "an integer")


def to_text(value: Any, what: str) -> str:
    """A text input that is not a ``str``: a ``str`` subclass (a StrEnum) becomes a str."""
    if isinstance(value, str):
        return str.__str__(value)
    raise _wrong_kind(value, what, "text")


def to_date(value: Any, what: str) -> datetime.date:
    """A date input as ``datetime.date``: accepts a date, a datetime, or 'YYYY-MM-DD'."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise _wrong_kind(value, what, "a date (or 'YYYY-MM-DD')")


def to_bool(value: Any, what: str) -> bool:
    """A boolean input as ``bool``: accepts True/False and the integers 1/0."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise _wrong_kind(value, what, "a boolean")


def _wrong_kind(value: Any, what: str, expected: str) -> EvaluationError:
    shown = repr(value)
    if len(shown) > 40:
        shown = shown[:39] + "…"
    return EvaluationError(f"{what} must be {expected}, got {type(value).__name__} {shown}")


def missing_as_of() -> EvaluationError:
    return EvaluationError(
        "this expression uses AS_OF(): pass the as-of date, e.g. evaluate(row, as_of=date)"
    )


def overflow() -> EvaluationError:
    return EvaluationError(
        "an arithmetic result is too large for a number (beyond about ±1.8e308):"
        " the inputs are outside the language's domain"
    )
