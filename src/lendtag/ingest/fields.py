"""Cell parsers: text as found in a file → a typed value, or a FieldError saying what was expected.

A parser is called with a non-empty, stripped string. Empty cells never reach it: they are
missing values, and a required column reports them itself. ``parser.column()`` gives the
function that parses a whole column of a chunk (see :mod:`lendtag.ingest.columns`); its
result is always the one calling the parser cell by cell would give.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from lendtag.ingest.columns import ColumnParser, Memo, Texts, bisected, parse_each, stripped
from lendtag.ingest.errors import FieldError

_DATE_SEPARATORS = re.compile(r"[/.]")
_TRUE = frozenset({"true", "t", "1", "yes", "y", "是", "真"})
_FALSE = frozenset({"false", "f", "0", "no", "n", "否", "假"})
_EXACT_INT = 2**53  # every whole number up to here is exact as a float


class Parser:
    """Turns the text of one cell into a value; never returns None for a non-empty text.

    A bad text raises :class:`FieldError`: with ``expected`` (what the column takes, read as
    "<column> must be <expected>") for the generic parsers here, or with a complete
    ``reason`` for a domain rule's own explanation.
    """

    repeats = False
    """The column's values repeat from row to row (codes, choices, dates): remember them."""

    def __call__(self, text: str) -> Any:  # pragma: no cover - every parser overrides it
        raise NotImplementedError

    def column(self) -> ColumnParser:
        """A parser for one column of one import (it may remember what it has seen)."""
        if self.repeats:
            return Memo(self)
        return partial(parse_each, self)


def _number(text: str) -> float:
    try:
        value = float(text.replace(",", "") if "," in text else text)
    except ValueError:
        raise FieldError("a number such as 1234.5") from None
    if math.isnan(value) or math.isinf(value):
        raise FieldError("a finite number")
    return value


def _floats(texts: Texts) -> list[float] | None:
    """``float`` of every cell when each is a plain finite number, else None."""
    try:
        values = list(map(float, texts))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    total = sum(values)
    return values if total - total == 0 else None  # NaN or an infinity somewhere: decline


class Number(Parser):
    """A finite decimal number, optionally bounded below and in size (``limit``: the absolute
    value must stay below it, as the store's column holds); thousands separators are accepted."""

    def __init__(self, minimum: float | None = None, limit: float | None = None) -> None:
        self.minimum = minimum
        self.limit = limit

    def __call__(self, text: str) -> float:
        value = _number(text)
        if self.minimum is not None and value < self.minimum:
            raise FieldError(f"a number ≥ {self.minimum:g}")
        if self.limit is not None and abs(value) >= self.limit:
            raise FieldError(f"a number below {self.limit:,.0f} in size")
        return value

    def column(self) -> ColumnParser:
        return partial(bisected, self._fast, self)

    def _fast(self, texts: Texts) -> list[float] | None:
        values = _floats(texts)
        if not values:
            return values
        if self.minimum is not None or self.limit is not None:
            low = min(values)
            if self.minimum is not None and low < self.minimum:
                return None
            if self.limit is not None and (-low >= self.limit or max(values) >= self.limit):
                return None
        return values


class Count(Parser):
    """A whole number ≥ ``minimum`` (1200, 1,200 and 1200.0 are accepted)."""

    def __init__(self, minimum: int = 0) -> None:
        self.minimum = minimum

    def __call__(self, text: str) -> int:
        value = _number(text)
        if value < 0 or value != int(value):
            raise FieldError("a whole number ≥ 0")
        if value < self.minimum:
            raise FieldError(f"a whole number ≥ {self.minimum}")
        return int(value)

    def column(self) -> ColumnParser:
        return partial(bisected, self._fast, self)

    def _fast(self, texts: Texts) -> list[int] | None:
        try:
            values = list(map(int, texts))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None
        if values and (min(values) < self.minimum or max(values) > _EXACT_INT):
            return None
        return values


class Percent(Parser):
    """A percentage between 0 and 100 (a trailing % is accepted)."""

    def __call__(self, text: str) -> float:
        value = _number(text[:-1] if text.endswith("%") else text)
        if not 0 <= value <= 100:
            raise FieldError("a percentage between 0 and 100")
        return value

    def column(self) -> ColumnParser:
        return partial(bisected, self._fast, self)

    def _fast(self, texts: Texts) -> list[float] | None:
        values = _floats(texts)
        if values and not (min(values) >= 0 and max(values) <= 100):
            return None
        return values


class Date(Parser):
    """YYYY-MM-DD (also YYYY/MM/DD, YYYY.MM.DD, YYYYMMDD, and a trailing time of day)."""

    repeats = True

    def __call__(self, text: str) -> dt.date:
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


class Bool(Parser):
    """true/false, yes/no, 1/0, 是/否."""

    repeats = True

    def __call__(self, text: str) -> bool:
        low = text.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise FieldError("true or false (also yes/no, 1/0, 是/否)")


class Text(Parser):
    """Free text of at most ``max_length`` characters."""

    def __init__(self, max_length: int) -> None:
        self.max_length = max_length

    def __call__(self, text: str) -> str:
        if len(text) > self.max_length:
            raise FieldError(f"text of at most {self.max_length} characters")
        return text

    def column(self) -> ColumnParser:
        return partial(bisected, self._fast, self)

    def _fast(self, texts: Texts) -> list[str | None] | None:
        out = stripped(texts)
        longest = max(map(len, filter(None, out)), default=0)
        return out if longest <= self.max_length else None


class Choice(Parser):
    """One of a fixed set of lower-case codes (matched case-insensitively)."""

    repeats = True

    def __init__(self, choices: Iterable[str]) -> None:
        self.allowed = tuple(choices)
        self._allowed = frozenset(self.allowed)
        self.expected = "one of " + ", ".join(self.allowed)

    def __call__(self, text: str) -> str:
        low = text.lower()
        if low not in self._allowed:
            raise FieldError(self.expected)
        return low


class Code(Parser):
    """An identifier matching a regular expression (upper-cased first unless told not to)."""

    def __init__(self, pattern: str, expected: str, *, upper: bool, repeats: bool) -> None:
        self.regex = re.compile(pattern)
        self.expected = expected
        self.upper = upper
        self.repeats = repeats

    def __call__(self, text: str) -> str:
        value = text.upper() if self.upper else text
        if not self.regex.fullmatch(value):
            raise FieldError(self.expected)
        return value


class Domain(Parser):
    """A ``lendtag.domain`` validator: its DomainError message is the reason, as it stands."""

    def __init__(
        self,
        func: Callable[[str], Any],
        project: Callable[[Any], Any] | None = None,
        *,
        repeats: bool = True,
    ) -> None:
        self.func = func
        self.project = project
        self.repeats = repeats

    def __call__(self, text: str) -> Any:
        try:
            result = self.func(text)
        except ValueError as exc:  # DomainError is a ValueError: its message is a sentence
            raise FieldError(reason=getattr(exc, "message", str(exc))) from None
        return self.project(result) if self.project is not None else result


parse_date = Date()
parse_number = Number()
parse_non_negative = Number(minimum=0)
WAN_LIMIT = 1e16
"""Amounts in 万元 are stored as NUMERIC(20, 4): below 10^16 in size."""
YUAN_LIMIT = 1e18
"""Amounts in 元 are stored as NUMERIC(20, 2): below 10^18 in size."""
parse_wan = Number(limit=WAN_LIMIT)
parse_non_negative_wan = Number(minimum=0, limit=WAN_LIMIT)
parse_non_negative_yuan = Number(minimum=0, limit=YUAN_LIMIT)
parse_count = Count()
parse_positive_int = Count(minimum=1)
parse_percent = Percent()
parse_bool = Bool()


def text_parser(max_length: int) -> Parser:
    """Free text of at most ``max_length`` characters."""
    return Text(max_length)


def choice_parser(choices: Iterable[str]) -> Parser:
    """One of a fixed set of lower-case codes (matched case-insensitively)."""
    return Choice(choices)


def code_parser(pattern: str, expected: str, *, upper: bool = True, repeats: bool = True) -> Parser:
    """An identifier matching a regular expression; ``repeats=False`` for unique ones."""
    return Code(pattern, expected, upper=upper, repeats=repeats)


def domain_parser(
    func: Callable[[str], Any], project: Callable[[Any], Any] | None = None, *, repeats: bool = True
) -> Parser:
    """Wrap a ``lendtag.domain`` validator; ``repeats=False`` for values unique to a row."""
    return Domain(func, project, repeats=repeats)
