"""How a value came out: every part of the expression with its value, and the inputs.

The value of each part is computed by a function the Python back end generates for that
part alone, so an explanation always agrees with ``evaluate``.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lendtag.expr import nodes as n
from lendtag.expr.printer import literal_text, to_text
from lendtag.expr.to_python import Evaluator, PythonCompiler, Value
from lendtag.expr.types import Type

_MAX_TEXT = 100


def value_text(value: Value) -> str:
    """A value as SQL writes it: NULL, TRUE, 0.8, 'C', DATE '2024-06-30'."""
    if isinstance(value, int | float | str | bool | datetime.date) or value is None:
        return literal_text(value)
    return repr(value)


@dataclass(frozen=True, slots=True)
class Step:
    """One part of the expression: its depth in the tree, its text and its value."""

    depth: int
    text: str
    value: Value
    kind: str  # "expression", "name" or "as_of"

    def to_dict(self) -> dict[str, Any]:
        return {
            "depth": self.depth,
            "text": self.text,
            "value": _json_value(self.value),
            "kind": self.kind,
        }


@dataclass(frozen=True, slots=True)
class Explanation:
    """The result, the inputs it read and the value of every part, outermost first."""

    expression: str
    value: Value
    type: Type
    inputs: dict[str, Value]
    as_of: datetime.date | None
    steps: tuple[Step, ...] = field(default=())

    def __str__(self) -> str:
        lines = [f"result: {value_text(self.value)}"]
        if self.inputs:
            shown = ", ".join(f"{k} = {value_text(v)}" for k, v in self.inputs.items())
            lines.append(f"inputs: {shown}")
        if self.as_of is not None:
            lines.append(f"as of: {self.as_of.isoformat()}")
        lines.append("how:")
        for step in self.steps:
            lines.append(f"{'  ' * (step.depth + 1)}{step.text}  →  {value_text(step.value)}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "expression": self.expression,
            "value": _json_value(self.value),
            "type": self.type.value,
            "inputs": {k: _json_value(v) for k, v in self.inputs.items()},
            "as_of": None if self.as_of is None else self.as_of.isoformat(),
            "steps": [s.to_dict() for s in self.steps],
        }


def _json_value(value: Value) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value


def _shorten(text: str) -> str:
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"


class Explainer:
    """The per-part functions of one expression, compiled on first use and then reused."""

    def __init__(self, root: n.Node) -> None:
        self._parts: list[tuple[int, n.Node, str, Evaluator]] = []
        stack: list[tuple[n.Node, int]] = [(root, 0)]
        while stack:
            node, level = stack.pop()
            if not isinstance(node, n.Literal) or node is root:
                function, _ = PythonCompiler().compile(node)
                self._parts.append((level, node, _shorten(to_text(node)), function))
            stack.extend((child, level + 1) for child in reversed(node.children()))
        self._root = root

    def explain(
        self, row: Mapping[str, Any], as_of: datetime.date | None, value: Value
    ) -> Explanation:
        steps: list[Step] = []
        inputs: dict[str, Value] = {}
        for level, node, text, function in self._parts:
            part_value = value if node is self._root else function(row, as_of)
            kind = "expression"
            if isinstance(node, n.Name):
                kind = "name"
                inputs.setdefault(node.name, part_value)
            elif isinstance(node, n.AsOf):
                kind = "as_of"
            steps.append(Step(depth=level, text=text, value=part_value, kind=kind))
        return Explanation(
            expression=to_text(self._root),
            value=value,
            type=self._root.type,
            inputs=inputs,
            as_of=as_of,
            steps=tuple(steps),
        )
