"""Checks of arithmetic: ``+ - * /``, unary minus and ``||``, with their result types.

Sums and ``||`` chains are checked flat. Integer arithmetic on literals alone is worked
out here, so a result outside the 64-bit integers is an error before any engine sees it.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.tokenizer_core import TokenType

from lendtag.expr import nodes as n
from lendtag.expr.check import BaseChecker, chain, unparen
from lendtag.expr.check_leaves import INT64_MAX
from lendtag.expr.types import NUMERIC, Type

INT64_MIN = -(2**63)


class ArithmeticChecker(BaseChecker):
    """``+ - * /``, unary minus and ``||``."""

    def _check_Neg(self, node: exp.Neg) -> n.Node:
        operand = self.check(node.this)
        minus = self.map.keyword_before(operand.start, frozenset({TokenType.DASH}))
        start = operand.start if minus is None else minus
        if isinstance(operand, n.Literal) and operand.type in NUMERIC:
            assert isinstance(operand.value, int | float)
            return n.Literal(type=operand.type, start=start, end=operand.end, value=-operand.value)
        operand = self.expect(operand, NUMERIC, "unary minus")
        negated = n.Negate(type=operand.type, start=start, end=operand.end, operand=operand)
        return self.in_range(negated)

    def _check_Add(self, node: exp.Expr) -> n.Node:
        terms_src: list[exp.Expr] = []
        ops: list[str] = []
        current: exp.Expr = node
        while isinstance(current, exp.Add | exp.Sub):
            ops.append("+" if isinstance(current, exp.Add) else "-")
            terms_src.append(current.expression)
            current = unparen(current.this)
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
        total = n.Additive(type=result, start=start, end=end, terms=settled, ops=tuple(ops))
        return self.in_range(total)

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
        return self.in_range(
            n.Arithmetic(type=result, start=start, end=end, op=op, left=left, right=right)
        )

    def _check_Mul(self, node: exp.Mul) -> n.Node:
        return self._arithmetic(node, "*")

    def _check_Div(self, node: exp.Div) -> n.Node:
        return self._arithmetic(node, "/")

    def _check_DPipe(self, node: exp.DPipe) -> n.Node:
        parts = [self.check(p) for p in chain(node, exp.DPipe)]
        checked = tuple(self.expect(p, frozenset({Type.TEXT}), "'||'") for p in parts)
        start, end = self.span(*checked)
        return n.Concat(type=Type.TEXT, start=start, end=end, parts=checked)

    def in_range(self, node: n.Node) -> n.Node:
        """``node``, unless it is integer arithmetic on literals only whose value (or a
        partial result on the way, left to right) leaves the 64-bit integers: PostgreSQL and
        DuckDB would raise an error, SQLite turn to a double, Spark wrap around."""
        if node.type != Type.INTEGER:
            return node
        try:
            constant_integer(node)
        except OverflowError as exc:
            return self.type_error(
                f"this integer arithmetic overflows: {exc} is beyond the 64-bit integers"
                f" ({INT64_MIN} to {INT64_MAX}); write a decimal point (1.0) to compute"
                " it as a number",
                node,
            )
        return node


def constant_integer(node: n.Node) -> int | None:
    """The value of integer arithmetic on literals only (None if it reads anything else);
    raises OverflowError with the first value out of the 64-bit range."""
    if isinstance(node, n.Literal):
        value = node.value
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    if isinstance(node, n.Negate):
        inner = constant_integer(node.operand)
        return None if inner is None else _checked(-inner)
    if isinstance(node, n.Arithmetic) and node.op == "*":
        left, right = constant_integer(node.left), constant_integer(node.right)
        return None if left is None or right is None else _checked(left * right)
    if isinstance(node, n.Additive):
        values = [constant_integer(t) for t in node.terms]
        if any(v is None for v in values):
            return None
        total = values[0]
        assert total is not None
        for op, value in zip(node.ops, values[1:], strict=True):
            assert value is not None
            total = _checked(total + value if op == "+" else total - value)
        return total
    return None


def _checked(value: int) -> int:
    if not INT64_MIN <= value <= INT64_MAX:
        raise OverflowError(str(value))
    return value
