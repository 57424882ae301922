"""Checking function calls (the name, the number of arguments and their types), and the
full ``Checker`` that joins every check.

``_check_Anonymous`` handles every call (the parser leaves all calls anonymous) and hands
the checked arguments to ``_function_<name>``.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

from lendtag.expr import nodes as n
from lendtag.expr.check_arithmetic import ArithmeticChecker
from lendtag.expr.check_leaves import LeafChecker
from lendtag.expr.check_logic import LogicChecker
from lendtag.expr.errors import ExpressionTypeError, UnknownNameError
from lendtag.expr.functions import FUNCTIONS, ROUND_MAX_DIGITS, ROUND_MIN_DIGITS, Function
from lendtag.expr.suggest import did_you_mean
from lendtag.expr.types import NUMERIC, Type

_TEXT = frozenset({Type.TEXT})
_DATE = frozenset({Type.DATE})
Span = tuple[int, int]


class Checker(LeafChecker, ArithmeticChecker, LogicChecker):
    """The full checker: leaves, operators, conditions and the language's functions."""

    def _check_Anonymous(self, node: exp.Anonymous) -> n.Node:
        span = self.map.own(node) or self.map.subtree(node)
        written = node.this if isinstance(node.this, str) else node.name
        function = FUNCTIONS.get(written.upper()) if isinstance(node.this, str) else None
        if function is None:
            if self.errors.room():
                suggestions = self.suggest_function(written)
                message = f"unknown function '{written}'{did_you_mean(suggestions)}"
                if written.upper() == "DATE":
                    message += "; a date literal is written DATE 'YYYY-MM-DD'"
                self.errors.add(
                    UnknownNameError(
                        message,
                        name=written,
                        suggestions=suggestions,
                        is_function=True,
                        source=self.text,
                        start=span[0],
                        end=span[0] + len(written),
                    )
                )
            return n.Invalid(type=Type.NULL, start=span[0], end=span[1])
        args = [self.check(arg) for arg in node.expressions]
        if not _arity_ok(function, len(args)):
            return self.fail(
                ExpressionTypeError,
                f"{function.signature} takes {_arity(function)}, not {len(args)}",
                span,
                construct=function.name,
            )
        method: Callable[[list[n.Node], Span], n.Node] = getattr(
            self, f"_function_{function.name.lower()}"
        )
        return method(args, span)

    def _call(self, name: str, type_: Type, args: list[n.Node], span: Span) -> n.Call:
        return n.Call(type=type_, start=span[0], end=span[1], name=name, args=tuple(args))

    def _polymorphic(
        self, name: str, args: list[n.Node], span: Span, *, ordered: bool = False
    ) -> n.Node:
        unified = self.unify_all(args, f"the arguments of {name}", ordered=ordered)
        if unified is None:
            return n.Invalid(type=Type.NULL, start=span[0], end=span[1])
        common, settled = unified
        return self._call(name, common, settled, span)

    def _function_coalesce(self, args: list[n.Node], span: Span) -> n.Node:
        return self._polymorphic("COALESCE", args, span)

    def _function_nullif(self, args: list[n.Node], span: Span) -> n.Node:
        return self._polymorphic("NULLIF", args, span)

    def _function_least(self, args: list[n.Node], span: Span) -> n.Node:
        return self._polymorphic("LEAST", args, span, ordered=True)

    def _function_greatest(self, args: list[n.Node], span: Span) -> n.Node:
        return self._polymorphic("GREATEST", args, span, ordered=True)

    def _function_abs(self, args: list[n.Node], span: Span) -> n.Node:
        value = self.expect(args[0], NUMERIC, "ABS")
        return self._call("ABS", value.type if value.type in NUMERIC else Type.NULL, [value], span)

    def _function_round(self, args: list[n.Node], span: Span) -> n.Node:
        value = self.settle(args[0], Type.NUMBER)
        value = self.expect(value, NUMERIC, "ROUND")
        checked = [value]
        if len(args) == 2:
            digits = args[1]
            if (
                not isinstance(digits, n.Literal)
                or digits.type != Type.INTEGER
                or not isinstance(digits.value, int)
                or not ROUND_MIN_DIGITS <= digits.value <= ROUND_MAX_DIGITS
            ):
                if not isinstance(digits, n.Invalid):
                    self.type_error(
                        "the places of ROUND(x, n) must be a whole-number literal from"
                        f" {ROUND_MIN_DIGITS} to {ROUND_MAX_DIGITS}",
                        digits,
                    )
                return n.Invalid(type=Type.NULL, start=span[0], end=span[1])
            checked.append(digits)
        return self._call("ROUND", Type.NUMBER, checked, span)

    def _text_function(self, name: str, result: Type, args: list[n.Node], span: Span) -> n.Node:
        return self._call(name, result, [self.expect(args[0], _TEXT, name)], span)

    def _function_lower(self, args: list[n.Node], span: Span) -> n.Node:
        return self._text_function("LOWER", Type.TEXT, args, span)

    def _function_upper(self, args: list[n.Node], span: Span) -> n.Node:
        return self._text_function("UPPER", Type.TEXT, args, span)

    def _function_length(self, args: list[n.Node], span: Span) -> n.Node:
        return self._text_function("LENGTH", Type.INTEGER, args, span)

    def _between_dates(self, name: str, args: list[n.Node], span: Span) -> n.Node:
        dates = [self.expect(a, _DATE, name) for a in args]
        return self._call(name, Type.INTEGER, dates, span)

    def _function_days_between(self, args: list[n.Node], span: Span) -> n.Node:
        return self._between_dates("DAYS_BETWEEN", args, span)

    def _function_months_between(self, args: list[n.Node], span: Span) -> n.Node:
        return self._between_dates("MONTHS_BETWEEN", args, span)

    def _function_years_between(self, args: list[n.Node], span: Span) -> n.Node:
        return self._between_dates("YEARS_BETWEEN", args, span)

    def _function_as_of(self, args: list[n.Node], span: Span) -> n.Node:
        return n.AsOf(type=Type.DATE, start=span[0], end=span[1])


def _arity_ok(function: Function, count: int) -> bool:
    if count < function.min_args:
        return False
    return function.max_args is None or count <= function.max_args


def _arity(function: Function) -> str:
    low, high = function.min_args, function.max_args
    noun = "argument" if low == 1 and high == 1 else "arguments"
    if high is None:
        return f"{low} or more {noun}"
    if low == high:
        return "no arguments" if low == 0 else f"{low} {noun}"
    return f"{low} to {high} {noun}"
