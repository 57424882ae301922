"""Building blocks of the SQL back end: sqlglot nodes for calls, casts and numbers, and
parentheses exactly where the precedence of the generated tree needs them."""

from __future__ import annotations

from sqlglot import exp

from lendtag.expr import nodes as n

_PREDICATES = (exp.EQ, exp.NEQ, exp.LT, exp.LTE, exp.GT, exp.GTE, exp.In, exp.Between, exp.Is)
_LIKES = (exp.Like, exp.Glob, exp.Escape, exp.DPipe)


def _level(node: exp.Expr) -> int:
    """How tightly a generated node binds: 1 OR ... 9 an atom (a name, a call, CASE)."""
    if isinstance(node, exp.Or):
        return 1
    if isinstance(node, exp.And):
        return 2
    if isinstance(node, exp.Not):
        return 3
    if isinstance(node, _PREDICATES + _LIKES):
        return 4
    if isinstance(node, exp.Add | exp.Sub):
        return 6
    if isinstance(node, exp.Mul | exp.Div | exp.IntDiv):
        return 7
    if isinstance(node, exp.Neg):
        return 8
    if isinstance(node, exp.Literal) and not node.is_string and str(node.this).startswith("-"):
        return 8
    return 9


def paren(node: exp.Expr, needs: int, *, strict: bool = False) -> exp.Expr:
    """``node`` in parentheses when it binds looser than ``needs`` (or as loose, if strict)."""
    level = _level(node)
    if level < needs or (strict and level <= needs):
        return exp.Paren(this=node)
    return node


def call(name: str, *args: exp.Expr) -> exp.Expr:
    return exp.Anonymous(this=name, expressions=list(args))


def number(value: float | int) -> exp.Expr:
    return exp.Literal.number(repr(value))


def cast(node: exp.Expr, type_name: str) -> exp.Cast:
    return exp.Cast(this=node, to=exp.DataType.build(type_name))


def bound(node: exp.Expr) -> exp.Expr:
    """A BETWEEN bound: PostgreSQL's grammar takes no COLLATE there without parentheses."""
    if isinstance(node, exp.Collate):
        return exp.Paren(this=node)
    return paren(node, 4, strict=True)


def double_percent(node: exp.Expr) -> exp.Expr:
    """psycopg's pyformat reads '%' as a marker: literal and name text doubles it."""
    if isinstance(node, exp.Literal) and node.is_string:
        return exp.Literal.string(str(node.this).replace("%", "%%"))
    if isinstance(node, exp.Identifier):
        return exp.Identifier(this=str(node.this).replace("%", "%%"), quoted=node.quoted)
    return node


def is_wide(node: n.Node) -> bool:
    """Whether an integer part is a 64-bit value in SQL (a column, arithmetic, ...), so
    arithmetic with it cannot overflow 32 bits the way literal-only arithmetic can."""
    if isinstance(node, n.Name | n.Additive | n.Arithmetic):
        return True
    if isinstance(node, n.Negate):
        return is_wide(node.operand)
    if isinstance(node, n.Case):
        arms = [r for _, r in node.whens] + ([] if node.default is None else [node.default])
        return any(is_wide(a) for a in arms)
    if isinstance(node, n.Call):
        if node.name in ("MONTHS_BETWEEN", "YEARS_BETWEEN"):
            return True
        if node.name in ("COALESCE", "LEAST", "GREATEST", "ABS"):
            return any(is_wide(a) for a in node.args)
        if node.name == "NULLIF":
            return is_wide(node.args[0])
    return False
