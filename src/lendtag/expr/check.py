"""From sqlglot's tree to the checked tree: the allow-list of node kinds and the type rules.

``Checker.check`` looks up ``_check_<sqlglot class name>``; a node kind without a method is
outside the language and becomes an ``UnsupportedConstructError``. Errors are collected, not
raised, so an editor can show them all at once; the part in error is replaced by an
``Invalid`` node that fits anywhere, which keeps one mistake from causing a cascade.
Function calls are checked in ``check_calls``, which adds them to this class.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from sqlglot import exp
from sqlglot.tokenizer_core import TokenType

from lendtag.expr import nodes as n
from lendtag.expr.errors import (
    ExpressionError,
    ExpressionSyntaxError,
    ExpressionTypeError,
    UnknownNameError,
    UnsupportedConstructError,
)
from lendtag.expr.functions import FUNCTIONS
from lendtag.expr.parse import SourceMap, suggest
from lendtag.expr.types import NUMERIC, Type, describe, unify

MAX_DEPTH = 48
"""Deepest accepted checked tree (chains such as a AND b AND c count as one level)."""

_INTEGER = re.compile(r"\d+\Z")
_DECIMAL = re.compile(r"(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?\Z")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_INT64_MAX = 2**63 - 1
_COMPARISONS = {"EQ": "=", "NEQ": "<>", "LT": "<", "LTE": "<=", "GT": ">", "GTE": ">="}
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
}


def _unparen(node: exp.Expr) -> exp.Expr:
    while isinstance(node, exp.Paren):
        node = node.this
    return node


class BaseChecker:
    """Checks operators and leaves; ``check_calls.Checker`` adds the function calls."""

    def __init__(self, text: str, schema: dict[str, Type], source_map: SourceMap) -> None:
        self.text = text
        self.schema = schema
        self.map = source_map
        self.errors: list[ExpressionError] = []
        self._depth = 0
        self._too_deep = False
        self._folded: dict[str, list[str]] = {}
        for name in schema:
            self._folded.setdefault(name.lower(), []).append(name)

    # -- plumbing ---------------------------------------------------------------------------

    def check(self, node: exp.Expr) -> n.Node:
        if self._depth >= MAX_DEPTH:
            start, end = self.map.subtree(node)
            if not self._too_deep:
                self._too_deep = True
                self.errors.append(
                    ExpressionSyntaxError(
                        f"the expression is nested more than {MAX_DEPTH} levels deep",
                        source=self.text,
                        start=start,
                        end=end,
                        construct="nesting",
                    )
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

    def fail(
        self,
        error_class: type[ExpressionError],
        message: str,
        span: tuple[int, int],
        construct: str | None = None,
    ) -> n.Invalid:
        self.errors.append(
            error_class(message, source=self.text, start=span[0], end=span[1], construct=construct)
        )
        return n.Invalid(type=Type.NULL, start=span[0], end=span[1])

    def type_error(self, message: str, at: n.Node | tuple[int, int]) -> n.Invalid:
        span = at if isinstance(at, tuple) else (at.start, at.end)
        return self.fail(ExpressionTypeError, message, span, construct="type")

    @staticmethod
    def span(*parts: n.Node) -> tuple[int, int]:
        return min(p.start for p in parts), max(p.end for p in parts)

    def operator_span(self, left: n.Node, right: n.Node) -> tuple[int, int]:
        return self.map.between(left.end, right.start) or self.span(left, right)

    def _unsupported(self, node: exp.Expr) -> n.Node:
        name = type(node).__name__
        construct = _CONSTRUCTS.get(name, re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower())
        span = self.map.own(node) or self.map.subtree(node)
        return self.fail(
            UnsupportedConstructError,
            f"{construct} is not part of the expression language",
            span,
            construct=construct,
        )

    # -- settling NULL and unifying ------------------------------------------------------------

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

    # -- leaves ------------------------------------------------------------------------------

    def _check_Paren(self, node: exp.Paren) -> n.Node:
        return self.check(node.this)

    def _check_Column(self, node: exp.Column) -> n.Node:
        if node.args.get("table") or node.args.get("db") or node.args.get("catalog"):
            return self.fail(
                UnsupportedConstructError,
                "qualified names (table.column) are not allowed: write the column name only",
                self.map.subtree(node),
                construct="qualified name",
            )
        identifier = node.this
        if not isinstance(identifier, exp.Identifier):
            return self._unsupported(identifier)
        return self._check_Identifier(identifier)

    def _check_Identifier(self, node: exp.Identifier) -> n.Node:
        written = str(node.this)
        span = self.map.own(node) or self.map.subtree(node)
        found = self.schema.get(written)
        if found is not None:
            return n.Name(type=found, start=span[0], end=span[1], name=written)
        if not node.quoted:
            folded = self._folded.get(written.lower(), [])
            if len(folded) == 1:
                name = folded[0]
                return n.Name(type=self.schema[name], start=span[0], end=span[1], name=name)
            if len(folded) > 1:
                return self.fail(
                    ExpressionSyntaxError,
                    f"{written!r} matches several names that differ only in case"
                    f" ({', '.join(sorted(folded))}); write the one you mean in double quotes",
                    span,
                    construct="name",
                )
        suggestions = suggest(written, list(self.schema))
        message = f"unknown name {written!r}"
        if suggestions:
            message += " (did you mean " + " or ".join(repr(s) for s in suggestions) + "?)"
        elif written.upper() in FUNCTIONS:
            message += f" ({written.upper()} is a function: write {written.upper()}(...))"
        self.errors.append(
            UnknownNameError(
                message,
                name=written,
                suggestions=suggestions,
                source=self.text,
                start=span[0],
                end=span[1],
            )
        )
        return n.Invalid(type=Type.NULL, start=span[0], end=span[1])

    def _check_Literal(self, node: exp.Literal) -> n.Node:
        span = self.map.own(node) or self.map.subtree(node)
        text = str(node.this)
        if node.is_string:
            return n.Literal(type=Type.TEXT, start=span[0], end=span[1], value=text)
        if _INTEGER.match(text):
            digits = text.lstrip("0") or "0"  # int() refuses very long digit strings
            value = int(digits) if len(digits) <= 19 else _INT64_MAX + 1
            if value > _INT64_MAX:
                return self.type_error(
                    f"the integer {text} is out of range (at most {_INT64_MAX});"
                    " write it with a decimal point to make it a number",
                    span,
                )
            return n.Literal(type=Type.INTEGER, start=span[0], end=span[1], value=value)
        if _DECIMAL.match(text):
            number = float(text)
            if not math.isfinite(number):
                return self.type_error(f"the number {text} is out of range", span)
            return n.Literal(type=Type.NUMBER, start=span[0], end=span[1], value=number)
        return self.fail(ExpressionSyntaxError, f"{text!r} is not a number", span, "literal")

    def _check_Null(self, node: exp.Null) -> n.Node:
        span = self.map.own(node) or self.map.subtree(node)
        return n.Literal(type=Type.NULL, start=span[0], end=span[1], value=None)

    def _check_Boolean(self, node: exp.Boolean) -> n.Node:
        span = self.map.own(node) or self.map.subtree(node)
        return n.Literal(type=Type.BOOLEAN, start=span[0], end=span[1], value=bool(node.this))

    def _check_Cast(self, node: exp.Cast) -> n.Node:
        value = node.this
        target = node.args.get("to")
        literal_span = self.map.own(value) if isinstance(value, exp.Literal) else None
        date_keyword = (
            None
            if literal_span is None
            else self.map.keyword_before(literal_span[0], frozenset({TokenType.DATE}))
        )
        if (
            literal_span is None
            or date_keyword is None
            or not value.is_string
            or not isinstance(target, exp.DataType)
            or not target.is_type(exp.DataType.Type.DATE)
        ):
            return self.fail(
                UnsupportedConstructError,
                "casts are not part of the expression language",
                self.map.own(node) or self.map.subtree(node),
                construct="cast",
            )
        span = (date_keyword, literal_span[1])
        text = str(value.this)
        try:
            if not _ISO_DATE.match(text):
                raise ValueError(text)
            day = datetime.date.fromisoformat(text)
        except ValueError:
            return self.type_error(f"{text!r} is not a date; write DATE 'YYYY-MM-DD'", span)
        return n.Literal(type=Type.DATE, start=span[0], end=span[1], value=day)

    def _check_Alias(self, node: exp.Alias) -> n.Node:
        alias = node.args.get("alias")
        span = (self.map.own(alias) if alias is not None else None) or self.map.subtree(node)
        return self.fail(
            ExpressionSyntaxError,
            f"unexpected {self.text[span[0] : span[1]]!r} after the expression",
            span,
            construct="syntax",
        )

    # -- arithmetic --------------------------------------------------------------------------

    def _check_Neg(self, node: exp.Neg) -> n.Node:
        operand = self.check(node.this)
        minus = self.map.keyword_before(operand.start, frozenset({TokenType.DASH}))
        start = operand.start if minus is None else minus
        if isinstance(operand, n.Literal) and operand.type in NUMERIC:
            assert isinstance(operand.value, int | float)
            return n.Literal(type=operand.type, start=start, end=operand.end, value=-operand.value)
        operand = self.expect(operand, NUMERIC, "unary minus")
        return n.Negate(type=operand.type, start=start, end=operand.end, operand=operand)

    def _check_Add(self, node: exp.Expr) -> n.Node:
        terms_src: list[exp.Expr] = []
        ops: list[str] = []
        current: exp.Expr = node
        while isinstance(current, exp.Add | exp.Sub):
            ops.append("+" if isinstance(current, exp.Add) else "-")
            terms_src.append(current.expression)
            current = _unparen(current.this)
        terms_src.append(current)
        terms_src.reverse()
        ops.reverse()
        terms = [self.check(t) for t in terms_src]
        checked: list[n.Node] = []
        for term, op in zip(terms, ["+", *ops], strict=True):
            if term.type == Type.DATE:
                checked.append(
                    self.type_error(
                        f"'{op}' needs numbers, not dates: use DAYS_BETWEEN(from, to)", term
                    )
                )
            elif term.type == Type.TEXT:
                checked.append(
                    self.type_error(f"'{op}' needs numbers, not text: || joins text", term)
                )
            else:
                checked.append(self.expect(term, NUMERIC, f"'{op}'"))
        numeric = [t.type for t in checked if t.type != Type.NULL]
        result = Type.INTEGER if all(t == Type.INTEGER for t in numeric) else Type.NUMBER
        settled = tuple(self.settle(t, result) for t in checked)
        start, end = self.span(*settled)
        return n.Additive(type=result, start=start, end=end, terms=settled, ops=tuple(ops))

    _check_Sub = _check_Add

    def _arithmetic(self, node: exp.Binary, op: str) -> n.Node:
        left = self.expect(self.check(node.this), NUMERIC, f"'{op}'")
        right = self.expect(self.check(node.expression), NUMERIC, f"'{op}'")
        if op == "/":
            result = Type.NUMBER
        else:
            result = Type.INTEGER if Type.NUMBER not in (left.type, right.type) else Type.NUMBER
        if left.type == Type.NULL or right.type == Type.NULL:
            other = right.type if left.type == Type.NULL else left.type
            fill = other if other in NUMERIC else Type.INTEGER
            left, right = self.settle(left, fill), self.settle(right, fill)
            if op != "/":
                result = fill
        start, end = self.span(left, right)
        return n.Arithmetic(type=result, start=start, end=end, op=op, left=left, right=right)

    def _check_Mul(self, node: exp.Mul) -> n.Node:
        return self._arithmetic(node, "*")

    def _check_Div(self, node: exp.Div) -> n.Node:
        return self._arithmetic(node, "/")

    def _check_DPipe(self, node: exp.DPipe) -> n.Node:
        parts = [self.check(p) for p in self._chain(node, exp.DPipe)]
        checked = tuple(self.expect(p, frozenset({Type.TEXT}), "'||'") for p in parts)
        start, end = self.span(*checked)
        return n.Concat(type=Type.TEXT, start=start, end=end, parts=checked)

    @staticmethod
    def _chain(node: exp.Expr, kind: type[exp.Expr]) -> list[exp.Expr]:
        """The operands of a chain of one associative operator, left to right."""
        out: list[exp.Expr] = []
        stack: list[exp.Expr] = [node]
        while stack:
            current = _unparen(stack.pop())
            if type(current) is kind:
                stack.append(current.expression)
                stack.append(current.this)
            else:
                out.append(current)
        return out

    # -- comparisons and logic ----------------------------------------------------------------

    def _comparison(self, node: exp.Binary) -> n.Node:
        op = _COMPARISONS[type(node).__name__]
        left, right = self.check(node.this), self.check(node.expression)
        at = self.operator_span(left, right)
        common = unify(left.type, right.type)
        if common is None:
            return self.type_error(
                f"cannot compare {describe(left.type)} with {describe(right.type)} using '{op}'",
                at,
            )
        if common == Type.BOOLEAN and op not in ("=", "<>"):
            return self.type_error(f"booleans have no order: '{op}' cannot compare them", at)
        left, right = self.settle(left, common), self.settle(right, common)
        start, end = self.span(left, right)
        return n.Comparison(type=Type.BOOLEAN, start=start, end=end, op=op, left=left, right=right)

    _check_EQ = _comparison
    _check_NEQ = _comparison
    _check_LT = _comparison
    _check_LTE = _comparison
    _check_GT = _comparison
    _check_GTE = _comparison

    def _logical(self, node: exp.Expr) -> n.Node:
        op = "AND" if isinstance(node, exp.And) else "OR"
        parts = [self.check(p) for p in self._chain(node, type(node))]
        checked = tuple(self.expect(p, frozenset({Type.BOOLEAN}), op) for p in parts)
        start, end = self.span(*checked)
        return n.Logical(type=Type.BOOLEAN, start=start, end=end, op=op, operands=checked)

    _check_And = _logical
    _check_Or = _logical

    def _check_Not(self, node: exp.Not) -> n.Node:
        operand = self.check(node.this)
        keyword = self.map.keyword_before(operand.start, frozenset({TokenType.NOT}))
        start = operand.start if keyword is None else min(keyword, operand.start)
        if isinstance(operand, n.InList | n.Between | n.Like | n.IsNull):
            return _negated(operand, start)
        operand = self.expect(operand, frozenset({Type.BOOLEAN}), "NOT")
        return n.Not(type=Type.BOOLEAN, start=start, end=operand.end, operand=operand)

    def _check_In(self, node: exp.In) -> n.Node:
        for unsupported in ("query", "unnest", "field"):
            if node.args.get(unsupported) is not None:
                return self.fail(
                    UnsupportedConstructError,
                    "IN takes a list of values; sub-queries are not allowed",
                    self.map.subtree(node),
                    construct="sub-query",
                )
        operand = self.check(node.this)
        items = [self.check(item) for item in node.expressions]
        if not items:
            return self.fail(
                ExpressionSyntaxError, "IN needs at least one value", self.map.subtree(node)
            )
        unified = self.unify_all([operand, *items], "the value and the IN list")
        if unified is None:
            return n.Invalid(type=Type.NULL, start=operand.start, end=items[-1].end)
        _, (operand, *rest) = unified
        end = self.map.keyword_after(rest[-1].end, frozenset({TokenType.R_PAREN}))
        end = rest[-1].end if end is None else end
        return n.InList(
            type=Type.BOOLEAN,
            start=operand.start,
            end=end,
            operand=operand,
            items=tuple(rest),
            negated=False,
        )

    def _check_Between(self, node: exp.Between) -> n.Node:
        if node.args.get("symmetric"):
            return self.fail(
                UnsupportedConstructError,
                "BETWEEN SYMMETRIC is not part of the expression language",
                self.map.subtree(node),
                construct="BETWEEN SYMMETRIC",
            )
        parts = [self.check(p) for p in (node.this, node.args["low"], node.args["high"])]
        unified = self.unify_all(parts, "the value and the bounds of BETWEEN", ordered=True)
        if unified is None:
            return n.Invalid(type=Type.NULL, start=parts[0].start, end=parts[-1].end)
        _, (operand, low, high) = unified
        return n.Between(
            type=Type.BOOLEAN,
            start=operand.start,
            end=high.end,
            operand=operand,
            low=low,
            high=high,
            negated=False,
        )

    def _check_Is(self, node: exp.Is) -> n.Node:
        target = node.expression
        if not isinstance(target, exp.Null):
            return self.fail(
                UnsupportedConstructError,
                "only IS NULL and IS NOT NULL are allowed (for IS TRUE write x = TRUE)",
                self.map.subtree(node),
                construct="IS",
            )
        operand = self.check(node.this)
        end = self.map.keyword_after(operand.end, frozenset({TokenType.NULL}))
        checked = n.IsNull(
            type=Type.BOOLEAN,
            start=operand.start,
            end=operand.end if end is None else end,
            operand=operand,
            negated=False,
        )
        return _negated(checked, checked.start) if node.args.get("negate") else checked

    def _check_Like(self, node: exp.Like) -> n.Node:
        text = frozenset({Type.TEXT})
        operand = self.expect(self.check(node.this), text, "LIKE")
        pattern = self.expect(self.check(node.expression), text, "LIKE")
        checked = n.Like(
            type=Type.BOOLEAN,
            start=operand.start,
            end=pattern.end,
            operand=operand,
            pattern=pattern,
            negated=False,
        )
        return _negated(checked, checked.start) if node.args.get("negate") else checked

    def _check_Case(self, node: exp.Case) -> n.Node:
        operand = None if node.this is None else self.check(node.this)
        conditions = [self.check(branch.this) for branch in node.args.get("ifs") or []]
        results = [self.check(branch.args["true"]) for branch in node.args.get("ifs") or []]
        default_src = node.args.get("default")
        default = None if default_src is None else self.check(default_src)
        if operand is None:
            conditions = [
                self.expect(c, frozenset({Type.BOOLEAN}), "a WHEN condition") for c in conditions
            ]
        else:
            unified = self.unify_all([operand, *conditions], "the CASE value and its WHEN values")
            if unified is not None:
                operand, *conditions = unified[1]
        arms = results + ([] if default is None else [default])
        unified_results = self.unify_all(arms, "the results of CASE (THEN and ELSE)")
        if unified_results is None:
            result_type = Type.NULL
        else:
            result_type, arms = unified_results
        parts = [p for p in (operand, *conditions, *arms) if p is not None]
        start, end = self.span(*parts)
        case_kw = self.map.keyword_before(start, frozenset({TokenType.CASE}))
        end_kw = self.map.keyword_after(end, frozenset({TokenType.END}))
        whens = tuple(zip(conditions, arms[: len(conditions)], strict=True))
        return n.Case(
            type=result_type,
            start=start if case_kw is None else case_kw,
            end=end if end_kw is None else end_kw,
            operand=operand,
            whens=whens,
            default=None if default is None else arms[-1],
        )


def _negated(node: n.Node, start: int) -> n.Node:
    """``node`` (IN, BETWEEN, LIKE or IS NULL) with its NOT flag flipped."""
    assert isinstance(node, n.InList | n.Between | n.Like | n.IsNull)
    return replace(node, negated=not node.negated, start=min(start, node.start))
