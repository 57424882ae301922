"""The checked tree: what the checker builds from sqlglot's parse and every back end reads.

Each node has its result ``type`` and the ``start``/``end`` character offsets of the text
it came from. Chains the user writes flat (``a AND b AND c``, ``a + b - c``, ``a || b || c``)
are flat here too, so long rules and scorecards do not become deep trees. Back ends find
their method for a node by the node's class name (``_visit_Comparison``, ...).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Self

from lendtag.expr.types import Type

LiteralValue = int | float | str | bool | datetime.date | None


@dataclass(frozen=True, slots=True, eq=False)
class Node:
    type: Type
    start: int
    end: int

    def children(self) -> tuple[Node, ...]:
        return ()

    def with_type(self, type_: Type) -> Self:
        return replace(self, type=type_)


@dataclass(frozen=True, slots=True, eq=False)
class Literal(Node):
    value: LiteralValue


@dataclass(frozen=True, slots=True, eq=False)
class Name(Node):
    name: str


@dataclass(frozen=True, slots=True, eq=False)
class AsOf(Node):
    pass


@dataclass(frozen=True, slots=True, eq=False)
class Negate(Node):
    operand: Node

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)


@dataclass(frozen=True, slots=True, eq=False)
class Additive(Node):
    """``terms[0] ops[0] terms[1] ops[1] ...`` with ops '+' or '-', evaluated left to right."""

    terms: tuple[Node, ...]
    ops: tuple[str, ...]

    def children(self) -> tuple[Node, ...]:
        return self.terms


@dataclass(frozen=True, slots=True, eq=False)
class Arithmetic(Node):
    """``left * right`` or ``left / right`` (decimal division, NULL when right is zero)."""

    op: str
    left: Node
    right: Node

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


@dataclass(frozen=True, slots=True, eq=False)
class Comparison(Node):
    op: str  # one of = <> < <= > >=
    left: Node
    right: Node

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


@dataclass(frozen=True, slots=True, eq=False)
class Logical(Node):
    op: str  # AND or OR
    operands: tuple[Node, ...]

    def children(self) -> tuple[Node, ...]:
        return self.operands


@dataclass(frozen=True, slots=True, eq=False)
class Not(Node):
    operand: Node

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)


@dataclass(frozen=True, slots=True, eq=False)
class InList(Node):
    operand: Node
    items: tuple[Node, ...]
    negated: bool

    def children(self) -> tuple[Node, ...]:
        return (self.operand, *self.items)


@dataclass(frozen=True, slots=True, eq=False)
class Between(Node):
    operand: Node
    low: Node
    high: Node
    negated: bool

    def children(self) -> tuple[Node, ...]:
        return (self.operand, self.low, self.high)


@dataclass(frozen=True, slots=True, eq=False)
class IsNull(Node):
    operand: Node
    negated: bool

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)


@dataclass(frozen=True, slots=True, eq=False)
class Like(Node):
    operand: Node
    pattern: Node
    negated: bool

    def children(self) -> tuple[Node, ...]:
        return (self.operand, self.pattern)


@dataclass(frozen=True, slots=True, eq=False)
class Concat(Node):
    parts: tuple[Node, ...]

    def children(self) -> tuple[Node, ...]:
        return self.parts


@dataclass(frozen=True, slots=True, eq=False)
class Case(Node):
    """Searched CASE when ``operand`` is None, simple CASE (``CASE x WHEN v ...``) otherwise."""

    operand: Node | None
    whens: tuple[tuple[Node, Node], ...]
    default: Node | None

    def children(self) -> tuple[Node, ...]:
        out: list[Node] = [] if self.operand is None else [self.operand]
        for condition, result in self.whens:
            out.extend((condition, result))
        if self.default is not None:
            out.append(self.default)
        return tuple(out)


@dataclass(frozen=True, slots=True, eq=False)
class Call(Node):
    name: str  # upper case, one of the language's functions
    args: tuple[Node, ...]

    def children(self) -> tuple[Node, ...]:
        return self.args


@dataclass(frozen=True, slots=True, eq=False)
class Invalid(Node):
    """Stands in for a part that had an error, so checking can go on and report the rest."""


def walk(node: Node) -> Iterator[Node]:
    """Every node of the tree, parents before children, left to right."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children()))


def depth(node: Node) -> int:
    """The number of levels of the tree (a lone name or literal has depth 1)."""
    best = 0
    stack = [(node, 1)]
    while stack:
        current, level = stack.pop()
        best = max(best, level)
        stack.extend((child, level + 1) for child in current.children())
    return best


def round_places(node: Call) -> int:
    """The n of ROUND(x, n) (0 when omitted); the checker made it an integer literal."""
    if len(node.args) < 2:
        return 0
    digits = node.args[1]
    assert isinstance(digits, Literal) and isinstance(digits.value, int)
    return digits.value
