"""The code writer of the Python back end: pieces of generated code and how they combine.

Each visit of the back end returns a ``Code``: the text of a Python expression plus two
facts the parent uses to write less code, whether the text is *simple* (a local or a
constant, free to repeat) and whether it can be NULL. ``CodeWriter`` holds the shared
moves: binding a value to a temporary once, NULL-strict operations, three-valued AND/OR.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lendtag.expr import nodes as n
from lendtag.expr.types import Type

WIDE = 64
"""Beyond this many parts a sum, ||, CASE or COALESCE calls a helper on a flat tuple (all
parts evaluated, which is safe: evaluation has no side effects and raises no errors), so
that the generated code never nests deeper than Python's compiler allows."""


@dataclass(frozen=True, slots=True)
class Code:
    text: str
    simple: bool = False
    nullable: bool = True


class CodeWriter:
    """The state of one generated function and the moves shared by every visit."""

    def __init__(self) -> None:
        self._locals: dict[str, str] = {}
        self._name_types: dict[str, Type] = {}
        self._constants: dict[str, Any] = {}
        self._counter = itertools.count()
        self._uses_as_of = False

    def code(self, node: n.Node) -> Code:
        method: Callable[[Any], Code] = getattr(self, f"_visit_{type(node).__name__}")
        return method(node)

    def temp(self) -> str:
        return f"t{next(self._counter)}"

    def constant(self, value: Any) -> str:
        name = f"k{len(self._constants)}"
        self._constants[name] = value
        return name

    def bind(self, code: Code) -> tuple[str, str]:
        """(first use, later uses): a walrus into a temporary unless the code is simple."""
        if code.simple:
            return code.text, code.text
        name = self.temp()
        return f"({name} := {code.text})", name

    def strict(self, parts: list[Code], build: Callable[[list[str]], str]) -> Code:
        """An operation that is NULL when any operand is NULL."""
        checks: list[str] = []
        values: list[str] = []
        for part in parts:
            if part.nullable:
                first, later = self.bind(part)
                checks.append(f"{first} is None")
                values.append(later)
            else:
                values.append(part.text)
        body = build(values)
        if not checks:
            return Code(f"({body})", nullable=False)
        return Code(f"(None if {' or '.join(checks)} else {body})")

    def as_number(self, node: n.Node, target: Type) -> Code:
        """The code of ``node``, turned into a float when an integer stands for a number."""
        code = self.code(node)
        if target != Type.NUMBER or node.type != Type.INTEGER:
            return code
        if isinstance(node, n.Literal) and isinstance(node.value, int):
            return Code(f"({float(node.value)!r})", simple=True, nullable=False)
        return self.strict([code], lambda v: f"_float({v[0]})")

    def negate(self, code: Code) -> Code:
        if not code.nullable:
            return Code(f"(not {code.text})", nullable=False)
        first, later = self.bind(code)
        return Code(f"(None if {first} is None else not {later})")

    def conjunction(self, parts: list[Code], op: str) -> Code:
        """Three-valued AND (op 'AND') or OR over ``parts``, flat and short-circuiting."""
        decisive, other = ("False", "True") if op == "AND" else ("True", "False")
        if not any(p.nullable for p in parts):
            joiner = " and " if op == "AND" else " or "
            return Code(f"({joiner.join(p.text for p in parts)})", nullable=False)
        firsts: list[str] = []
        nulls: list[str] = []
        for part in parts:
            first, later = self.bind(part)
            firsts.append(f"{first} is {decisive}")
            if part.nullable:
                nulls.append(f"{later} is None")
        return Code(
            f"({decisive} if {' or '.join(firsts)} else"
            f" (None if {' or '.join(nulls)} else {other}))"
        )
