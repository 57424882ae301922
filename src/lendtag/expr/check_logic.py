"""Checks of conditions: comparisons, AND/OR/NOT, IN, BETWEEN, IS NULL, LIKE and CASE."""

from __future__ import annotations

from dataclasses import replace

from sqlglot import exp
from sqlglot.tokenizer_core import TokenType

from lendtag.expr import nodes as n
from lendtag.expr.check import BaseChecker, chain
from lendtag.expr.errors import ExpressionSyntaxError, UnsupportedConstructError
from lendtag.expr.types import Type, describe, unify

_COMPARISONS = {"EQ": "=", "NEQ": "<>", "LT": "<", "LTE": "<=", "GT": ">", "GTE": ">="}


class LogicChecker(BaseChecker):
    """Comparisons, logic, the predicates and CASE."""

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
        parts = [self.check(p) for p in chain(node, type(node))]
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
