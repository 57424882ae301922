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

import unicodedata
from typing import Any


class ExpressionError(Exception):
    """A problem with an expression, located in its source text when the text is known."""

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
        self.line: int | None = None
        self.column: int | None = None
        if start is not None:
            self.line = source.count("\n", 0, start) + 1
            self.column = start - (source.rfind("\n", 0, start) + 1) + 1
        super().__init__(self.render())

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
        pad = "".join("\t" if ch == "\t" else " " * _width(ch) for ch in before)
        carets = "^" * max(1, sum(_width(ch) for ch in marked))
        return f"{line}\n{pad}{carets}"

    def render(self) -> str:
        """The full message: what is wrong, where, and the highlighted source line."""
        if self.line is None:
            return self.message
        lines = [self.message, f"  line {self.line}, column {self.column}:"]
        lines.extend("    " + part for part in self.highlight.split("\n"))
        return "\n".join(lines)

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
    Exception.__init__(error, error.render())
    return error


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
