"""Cell parsers: text as found in a file → a typed value, or a FieldError saying what was expected.

Each parser takes a non-empty, stripped string. Empty cells never reach a parser: they are
missing values, and a required column reports them itself.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable
from typing import Any

from lendtag.ingest.errors import FieldError

Parser = Callable[[str], Any]

_DATE_SEPARATORS = re.compile(r"[/.]")
_TRUE = frozenset({"true", "t", "1", "yes", "y", "是", "真"})
_FALSE = frozenset({"false", "f", "0", "no", "n", "否", "假"})


def parse_date(text: str) -> dt.date:
    """YYYY-MM-DD (also YYYY/MM/DD, YYYY.MM.DD, YYYYMMDD, and a trailing time of day)."""
    s = text
    if len(s) > 10 and s[10] in " T":
        s = s[:10]
    if len(s) == 8 and s.isdigit():
        s = f"{s[:4]}-{s[4:6]}-{s[6:]}"
    elif len(s) == 10 and s[4] != "-":
        s = _DATE_SEPARATORS.sub("-", s)
    if len(s) != 10:
        raise FieldError("a real calendar date as YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        raise FieldError("a real calendar date as YYYY-MM-DD") from None


def _number(text: str) -> float:
    try:
        value = float(text.replace(",", "") if "," in text else text)
    except ValueError:
        raise FieldError("a number such as 1234.5") from None
    if math.isnan(value) or math.isinf(value):
        raise FieldError("a finite number")
    return value


def parse_number(text: str) -> float:
    """Any finite decimal number; thousands separators are accepted."""
    return _number(text)


def parse_non_negative(text: str) -> float:
    """A finite number ≥ 0."""
    value = _number(text)
    if value < 0:
        raise FieldError("a number ≥ 0")
    return value


def parse_count(text: str) -> int:
    """A whole number ≥ 0 (1200, 1,200 and 1200.0 are accepted)."""
    value = _number(text)
    if value < 0 or value != int(value):
        raise FieldError("a whole number ≥ 0")
    return int(value)


def parse_positive_int(text: str) -> int:
    """A whole number ≥ 1."""
    value = parse_count(text)
    if value < 1:
        raise FieldError("a whole number ≥ 1")
    return value


def parse_percent(text: str) -> float:
    """A percentage between 0 and 100 (a trailing % is accepted)."""
    value = _number(text[:-1] if text.endswith("%") else text)
    if not 0 <= value <= 100:
        raise FieldError("a percentage between 0 and 100")
    return value


def parse_bool(text: str) -> bool:
    """true/false, yes/no, 1/0, 是/否."""
    low = text.lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise FieldError("true or false (also yes/no, 1/0, 是/否)")


def text_parser(max_length: int) -> Parser:
    """Free text of at most ``max_length`` characters."""

    def parse(text: str) -> str:
        if len(text) > max_length:
            raise FieldError(f"text of at most {max_length} characters")
        return text

    return parse


def choice_parser(choices: Iterable[str]) -> Parser:
    """One of a fixed set of lower-case codes (matched case-insensitively)."""
    allowed = tuple(choices)
    allowed_set = frozenset(allowed)
    expected = "one of " + ", ".join(allowed)

    def parse(text: str) -> str:
        low = text.lower()
        if low not in allowed_set:
            raise FieldError(expected)
        return low

    return parse


def code_parser(pattern: str, expected: str, *, upper: bool = True) -> Parser:
    """An identifier matching a regular expression (upper-cased first unless told not to)."""
    regex = re.compile(pattern)

    def parse(text: str) -> str:
        value = text.upper() if upper else text
        if not regex.fullmatch(value):
            raise FieldError(expected)
        return value

    return parse


def domain_parser(
    func: Callable[[str], Any], project: Callable[[Any], Any] | None = None
) -> Parser:
    """Wrap a ``lendtag.domain`` validator: its DomainError message becomes the expectation."""

    def parse(text: str) -> Any:
        try:
            result = func(text)
        except ValueError as exc:  # DomainError is a ValueError
            raise FieldError(getattr(exc, "message", str(exc))) from None
        return project(result) if project is not None else result

    return parse
