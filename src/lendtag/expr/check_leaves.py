"""Checks of the leaves: names (resolved against the schema), literals, DATE '...'.

Also the one way sqlglot reads a word after a complete expression, as an alias
(``debt_ratio > 1 extra``): reported as the stray word it is.
"""

from __future__ import annotations

import datetime
import math
import re

from sqlglot import exp
from sqlglot.tokenizer_core import TokenType

from lendtag.expr import nodes as n
from lendtag.expr.check import BaseChecker
from lendtag.expr.errors import ExpressionSyntaxError, UnknownNameError, UnsupportedConstructError
from lendtag.expr.functions import FUNCTIONS
from lendtag.expr.parse import stray_message
from lendtag.expr.suggest import did_you_mean
from lendtag.expr.types import Type

INT64_MAX = 2**63 - 1
_INTEGER = re.compile(r"\d+\Z")
_DECIMAL = re.compile(r"(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?\Z")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


class LeafChecker(BaseChecker):
    """Names, literals and what sqlglot took for an alias."""

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
                    f"'{written}' matches several names that differ only in case"
                    f" ({', '.join(sorted(folded))}); write the one you mean in double quotes",
                    span,
                    construct="name",
                )
        if self.errors.room():
            suggestions = self.suggest_name(written)
            message = f"unknown name '{written}'{did_you_mean(suggestions)}"
            if not suggestions and written.upper() in FUNCTIONS:
                message += f" ({written.upper()} is a function: write {written.upper()}(...))"
            self.errors.add(
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
            value = int(digits) if len(digits) <= 19 else INT64_MAX + 1
            if value > INT64_MAX:
                return self.type_error(
                    f"the integer {text} is out of range (at most {INT64_MAX});"
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
        shown = self.text[span[0] : span[1]]
        word = alias.name if isinstance(alias, exp.Identifier) else shown
        if not (isinstance(alias, exp.Identifier) and alias.quoted):
            shown = f"'{shown}'"
        before = self.map.token_before(span[0])
        last = not self.map.tokens or self.map.tokens[-1].start <= span[0]
        after = None if last or before is None else f"'{before.text}'"
        return self.fail(
            ExpressionSyntaxError, stray_message(word, shown, after=after), span, "syntax"
        )
