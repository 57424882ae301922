"""Where the engines differ: one ``SqlCompiler`` subclass per dialect.

Each override keeps the language's semantics on an engine whose native behaviour differs;
docs/expressions.md lists the differences and tests/expr/golden shows the generated SQL.
"""

from __future__ import annotations

import datetime

from sqlglot import exp

from lendtag.expr import nodes as n
from lendtag.expr.sql_build import call, cast, number, paren
from lendtag.expr.to_sql import DIALECTS, SqlCompiler
from lendtag.expr.types import Type


def glob_pattern(pattern: str) -> str:
    """A LIKE pattern as an equivalent SQLite GLOB pattern (GLOB is case-sensitive)."""
    out = []
    for ch in pattern:
        if ch in "[*?":
            out.append(f"[{ch}]")
        elif ch == "%":
            out.append("*")
        elif ch == "_":
            out.append("?")
        else:
            out.append(ch)
    return "".join(out)


def _replace(value: exp.Expr, old: str, new: str) -> exp.Expr:
    return call("REPLACE", value, exp.Literal.string(old), exp.Literal.string(new))


class SQLiteCompiler(SqlCompiler):
    """SQLite: dynamic typing, no DATE type (ISO text), LIKE folds ASCII case."""

    dialect = "sqlite"
    CAST_DECIMALS = False
    TYPED_NULLS = False
    WIDEN_INTEGERS = False

    def date_literal(self, value: datetime.date) -> exp.Expr:
        return exp.Literal.string(value.isoformat())

    def placeholder(self) -> exp.Expr:
        return self.placeholder_marker()  # ISO text compares as a date in SQLite

    def like(self, operand: exp.Expr, pattern: n.Node) -> exp.Expr:
        # SQLite's LIKE ignores ASCII case; GLOB is its case-sensitive twin, with * ? [ ].
        if isinstance(pattern, n.Literal) and isinstance(pattern.value, str):
            glob: exp.Expr = exp.Literal.string(glob_pattern(pattern.value))
        else:
            glob = self.sql(pattern)
            for old, new in (("[", "[[]"), ("*", "[*]"), ("?", "[?]"), ("%", "*"), ("_", "?")):
                glob = _replace(glob, old, new)
        return exp.Glob(this=operand, expression=paren(glob, 4, strict=True))

    def case_fold(self, operand: exp.Expr, upper: bool) -> exp.Expr:
        return call("UPPER" if upper else "LOWER", operand)  # ASCII-only in SQLite

    def extreme(self, name: str, args: list[exp.Expr]) -> exp.Expr:
        # SQLite's scalar MIN/MAX return NULL when any argument is NULL; replacing each NULL
        # by another argument leaves the answer unchanged and NULL only when all are NULL.
        filled = [call("COALESCE", a, *(b for b in args if b is not a)) for a in args]
        return call("MIN" if name == "LEAST" else "MAX", *filled)

    def round(self, value: exp.Expr, digits: int) -> exp.Expr:
        # SQLite's ROUND(v) is sign(v) * floor(|v| + 0.5) in doubles already.
        if digits == 0:
            return call("ROUND", value)
        scale = number(10.0 ** abs(digits))
        if digits > 0:
            scaled = call("ROUND", exp.Mul(this=paren(value, 7), expression=scale))
            return exp.Div(this=scaled, expression=scale.copy(), typed=True)
        scaled = call("ROUND", exp.Div(this=paren(value, 7), expression=scale, typed=True))
        return exp.Mul(this=scaled, expression=scale.copy())

    def days_between(self, start: exp.Expr, end: exp.Expr) -> exp.Expr:
        span = exp.Sub(this=call("JULIANDAY", end), expression=call("JULIANDAY", start))
        return cast(span, "BIGINT")

    def date_part(self, part: str, value: exp.Expr) -> exp.Expr:
        pattern = {"YEAR": "%Y", "MONTH": "%m", "DAY": "%d"}[part]
        return cast(call("STRFTIME", exp.Literal.string(pattern), value), "BIGINT")

    def truncating_division(self, value: exp.Expr, unit: int) -> exp.Expr:
        # Integer division in SQLite truncates toward zero.
        return exp.Div(this=paren(value, 7), expression=exp.Literal.number(unit), typed=True)


class PostgresCompiler(SqlCompiler):
    """PostgreSQL: exact numerics for decimal literals, collation-aware text, LIKE escapes.

    Text is compared under the "C" collation whatever the columns' own collations: every
    text column is read as ``"name" COLLATE "C"`` (so no two implicit collations ever meet)
    and ordering operands of literals get it too.
    """

    dialect = "postgres"

    def _visit_Name(self, node: n.Name) -> exp.Expr:
        column = super()._visit_Name(node)
        return self.ordered_text(column) if node.type == Type.TEXT else column

    def ordered_text(self, node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Collate):
            return node
        return exp.Collate(this=paren(node, 9), expression=exp.Identifier(this="C", quoted=True))

    def like(self, operand: exp.Expr, pattern: n.Node) -> exp.Expr:
        # Backslash is PostgreSQL's default LIKE escape; ESCAPE '' turns escaping off.
        like = super().like(operand, pattern)
        return exp.Escape(this=like, expression=exp.Literal.string(""))

    def case_fold(self, operand: exp.Expr, upper: bool) -> exp.Expr:
        # Under the "C" collation LOWER/UPPER change only A-Z.
        return call("UPPER" if upper else "LOWER", self.ordered_text(operand))

    def date_part(self, part: str, value: exp.Expr) -> exp.Expr:
        return exp.Extract(this=exp.Var(this=part), expression=value)

    def truncating_division(self, value: exp.Expr, unit: int) -> exp.Expr:
        # EXTRACT gives numeric; DIV truncates toward zero.
        return cast(super().truncating_division(value, unit), "BIGINT")


class DuckDBCompiler(SqlCompiler):
    """DuckDB: exact decimal literals, Unicode LOWER/UPPER, 1/0 is infinity."""

    dialect = "duckdb"
    DEFAULT_PARAM_STYLE = "dollar"


class SparkCompiler(SqlCompiler):
    """Spark SQL (generated and golden-tested; no Spark in CI)."""

    dialect = "spark"

    def sql_type(self, type_: Type) -> str:
        return "STRING" if type_ == Type.TEXT else super().sql_type(type_)

    def like(self, operand: exp.Expr, pattern: n.Node) -> exp.Expr:
        # Backslash is Spark's LIKE escape character; doubling it makes it literal.
        if isinstance(pattern, n.Literal) and isinstance(pattern.value, str):
            escaped: exp.Expr = exp.Literal.string(pattern.value.replace("\\", "\\\\"))
        else:
            escaped = _replace(self.sql(pattern), "\\", "\\\\")
        return exp.Like(this=operand, expression=paren(escaped, 4, strict=True))

    def days_between(self, start: exp.Expr, end: exp.Expr) -> exp.Expr:
        return call("DATEDIFF", end, start)


_COMPILERS: dict[str, type[SqlCompiler]] = {
    c.dialect: c for c in (SQLiteCompiler, PostgresCompiler, DuckDBCompiler, SparkCompiler)
}
_ALIASES = {"postgresql": "postgres", "sqlite3": "sqlite"}


def compiler_for(
    dialect: str,
    *,
    as_of: datetime.date | None = None,
    param: str = "as_of",
    param_style: str | None = None,
) -> SqlCompiler:
    """The SQL compiler for ``dialect`` ("sqlite", "postgres", "duckdb" or "spark")."""
    key = _ALIASES.get(dialect.lower(), dialect.lower()) if isinstance(dialect, str) else ""
    compiler = _COMPILERS.get(key)
    if compiler is None:
        raise ValueError(f"unknown dialect {dialect!r}; expected one of {', '.join(DIALECTS)}")
    return compiler(as_of=as_of, param=param, param_style=param_style)
