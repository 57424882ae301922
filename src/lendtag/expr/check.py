"""From sqlglot's tree to the checked tree: the allow-list of node kinds and the type rules.

``Checker.check`` looks up ``_check_<sqlglot class name>``; a node kind without a method is
outside the language and becomes an ``UnsupportedConstructError``. Errors go to a
``Collector`` (all of them up to a limit for an editor, or only the first); the part in
error is replaced by an ``Invalid`` node that fits anywhere, which keeps one mistake from
causing a cascade. This module holds the plumbing shared by the checks, which live by
subject: ``check_leaves`` (names and literals), ``check_arithmetic``, ``check_logic``
(comparisons, predicates, CASE) and ``check_calls`` (functions, and the full ``Checker``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from sqlglot import exp

from lendtag.expr import nodes as n
from lendtag.expr.errors import (
    Collector,
    ExpressionError,
    ExpressionSyntaxError,
    ExpressionTypeError,
    UnsupportedConstructError,
)
from lendtag.expr.functions import FUNCTIONS
from lendtag.expr.source_map import SourceMap
from lendtag.expr.suggest import Suggester
from lendtag.expr.types import Type, describe, unify

MAX_DEPTH = 48
"""Deepest accepted checked tree (chains such as a AND b AND c count as one level)."""

_CONSTRUCTS = {
    "Subquery": "sub-query",
    "Select": "sub-query",
    "Exists": "sub-query",
    "Cast": "cast",
    "TryCast": "cast",
    "Star": "*",
    "Window": "window function",
    "Mod": "% (modulo)",
    "IntDiv": "integer division (DIV)",
    "ILike": "ILIKE",
    "Escape": "LIKE ... ESCAPE",
    "Glob": "GLOB",
    "RegexpLike": "regular expression match",
    "NullSafeEQ": "IS NOT DISTINCT FROM",
    "NullSafeNEQ": "IS DISTINCT FROM",
    "Interval": "INTERVAL",
    "Dot": "qualified name",
    "Bracket": "subscript",
    "Array": "array",
    "Struct": "struct",
    "JSONExtract": "JSON operator",
    "National": "national string literal",
    "Collate": "COLLATE",
    "Extract": "EXTRACT",
    "Trim": "TRIM",
    "If": "IF(...)",
    "Concat": "text next to text",
}
_HINTS = {
    "If": " (write CASE WHEN condition THEN x ELSE y END)",
    "Concat": " (join text with ||)",
}


def unparen(node: exp.Expr) -> exp.Expr:
    while isinstance(node, exp.Paren):
        node = node.this
    return node


def chain(node: exp.Expr, kind: type[exp.Expr]) -> list[exp.Expr]:
    """The operands of a chain of one associative operator, left to right."""
    out: list[exp.Expr] = []
    stack: list[exp.Expr] = [node]
    while stack:
        current = unparen(stack.pop())
        if type(current) is kind:
            stack.append(current.expression)
            stack.append(current.this)
        else:
            out.append(current)
    return out


class BaseChecker:
    """The plumbing of the checks: dispatch by node kind, errors, settling NULL, unifying."""

    def __init__(
        self, text: str, schema: dict[str, Type], source_map: SourceMap, errors: Collector
    ) -> None:
        self.text = text
        self.schema = schema
        self.map = source_map
        self.errors = errors
        self._depth = 0
        self._too_deep = False
        self._folded: dict[str, list[str]] = {}
        for name in schema:
            self._folded.setdefault(name.lower(), []).append(name)
        self._names: Suggester | None = None
        self._functions: Suggester | None = None

    def check(self, node: exp.Expr) -> n.Node:
        if self._depth >= MAX_DEPTH:
            start, end = self.map.subtree(node)
            if not self._too_deep:
                self._too_deep = True
                self.fail(
                    ExpressionSyntaxError,
                    f"the expression is nested more than {MAX_DEPTH} levels deep",
                    (start, end),
                    construct="nesting",
                )
            return n.Invalid(type=Type.NULL, start=start, end=end)
        method: Callable[[exp.Expr], n.Node] | None = getattr(
            self, f"_check_{type(node).__name__}", None
        )
        self._depth += 1
        try:
            if method is None:
                return self._unsupported(node)
            return method(node)
        finally:
            self._depth -= 1

    # -- errors ------------------------------------------------------------------------------

    def fail(
        self,
        error_class: type[ExpressionError],
        message: str,
        span: tuple[int, int],
        construct: str | None = None,
    ) -> n.Invalid:
        """Report an error over ``span`` and return the ``Invalid`` node that stands in."""
        if self.errors.room():
            self.errors.add(
                error_class(
                    message, source=self.text, start=span[0], end=span[1], construct=construct
                )
            )
        return n.Invalid(type=Type.NULL, start=span[0], end=span[1])

    def type_error(self, message: str, at: n.Node | tuple[int, int]) -> n.Invalid:
        span = at if isinstance(at, tuple) else (at.start, at.end)
        return self.fail(ExpressionTypeError, message, span, construct="type")

    def suggest_name(self, word: str) -> tuple[str, ...]:
        if self._names is None:
            self._names = Suggester(self.schema)
        return self._names(word)

    def suggest_function(self, word: str) -> tuple[str, ...]:
        if self._functions is None:
            self._functions = Suggester(FUNCTIONS)
        return self._functions(word)

    @staticmethod
    def span(*parts: n.Node) -> tuple[int, int]:
        return min(p.start for p in parts), max(p.end for p in parts)

    def operator_span(self, left: n.Node, right: n.Node) -> tuple[int, int]:
        return self.map.between(left.end, right.start) or self.span(left, right)

    def _unsupported(self, node: exp.Expr) -> n.Node:
        name = type(node).__name__
        construct = _CONSTRUCTS.get(name, re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower())
        span = self.map.own(node)
        if span is None and isinstance(node, exp.Func):
            span = self.map.call_name(node)
        return self.fail(
            UnsupportedConstructError,
            f"{construct} is not part of the expression language{_HINTS.get(name, '')}",
            span or self.map.subtree(node),
            construct=construct,
        )

    # -- settling NULL and unifying ----------------------------------------------------------

    def settle(self, node: n.Node, type_: Type) -> n.Node:
        """Give a NULL-typed part (a bare NULL, a CASE of NULLs) the type its context needs."""
        if node.type != Type.NULL or type_ == Type.NULL:
            return node
        if isinstance(node, n.Case):
            whens = tuple((c, self.settle(r, type_)) for c, r in node.whens)
            default = None if node.default is None else self.settle(node.default, type_)
            return n.Case(
                type=type_,
                start=node.start,
                end=node.end,
                operand=node.operand,
                whens=whens,
                default=default,
            )
        if isinstance(node, n.Call):
            args = tuple(self.settle(a, type_) for a in node.args)
            return n.Call(type=type_, start=node.start, end=node.end, name=node.name, args=args)
        return node.with_type(type_)

    def unify_all(
        self, parts: Sequence[n.Node], what: str, *, ordered: bool = False
    ) -> tuple[Type, list[n.Node]] | None:
        """The common type of ``parts`` (settled to it), or None after reporting an error."""
        common = Type.NULL
        for part in parts:
            joined = unify(common, part.type)
            if joined is None:
                self.type_error(
                    f"{what} must all have one type: this one is {describe(part.type)},"
                    f" the ones before it are {describe(common)}",
                    part,
                )
                return None
            common = joined
        if ordered and common == Type.BOOLEAN:
            self.type_error(f"{what} cannot be booleans: booleans have no order", parts[0])
            return None
        return common, [self.settle(p, common) for p in parts]

    def expect(self, node: n.Node, wanted: frozenset[Type], what: str) -> n.Node:
        """``node`` if its type is one of ``wanted``; a NULL settled to the first of ``wanted``
        in name order (integer for numbers); otherwise a type error."""
        if node.type == Type.NULL:
            return self.settle(node, min(wanted))
        if node.type in wanted:
            return node
        need = " or ".join(sorted(describe(t) for t in wanted))
        return self.type_error(f"{what} needs {need}, not {describe(node.type)}", node)
