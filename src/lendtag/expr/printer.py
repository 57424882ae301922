"""The canonical text of a checked tree, and its fingerprint.

``to_text`` writes the expression back in the language with upper-case keywords, single
spaces and only the parentheses the meaning needs; compiling that text again gives the same
tree. ``fingerprint`` is the SHA-256 of a structural serialisation of the tree (kinds, types,
operators, literal values, resolved names), so layout, keyword case, comments, redundant
parentheses and ``<>`` versus ``!=`` never change it, while any change of meaning does.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable
from typing import Any

from sqlglot.dialects.dialect import Dialect
from sqlglot.tokenizer_core import TokenType

from lendtag.expr import nodes as n
from lendtag.expr.types import is_simple_name

FINGERPRINT_VERSION = "lendtag.expr/1"

_OR, _AND, _NOT, _PREDICATE, _ADD, _MUL, _NEG, _ATOM = 1, 2, 3, 4, 6, 7, 8, 9
_DIALECT = Dialect()


def quote_name(name: str) -> str:
    """``name`` as written in an expression: bare when that reads back as the same name."""
    if is_simple_name(name):
        tokens = _DIALECT.tokenize(name)
        if len(tokens) == 1 and tokens[0].token_type == TokenType.VAR:
            return name
    return '"' + name.replace('"', '""') + '"'


def literal_text(value: n.LiteralValue) -> str:
    """A value written as a literal of the language (NULL, TRUE, 'text', DATE '...')."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, datetime.date):
        return f"DATE '{value.isoformat()}'"
    return "'" + value.replace("'", "''") + "'"


class _Printer:
    def text(self, node: n.Node) -> tuple[str, int]:
        method: Callable[[Any], tuple[str, int]] = getattr(self, f"_{type(node).__name__}")
        return method(node)

    def wrap(self, node: n.Node, needs: int, *, strict: bool = False) -> str:
        """The child's text, in parentheses when its level binds looser than ``needs``."""
        text, level = self.text(node)
        loose = level <= needs if strict else level < needs
        return f"({text})" if loose else text

    def _Literal(self, node: n.Literal) -> tuple[str, int]:
        text = literal_text(node.value)
        negative = isinstance(node.value, int | float) and text.startswith("-")
        return text, _NEG if negative else _ATOM

    def _Invalid(self, node: n.Invalid) -> tuple[str, int]:
        return "NULL", _ATOM

    def _Name(self, node: n.Name) -> tuple[str, int]:
        return quote_name(node.name), _ATOM

    def _AsOf(self, node: n.AsOf) -> tuple[str, int]:
        return "AS_OF()", _ATOM

    def _Negate(self, node: n.Negate) -> tuple[str, int]:
        return "-" + self.wrap(node.operand, _ATOM), _NEG

    def _Additive(self, node: n.Additive) -> tuple[str, int]:
        parts = [self.wrap(node.terms[0], _ADD)]
        for op, term in zip(node.ops, node.terms[1:], strict=True):
            parts.append(f"{op} {self.wrap(term, _ADD, strict=True)}")
        return " ".join(parts), _ADD

    def _Arithmetic(self, node: n.Arithmetic) -> tuple[str, int]:
        left = self.wrap(node.left, _MUL)
        right = self.wrap(node.right, _MUL, strict=True)
        return f"{left} {node.op} {right}", _MUL

    def _Comparison(self, node: n.Comparison) -> tuple[str, int]:
        left = self.wrap(node.left, _PREDICATE, strict=True)
        right = self.wrap(node.right, _PREDICATE, strict=True)
        return f"{left} {node.op} {right}", _PREDICATE

    def _Logical(self, node: n.Logical) -> tuple[str, int]:
        level = _AND if node.op == "AND" else _OR
        parts = [self.wrap(p, level, strict=True) for p in node.operands]
        return f" {node.op} ".join(parts), level

    def _Not(self, node: n.Not) -> tuple[str, int]:
        return "NOT " + self.wrap(node.operand, _NOT), _NOT

    def _InList(self, node: n.InList) -> tuple[str, int]:
        operand = self.wrap(node.operand, _PREDICATE, strict=True)
        items = ", ".join(self.text(item)[0] for item in node.items)
        keyword = "NOT IN" if node.negated else "IN"
        return f"{operand} {keyword} ({items})", _PREDICATE

    def _Between(self, node: n.Between) -> tuple[str, int]:
        operand, low, high = (
            self.wrap(p, _PREDICATE, strict=True) for p in (node.operand, node.low, node.high)
        )
        keyword = "NOT BETWEEN" if node.negated else "BETWEEN"
        return f"{operand} {keyword} {low} AND {high}", _PREDICATE

    def _IsNull(self, node: n.IsNull) -> tuple[str, int]:
        operand = self.wrap(node.operand, _PREDICATE, strict=True)
        return f"{operand} IS {'NOT ' if node.negated else ''}NULL", _PREDICATE

    def _Like(self, node: n.Like) -> tuple[str, int]:
        operand = self.wrap(node.operand, _PREDICATE, strict=True)
        pattern = self.wrap(node.pattern, _PREDICATE, strict=True)
        return f"{operand} {'NOT LIKE' if node.negated else 'LIKE'} {pattern}", _PREDICATE

    def _Concat(self, node: n.Concat) -> tuple[str, int]:
        return " || ".join(self.wrap(p, _ATOM) for p in node.parts), _PREDICATE

    def _Case(self, node: n.Case) -> tuple[str, int]:
        parts = ["CASE"]
        if node.operand is not None:
            parts.append(self.text(node.operand)[0])
        for condition, result in node.whens:
            parts.append(f"WHEN {self.text(condition)[0]} THEN {self.text(result)[0]}")
        if node.default is not None:
            parts.append(f"ELSE {self.text(node.default)[0]}")
        parts.append("END")
        return " ".join(parts), _ATOM

    def _Call(self, node: n.Call) -> tuple[str, int]:
        return f"{node.name}({', '.join(self.text(a)[0] for a in node.args)})", _ATOM


def to_text(node: n.Node) -> str:
    """The canonical text of ``node``."""
    return _Printer().text(node)[0]


def _value_key(value: n.LiteralValue) -> list[str]:
    if value is None:
        return ["null"]
    if isinstance(value, bool):
        return ["bool", str(value).lower()]
    if isinstance(value, int):
        return ["int", str(value)]
    if isinstance(value, float):
        return ["float", repr(value)]
    if isinstance(value, datetime.date):
        return ["date", value.isoformat()]
    return ["text", value]


def structure(node: n.Node) -> list[Any]:
    """A JSON-ready structural description of the tree (what the fingerprint hashes)."""
    key: list[Any] = [type(node).__name__, node.type.value]
    if isinstance(node, n.Literal):
        key.append(_value_key(node.value))
    elif isinstance(node, n.Name):
        key.append(node.name)
    elif isinstance(node, n.Additive):
        key.append(list(node.ops))
    elif isinstance(node, n.Arithmetic | n.Comparison | n.Logical):
        key.append(node.op)
    elif isinstance(node, n.InList | n.Between | n.IsNull | n.Like):
        key.append(node.negated)
    elif isinstance(node, n.Case):
        key.append(["simple" if node.operand is not None else "searched", node.default is None])
    elif isinstance(node, n.Call):
        key.append(node.name)
    key.append([structure(child) for child in node.children()])
    return key


def fingerprint(node: n.Node) -> str:
    """SHA-256 (hex) of the normalised tree."""
    payload = json.dumps(
        [FINGERPRINT_VERSION, structure(node)], ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
