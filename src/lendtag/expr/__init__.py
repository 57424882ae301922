"""lendtag's expression language: one small, safe subset of SQL expressions.

Tags, features, scorecards, segments, early-warning rules and decision tables are written
in it. An expression is parsed once with sqlglot, checked against an allow-list of
constructs and a schema of names and types, then compiled twice from the same checked tree:
to SQL for SQLite, PostgreSQL, DuckDB and Spark, and to a Python function. Both follow the
same semantics (docs/expressions.md). This package imports nothing else of lendtag's.

    >>> from lendtag.expr import compile_expression
    >>> c = compile_expression("debt_ratio > 0.7 AND industry_section IN ('C', 'F')",
    ...                        {"debt_ratio": "number", "industry_section": "text"})
    >>> c.evaluate({"debt_ratio": 0.8, "industry_section": "C"})
    True
    >>> c.to_sql("sqlite")
    '"debt_ratio" > 0.7 AND "industry_section" IN (\\'C\\', \\'F\\')'
"""

from lendtag.expr.compiled import CompiledExpression, check_expression, compile_expression
from lendtag.expr.errors import (
    MAX_ERRORS,
    ErrorLimitError,
    EvaluationError,
    ExpressionError,
    ExpressionSyntaxError,
    ExpressionTypeError,
    SchemaError,
    UnknownNameError,
    UnsupportedConstructError,
)
from lendtag.expr.explain import Explanation, Step
from lendtag.expr.functions import FUNCTIONS
from lendtag.expr.parse import MAX_LENGTH, MAX_NESTING
from lendtag.expr.to_sql import DIALECTS
from lendtag.expr.types import Type

__all__ = [
    "DIALECTS",
    "FUNCTIONS",
    "MAX_ERRORS",
    "MAX_LENGTH",
    "MAX_NESTING",
    "CompiledExpression",
    "ErrorLimitError",
    "EvaluationError",
    "Explanation",
    "ExpressionError",
    "ExpressionSyntaxError",
    "ExpressionTypeError",
    "SchemaError",
    "Step",
    "Type",
    "UnknownNameError",
    "UnsupportedConstructError",
    "check_expression",
    "compile_expression",
]
