"""The SQL back end: the checked tree becomes a sqlglot tree for one dialect.

Every value reaches SQL as a sqlglot node (``exp.Literal``, quoted ``exp.Identifier``), and
the text comes out of sqlglot's generator. The same semantics hold on every engine, so the
translation differs by dialect where the engines differ; ``SqlCompiler`` writes the common
form and one subclass per dialect overrides the hooks (see docs/expressions.md):

- numbers are doubles: decimal literals are cast to DOUBLE where a bare literal would be an
  exact decimal (PostgreSQL, DuckDB, Spark); ``/`` casts its left side to DOUBLE and divides
  by ``NULLIF(right, 0)``;
- integer literals are widened to BIGINT where two 32-bit literals could overflow;
- text is ordered by code point (``COLLATE "C"`` on PostgreSQL) and LOWER/UPPER touch only
  A-Z; LIKE is case-sensitive with no escape character (GLOB on SQLite);
- ROUND, LEAST/GREATEST and the date functions are written out where the native ones differ.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any, ClassVar

from sqlglot import exp
from sqlglot.errors import ErrorLevel

from lendtag.expr import nodes as n
from lendtag.expr.sql_build import bound, call, cast, double_percent, is_wide, number, paren
from lendtag.expr.types import Type

DIALECTS = ("sqlite", "postgres", "duckdb", "spark")
PARAM_STYLES = ("colon", "dollar", "pyformat")
_PARAM_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER = "abcdefghijklmnopqrstuvwxyz"
_COMPARE: dict[str, type[exp.Binary]] = {
    "=": exp.EQ, "<>": exp.NEQ, "<": exp.LT, "<=": exp.LTE, ">": exp.GT, ">=": exp.GTE,
}  # fmt: skip
_ORDERING = frozenset({"<", "<=", ">", ">="})
_SQL_TYPES = {
    Type.INTEGER: "BIGINT",
    Type.NUMBER: "DOUBLE",
    Type.TEXT: "TEXT",
    Type.BOOLEAN: "BOOLEAN",
    Type.DATE: "DATE",
}


class SqlCompiler:
    """The common translation; dialect subclasses override the hooks below."""

    dialect: ClassVar[str] = ""
    CAST_DECIMALS: ClassVar[bool] = True
    TYPED_NULLS: ClassVar[bool] = True
    WIDEN_INTEGERS: ClassVar[bool] = True
    DEFAULT_PARAM_STYLE: ClassVar[str] = "colon"

    def __init__(self, *, as_of: datetime.date | None, param: str, param_style: str | None) -> None:
        if not _PARAM_NAME.match(param):
            raise ValueError(f"the parameter name must be an identifier, got {param!r}")
        style = param_style or self.DEFAULT_PARAM_STYLE
        if style not in PARAM_STYLES:
            raise ValueError(f"unknown param_style {style!r}; expected one of {PARAM_STYLES}")
        self.as_of = as_of
        self.param = param
        self.param_style = style
        self.placeholder_used = False

    def sql(self, node: n.Node) -> exp.Expr:
        method: Callable[[Any], exp.Expr] = getattr(self, f"_visit_{type(node).__name__}")
        return method(node)

    def generate(self, node: n.Node) -> str:
        tree = self.sql(node)
        if self.placeholder_used and self.param_style == "pyformat":
            tree = tree.transform(double_percent)
        return tree.sql(dialect=self.dialect, unsupported_level=ErrorLevel.RAISE)

    # -- hooks -------------------------------------------------------------------------------

    def sql_type(self, type_: Type) -> str:
        return _SQL_TYPES[type_]

    def date_literal(self, value: datetime.date) -> exp.Expr:
        return cast(exp.Literal.string(value.isoformat()), "DATE")

    def placeholder_marker(self) -> exp.Expr:
        """The bound parameter of the as-of date, written in the chosen style."""
        self.placeholder_used = True
        marker = {"colon": f":{self.param}", "dollar": f"${self.param}"}.get(
            self.param_style, f"%({self.param})s"
        )
        return exp.Var(this=marker)

    def placeholder(self) -> exp.Expr:
        return cast(self.placeholder_marker(), "DATE")

    def ordered_text(self, node: exp.Expr) -> exp.Expr:
        """A text operand of an ordering (<, BETWEEN, LEAST): code-point order everywhere."""
        return node

    def like(self, operand: exp.Expr, pattern: n.Node) -> exp.Expr:
        return exp.Like(this=operand, expression=paren(self.sql(pattern), 4, strict=True))

    def case_fold(self, operand: exp.Expr, upper: bool) -> exp.Expr:
        source, target = (_LOWER, _UPPER) if upper else (_UPPER, _LOWER)
        return call("TRANSLATE", operand, exp.Literal.string(source), exp.Literal.string(target))

    def extreme(self, name: str, args: list[exp.Expr]) -> exp.Expr:
        return call(name, *args)

    def round(self, value: exp.Expr, digits: int) -> exp.Expr:
        """``SIGN(x) * FLOOR(ABS(x) * 10^n + 0.5) / 10^n`` over doubles."""
        scaled: exp.Expr = call("ABS", value)
        if digits > 0:
            scaled = exp.Mul(this=scaled, expression=number(10.0**digits))
        elif digits < 0:
            scaled = exp.Div(this=scaled, expression=number(10.0**-digits), typed=True)
        floor = call("FLOOR", exp.Add(this=scaled, expression=number(0.5)))
        result: exp.Expr = exp.Mul(this=call("SIGN", value), expression=floor)
        if digits > 0:
            result = exp.Div(this=result, expression=number(10.0**digits), typed=True)
        elif digits < 0:
            result = exp.Mul(this=result, expression=number(10.0**-digits))
        return result

    def days_between(self, start: exp.Expr, end: exp.Expr) -> exp.Expr:
        return exp.Sub(this=paren(end, 6), expression=paren(start, 6, strict=True))

    def date_part(self, part: str, value: exp.Expr) -> exp.Expr:
        return call(part, value)

    def truncating_division(self, value: exp.Expr, unit: int) -> exp.Expr:
        return exp.IntDiv(this=paren(value, 7), expression=exp.Literal.number(unit))

    # -- helpers -----------------------------------------------------------------------------

    def widened(self, parts: list[n.Node], result: Type) -> list[exp.Expr]:
        """The SQL of integer operands, the first cast to BIGINT if none is 64-bit already."""
        out = [self.sql(p) for p in parts]
        if result == Type.INTEGER and self.WIDEN_INTEGERS and not any(map(is_wide, parts)):
            out[0] = cast(out[0], "BIGINT")
        return out

    def text_operand(self, node: n.Node, sql: exp.Expr) -> exp.Expr:
        return self.ordered_text(sql) if node.type == Type.TEXT else sql

    def date_key(self, value: exp.Expr, year_weight: int) -> exp.Expr:
        """``year * year_weight + month * 32 + day`` for a date."""
        year = exp.Mul(
            this=self.date_part("YEAR", value), expression=exp.Literal.number(year_weight)
        )
        month = exp.Mul(this=self.date_part("MONTH", value), expression=exp.Literal.number(32))
        with_month = exp.Add(this=year, expression=month)
        return exp.Add(this=with_month, expression=self.date_part("DAY", value))

    def complete_periods(self, node: n.Call, year_weight: int, unit: int) -> exp.Expr:
        start, end = (self.sql(a) for a in node.args)
        difference = exp.Sub(
            this=self.date_key(end, year_weight),
            expression=exp.Paren(this=self.date_key(start, year_weight)),
        )
        return self.truncating_division(exp.Paren(this=difference), unit)

    # -- leaves ------------------------------------------------------------------------------

    def _visit_Literal(self, node: n.Literal) -> exp.Expr:
        value = node.value
        if value is None:
            if self.TYPED_NULLS and node.type != Type.NULL:
                return cast(exp.Null(), self.sql_type(node.type))
            return exp.Null()
        if isinstance(value, bool):
            return exp.Boolean(this=value)
        if isinstance(value, int):
            return exp.Literal.number(value)
        if isinstance(value, float):
            literal = number(value)
            return cast(literal, "DOUBLE") if self.CAST_DECIMALS else literal
        if isinstance(value, datetime.date):
            return self.date_literal(value)
        return exp.Literal.string(value)

    def _visit_Name(self, node: n.Name) -> exp.Expr:
        return exp.Column(this=exp.Identifier(this=node.name, quoted=True))

    def _visit_AsOf(self, node: n.AsOf) -> exp.Expr:
        return self.placeholder() if self.as_of is None else self.date_literal(self.as_of)

    # -- operators ---------------------------------------------------------------------------

    def _visit_Negate(self, node: n.Negate) -> exp.Expr:
        return exp.Neg(this=paren(self.sql(node.operand), 9))

    def _visit_Additive(self, node: n.Additive) -> exp.Expr:
        terms = self.widened(list(node.terms), node.type)
        result = paren(terms[0], 6)
        for op, term in zip(node.ops, terms[1:], strict=True):
            kind = exp.Add if op == "+" else exp.Sub
            result = kind(this=result, expression=paren(term, 6, strict=True))
        return result

    def _visit_Arithmetic(self, node: n.Arithmetic) -> exp.Expr:
        if node.op == "/":
            left = cast(self.sql(node.left), "DOUBLE")
            right = self.sql(node.right)
            constant = isinstance(node.right, n.Literal) and node.right.value not in (None, 0)
            if not constant:
                right = call("NULLIF", right, exp.Literal.number(0))
            return exp.Div(this=left, expression=paren(right, 7, strict=True))
        left_sql, right_sql = self.widened([node.left, node.right], node.type)
        return exp.Mul(this=paren(left_sql, 7), expression=paren(right_sql, 7, strict=True))

    def _visit_Comparison(self, node: n.Comparison) -> exp.Expr:
        left = paren(self.sql(node.left), 4, strict=True)
        right = paren(self.sql(node.right), 4, strict=True)
        if node.op in _ORDERING:
            left = self.text_operand(node.left, left)
        return _COMPARE[node.op](this=left, expression=right)

    def _visit_Logical(self, node: n.Logical) -> exp.Expr:
        level, kind = (2, exp.And) if node.op == "AND" else (1, exp.Or)
        parts = [paren(self.sql(p), level, strict=True) for p in node.operands]
        result: exp.Expr = parts[0]
        for part in parts[1:]:
            result = kind(this=result, expression=part)
        return result

    def _visit_Not(self, node: n.Not) -> exp.Expr:
        return exp.Not(this=paren(self.sql(node.operand), 4, strict=True))

    def _visit_InList(self, node: n.InList) -> exp.Expr:
        operand = paren(self.sql(node.operand), 4, strict=True)
        result = exp.In(this=operand, expressions=[self.sql(i) for i in node.items])
        return exp.Not(this=result) if node.negated else result

    def _visit_Between(self, node: n.Between) -> exp.Expr:
        operand = paren(self.sql(node.operand), 4, strict=True)
        result = exp.Between(
            this=self.text_operand(node.operand, operand),
            low=bound(self.sql(node.low)),
            high=bound(self.sql(node.high)),
        )
        return exp.Not(this=result) if node.negated else result

    def _visit_IsNull(self, node: n.IsNull) -> exp.Expr:
        result = exp.Is(this=paren(self.sql(node.operand), 4, strict=True), expression=exp.Null())
        return exp.Not(this=result) if node.negated else result

    def _visit_Like(self, node: n.Like) -> exp.Expr:
        result = self.like(paren(self.sql(node.operand), 4, strict=True), node.pattern)
        return exp.Not(this=result) if node.negated else result

    def _visit_Concat(self, node: n.Concat) -> exp.Expr:
        parts = [paren(self.sql(p), 9) for p in node.parts]
        result: exp.Expr = parts[0]
        for part in parts[1:]:
            result = exp.DPipe(this=result, expression=part, safe=True)
        return result

    def _visit_Case(self, node: n.Case) -> exp.Expr:
        ifs = [exp.If(this=self.sql(c), true=self.sql(r)) for c, r in node.whens]
        return exp.Case(
            this=None if node.operand is None else self.sql(node.operand),
            ifs=ifs,
            default=None if node.default is None else self.sql(node.default),
        )

    def _visit_Call(self, node: n.Call) -> exp.Expr:
        method: Callable[[n.Call], exp.Expr] = getattr(self, f"_function_{node.name.lower()}")
        return method(node)

    # -- functions ---------------------------------------------------------------------------

    def _plain(self, node: n.Call) -> exp.Expr:
        return call(node.name, *(self.sql(a) for a in node.args))

    _function_coalesce = _plain
    _function_nullif = _plain
    _function_abs = _plain
    _function_length = _plain

    def _function_round(self, node: n.Call) -> exp.Expr:
        value = self.sql(node.args[0])
        if node.args[0].type != Type.NUMBER:
            value = cast(value, "DOUBLE")
        return self.round(value, n.round_places(node))

    def _extreme_call(self, node: n.Call) -> exp.Expr:
        args = [self.sql(a) for a in node.args]
        if node.type == Type.TEXT:
            args[0] = self.ordered_text(paren(args[0], 9))
        return self.extreme(node.name, args)

    _function_least = _extreme_call
    _function_greatest = _extreme_call

    def _function_lower(self, node: n.Call) -> exp.Expr:
        return self.case_fold(self.sql(node.args[0]), upper=False)

    def _function_upper(self, node: n.Call) -> exp.Expr:
        return self.case_fold(self.sql(node.args[0]), upper=True)

    def _function_days_between(self, node: n.Call) -> exp.Expr:
        start, end = (self.sql(a) for a in node.args)
        return self.days_between(start, end)

    def _function_months_between(self, node: n.Call) -> exp.Expr:
        return self.complete_periods(node, 384, 32)

    def _function_years_between(self, node: n.Call) -> exp.Expr:
        return self.complete_periods(node, 416, 416)
