"""YAML read with its node marks, so every problem can name its file and line.

A catalog file is composed once with PyYAML (``yaml.compose``-style: the node tree keeps
the line and column of every key and value) and constructed from the same nodes, so the
values validated and the lines reported cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a catalog file, located as precisely as the file allows."""

    file: str
    line: int | None
    kind: str  # dimension | feature | tag | segment | document
    code: str | None
    field: str | None
    message: str
    column: int | None = None

    def render(self) -> str:
        """``catalog.yaml:57: tag leverage_band: expression: unknown name ...``"""
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        what = self.kind if self.code is None else f"{self.kind} {self.code}"
        parts = [where, what]
        if self.field:
            parts.append(self.field)
        return ": ".join(parts) + ": " + self.message

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def compose(text: str, file: str) -> tuple[Node | None, Any, Problem | None]:
    """The node tree and the constructed value of a YAML document, or the syntax problem."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = None if mark is None else mark.line + 1
        column = None if mark is None else mark.column + 1
        reason = " ".join(str(p) for p in (exc.context, exc.problem) if p) or str(exc)
        return (
            None,
            None,
            Problem(file, line, "document", None, None, f"not valid YAML: {reason}", column),
        )
    except yaml.YAMLError as exc:  # a reader error (e.g. a control character): no mark
        return None, None, Problem(file, None, "document", None, None, f"not valid YAML: {exc}")
    finally:
        loader.dispose()
    return node, data, None


def line_of(node: Node) -> int:
    return int(node.start_mark.line) + 1


def child(node: Node, key: str | int) -> tuple[Node | None, int | None]:
    """The value under ``key`` of a mapping (with the key's line) or item ``key`` of a list."""
    if isinstance(node, MappingNode) and isinstance(key, str):
        for k, v in node.value:
            if isinstance(k, ScalarNode) and k.value == key:
                return v, line_of(k)
    if isinstance(node, SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
        item = node.value[key]
        return item, line_of(item)
    return None, None


def line_at(node: Node, path: Sequence[str | int]) -> int:
    """The line of the deepest part of ``path`` that exists under ``node``."""
    line = line_of(node)
    for key in path:
        found, key_line = child(node, key)
        if found is None or key_line is None:
            break
        node, line = found, key_line
    return line


def duplicate_keys(node: Node) -> Iterator[tuple[str, int, int]]:
    """(key, first line, repeated line) for every key written twice in one mapping.

    PyYAML keeps the last value silently; a catalog must not depend on which one wins.
    """
    stack = [node]
    seen_nodes: set[int] = set()
    while stack:
        current = stack.pop()
        if id(current) in seen_nodes:  # an alias points back at a node already visited
            continue
        seen_nodes.add(id(current))
        if isinstance(current, MappingNode):
            first: dict[str, int] = {}
            for k, v in current.value:
                if isinstance(k, ScalarNode):
                    if k.value in first:
                        yield k.value, first[k.value], line_of(k)
                    else:
                        first[k.value] = line_of(k)
                stack.append(v)
        elif isinstance(current, SequenceNode):
            stack.extend(current.value)


@dataclass
class Located:
    """Where each definition of a catalog file is: (kind, code) → its item nodes, in order."""

    file: str
    lines: list[str] = field(default_factory=list)
    items: dict[tuple[str, str], list[Node]] = field(default_factory=dict)

    def add(self, kind: str, code: str, node: Node) -> None:
        self.items.setdefault((kind, code), []).append(node)

    def node(self, kind: str, code: str) -> Node | None:
        nodes = self.items.get((kind, code))
        return nodes[0] if nodes else None

    def line(self, kind: str, code: str, path: Sequence[str | int] = ()) -> int | None:
        node = self.node(kind, code)
        return None if node is None else line_at(node, path)

    def problem(
        self, kind: str, code: str | None, fld: str | None, message: str, line: int | None = None
    ) -> Problem:
        if line is None and code is not None:
            line = self.line(kind, code, [fld] if fld else [])
        return Problem(self.file, line, kind, code, fld, message)

    def expression_position(
        self, kind: str, code: str, text_line: int | None, text_column: int | None
    ) -> tuple[int | None, int | None]:
        """File line and column of a position inside the item's ``expression`` text."""
        item = self.node(kind, code)
        if item is None:
            return None, None
        value, key_line = child(item, "expression")
        if not isinstance(value, ScalarNode) or key_line is None:
            return key_line, None
        start = value.start_mark
        if text_line is None:
            return line_of(value), None
        if value.style == "|":  # a literal block: content starts on the next line
            first = int(start.line) + 1  # 0-based index of the first content line
            indent = _indent(self.lines[first]) if first < len(self.lines) else None
            column = None if indent is None or text_column is None else indent + text_column
            return first + text_line, column
        if value.style == ">":  # folded: lines were joined, only the start is known
            return int(start.line) + 2, None
        if text_line == 1 and text_column is not None and value.end_mark.line == start.line:
            quote = 1 if value.style in ("'", '"') else 0
            return int(start.line) + 1, int(start.column) + quote + text_column
        return int(start.line) + text_line, None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))
