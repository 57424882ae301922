"""The public entry points: ``compile_expression``, ``check_expression``, ``CompiledExpression``."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from sqlglot import exp

from lendtag.expr import nodes as n
from lendtag.expr import runtime
from lendtag.expr.check_calls import Checker
from lendtag.expr.errors import (
    MAX_ERRORS,
    Collector,
    ErrorLimitError,
    ExpressionError,
    ExpressionSyntaxError,
    ExpressionTypeError,
)
from lendtag.expr.explain import Explainer, Explanation
from lendtag.expr.parse import parse
from lendtag.expr.printer import fingerprint, to_text
from lendtag.expr.sql_dialects import compiler_for
from lendtag.expr.to_python import Evaluator, Value, compile_python
from lendtag.expr.types import Type, describe, normalize_schema, parse_type


def _check(
    text: object, schema: Mapping[str, str | Type], expect: str | Type | None, errors: Collector
) -> n.Node | None:
    """The checked tree of ``text``, or None once ``errors`` holds what is wrong."""
    types = normalize_schema(schema)
    wanted = None if expect is None else parse_type(expect, name="expect")
    if not isinstance(text, str):
        message = f"an expression must be text, not {type(text).__name__}"
        errors.add(ExpressionSyntaxError(message))
        return None
    try:
        tree, source_map = parse(text, errors)
        if tree is None:
            return None
        checker = Checker(text, types, source_map, errors)
        root = checker.check(tree)
    except RecursionError:
        message = "the expression is nested too deeply"
        errors.add(ExpressionSyntaxError(message, source=text, start=0, construct="nesting"))
        return None
    if errors.errors or errors.omitted:
        return None
    if wanted is not None and root.type == Type.NULL:
        root = checker.settle(root, wanted)
    if root.type == Type.NULL:
        message = "the expression is NULL whatever the input, so it has no type"
        errors.add(ExpressionTypeError(message, source=text, start=root.start, end=root.end))
        return None
    widening = wanted == Type.NUMBER and root.type == Type.INTEGER
    if wanted is not None and root.type != wanted and not widening:
        message = f"expected {describe(wanted)}, but the expression gives {describe(root.type)}"
        errors.add(
            ExpressionTypeError(
                message, source=text, start=root.start, end=root.end, construct="type"
            )
        )
        return None
    return root


def check_expression(
    text: str, schema: Mapping[str, str | Type], *, expect: str | Type | None = None
) -> list[ExpressionError]:
    """Every error in ``text`` (an empty list when it compiles), in text order, for an editor.

    Syntax errors are reported alone; past them, all unknown names, unsupported constructs
    and type errors are reported together. At most ``MAX_ERRORS`` are listed; when there
    are more, a last ``ErrorLimitError`` says how many more were found.
    """
    errors = Collector(MAX_ERRORS, stop=False)
    _check(text, schema, expect, errors)
    found: list[ExpressionError] = sorted(errors.errors, key=lambda e: (e.start or 0, e.end or 0))
    if errors.omitted:
        found.append(ErrorLimitError(errors.omitted, source=text if isinstance(text, str) else ""))
    return found


def compile_expression(
    text: str, schema: Mapping[str, str | Type], *, expect: str | Type | None = None
) -> CompiledExpression:
    """Parse, check and compile ``text`` against ``schema`` (name -> type name).

    ``expect`` optionally demands a result type (an integer expression is accepted where a
    number is expected; a bare NULL takes the expected type). Raises the first
    ``ExpressionError`` met and stops there, so a text full of mistakes costs no more than
    its first one; ``check_expression`` lists them all.
    """
    errors = Collector(1, stop=True)
    try:
        root = _check(text, schema, expect, errors)
    except Collector.Stop:
        root = None
    if root is None:
        raise errors.errors[0]
    assert isinstance(text, str)
    return CompiledExpression(text, root)


class CompiledExpression:
    """A checked expression, ready to evaluate in Python or to run as SQL.

    ``evaluate(row, as_of=None)`` is the generated Python function itself: ``row`` maps
    schema names to values (a missing name is NULL); the result is a Python value or None.
    """

    __slots__ = (
        "_explainer",
        "_normalized",
        "evaluate",
        "fingerprint",
        "names",
        "python_source",
        "text",
        "tree",
        "type",
        "uses_as_of",
    )

    evaluate: Evaluator

    def __init__(self, text: str, tree: n.Node) -> None:
        self.text = text
        self.tree = tree
        self.type: Type = tree.type
        names: dict[str, None] = {}
        uses_as_of = False
        for node in n.walk(tree):
            if isinstance(node, n.Name):
                names.setdefault(node.name)
            uses_as_of = uses_as_of or isinstance(node, n.AsOf)
        self.names: tuple[str, ...] = tuple(names)
        self.uses_as_of = uses_as_of
        self.fingerprint: str = fingerprint(tree)
        self.evaluate, self.python_source = compile_python(tree)
        self._normalized: str | None = None
        self._explainer: Explainer | None = None

    @property
    def normalized(self) -> str:
        """The canonical text: upper-case keywords, single spaces, needed parentheses only."""
        if self._normalized is None:
            self._normalized = to_text(self.tree)
        return self._normalized

    def to_sqlglot(
        self,
        dialect: str,
        *,
        as_of: datetime.date | None = None,
        param: str = "as_of",
        param_style: str | None = None,
    ) -> exp.Expr:
        """The expression as a sqlglot tree for ``dialect``, to embed in a larger query."""
        return compiler_for(dialect, as_of=as_of, param=param, param_style=param_style).sql(
            self.tree
        )

    def to_sql(
        self,
        dialect: str,
        *,
        as_of: datetime.date | None = None,
        param: str = "as_of",
        param_style: str | None = None,
    ) -> str:
        """The expression as SQL for "sqlite", "postgres", "duckdb" or "spark".

        ``AS_OF()`` becomes the ``as_of`` date when given, otherwise a bound parameter named
        ``param``: ``:as_of`` (sqlite, postgres via SQLAlchemy ``text()``, spark), ``$as_of``
        (duckdb), or with ``param_style="pyformat"`` ``%(as_of)s`` for psycopg (with every
        ``%`` in literals doubled, as psycopg expects). ``sql_parameters`` gives the value.
        """
        compiler = compiler_for(dialect, as_of=as_of, param=param, param_style=param_style)
        return compiler.generate(self.tree)

    def sql_parameters(
        self, dialect: str, as_of: datetime.date | str | None, *, param: str = "as_of"
    ) -> dict[str, Any]:
        """The parameters to bind with ``to_sql(dialect)``: {} or {param: the as-of date}."""
        compiler_for(dialect, param=param)  # validates both
        if not self.uses_as_of:
            return {}
        if as_of is None:
            raise runtime.missing_as_of()
        day = runtime.to_date(as_of, "as_of")
        is_sqlite = dialect.lower() in ("sqlite", "sqlite3")
        return {param: day.isoformat() if is_sqlite else day}

    def explain(
        self, row: Mapping[str, Any], as_of: datetime.date | str | None = None
    ) -> Explanation:
        """The value for ``row`` with the value of every part of the expression."""
        value: Value = self.evaluate(row, as_of)
        day = runtime.to_date(as_of, "as_of") if as_of is not None and self.uses_as_of else None
        if self._explainer is None:
            self._explainer = Explainer(self.tree)
        return self._explainer.explain(row, day, value)

    def __repr__(self) -> str:
        return f"<CompiledExpression {self.type.value}: {self.normalized}>"
