"""Errors of the expression language, one class per stage.

Every error carries the source text and the character offsets of the offending part, from
which it derives a 1-based line and column and a caret-highlighted source line::

    unknown name 'debt_ratoi' (did you mean 'debt_ratio'?)
      line 1, column 1:
        debt_ratoi > 0.7
        ^^^^^^^^^^

``ExpressionError`` is the base; the stages raise ``ExpressionSyntaxError`` (and its
``UnsupportedConstructError``), ``UnknownNameError``, ``ExpressionTypeError``; a bad schema
raises ``SchemaError`` and evaluation with unusable inputs raises ``EvaluationError``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any


class ExpressionError(Exception):
    """A problem with an expression, located in its source text when the text is known.

    Building one costs the same whatever the length of the text: the line, the column and
    the caret-highlighted rendering are worked out when first asked for (``str(error)``,
    ``line``, ``highlight``, ``to_dict()``), so collecting errors stays linear in the text.
    """

    kind = "expression_error"

    def __init__(
        self,
        message: str,
        *,
        source: str = "",
        start: int | None = None,
        end: int | None = None,
        construct: str | None = None,
    ) -> None:
        self.message = message
        self.source = source
        self.construct = construct
        if start is not None:
            start = max(0, min(start, len(source)))
            end = start + 1 if end is None else max(start, min(end, len(source)))
        self.start = start
        self.end = end
        self._position: tuple[int, int] | None = None
        super().__init__(message)

    def _line_and_column(self) -> tuple[int, int] | None:
        if self.start is None:
            return None
        if self._position is None:
            line = self.source.count("\n", 0, self.start) + 1
            column = self.start - (self.source.rfind("\n", 0, self.start) + 1) + 1
            self._position = (line, column)
        return self._position

    @property
    def line(self) -> int | None:
        """1-based line of the start of the offending part (None when not located)."""
        position = self._line_and_column()
        return None if position is None else position[0]

    @property
    def column(self) -> int | None:
        """1-based column, in characters, of the start of the offending part."""
        position = self._line_and_column()
        return None if position is None else position[1]

    @property
    def highlight(self) -> str:
        """The source line of the error and a caret line under the offending part."""
        if self.start is None or self.end is None:
            return ""
        line_start = self.source.rfind("\n", 0, self.start) + 1
        line_end = self.source.find("\n", self.start)
        if line_end == -1:
            line_end = len(self.source)
        line = self.source[line_start:line_end]
        before = self.source[line_start : self.start]
        marked = self.source[self.start : min(self.end, line_end)]
        return f"{line}\n{_padding(before)}{'^' * max(1, _display_width(marked))}"

    def render(self) -> str:
        """The full message: what is wrong, where, and the highlighted source line."""
        if self.line is None:
            return self.message
        lines = [self.message, f"  line {self.line}, column {self.column}:"]
        lines.extend("    " + part for part in self.highlight.split("\n"))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description, e.g. for an editor that underlines the problem."""
        return {
            "kind": self.kind,
            "message": self.message,
            "line": self.line,
            "column": self.column,
            "start": self.start,
            "end": self.end,
            "construct": self.construct,
        }

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.__dict__.copy()))


def _rebuild(cls: type[ExpressionError], state: dict[str, Any]) -> ExpressionError:
    error = cls.__new__(cls)
    error.__dict__.update(state)
    Exception.__init__(error, error.message)
    return error


_NOT_TAB = re.compile(r"[^\t]")


def _padding(before: str) -> str:
    """Blanks as wide on screen as ``before`` (tabs kept), in one pass over it."""
    if before.isascii():
        return _NOT_TAB.sub(" ", before)
    return "".join("\t" if ch == "\t" else " " * _width(ch) for ch in before)


def _display_width(text: str) -> int:
    return len(text) if text.isascii() else sum(_width(ch) for ch in text)


def _width(ch: str) -> int:
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


class ExpressionSyntaxError(ExpressionError):
    """The text is not a well-formed expression."""

    kind = "syntax_error"


class UnsupportedConstructError(ExpressionSyntaxError):
    """Well-formed SQL, but outside the language (a sub-query, a cast, a statement, ...)."""

    kind = "unsupported_construct"


class UnknownNameError(ExpressionError):
    """A name that is not in the schema, or a function that is not in the language."""

    kind = "unknown_name"

    def __init__(
        self,
        message: str,
        *,
        name: str,
        suggestions: tuple[str, ...] = (),
        is_function: bool = False,
        source: str = "",
        start: int | None = None,
        end: int | None = None,
    ) -> None:
        self.name = name
        self.suggestions = suggestions
        self.is_function = is_function
        super().__init__(
            message,
            source=source,
            start=start,
            end=end,
            construct="function" if is_function else "name",
        )

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        data["name"] = self.name
        data["suggestions"] = list(self.suggestions)
        return data


class ExpressionTypeError(ExpressionError):
    """Operands or arguments of the wrong type, or the wrong number of arguments."""

    kind = "type_error"


class SchemaError(ExpressionError):
    """The schema handed to the compiler is itself wrong (unknown type, empty name)."""

    kind = "schema_error"


class EvaluationError(ExpressionError):
    """Evaluation cannot start: the as-of date is missing or an input has the wrong kind."""

    kind = "evaluation_error"


MAX_ERRORS = 50
"""Most errors ``check_expression`` lists; past it, one ``ErrorLimitError`` gives the count."""


class ErrorLimitError(ExpressionError):
    """The last item of a ``check_expression`` list cut at ``MAX_ERRORS``: how many more."""

    kind = "error_limit"

    def __init__(self, omitted: int, *, source: str = "") -> None:
        self.omitted = omitted
        more = "1 more error" if omitted == 1 else f"{omitted:,} more errors"
        super().__init__(
            f"... and {more} (at most {MAX_ERRORS} are listed; fix these first)",
            source=source,
            construct="error limit",
        )

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        data["omitted"] = self.omitted
        return data


class Collector:
    """The errors of one compile, in the order found.

    ``check_expression`` keeps up to ``MAX_ERRORS`` and past that only counts them
    (``omitted``); ``compile_expression`` keeps one and stops there (``add`` raises
    ``Collector.Stop``), so a text with thousands of errors costs no more than its first.
    Callers ask ``room()`` before building an error, so errors past the limit are never built.
    """

    class Stop(Exception):  # noqa: N818 -- control flow, never escapes the compiler
        """The first error of a compile that stops at the first error has been found."""

    def __init__(self, limit: int, *, stop: bool) -> None:
        self.limit = limit
        self.stop = stop
        self.errors: list[ExpressionError] = []
        self.omitted = 0

    def room(self) -> bool:
        """Whether the next error is kept (build it then); otherwise it is only counted."""
        if len(self.errors) < self.limit:
            return True
        self.omitted += 1
        return False

    def add(self, error: ExpressionError) -> None:
        self.errors.append(error)
        if self.stop and len(self.errors) >= self.limit:
            raise Collector.Stop
