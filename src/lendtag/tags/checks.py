"""Every check of a whole catalog, each problem located in its file.

Codes are unique and do not shadow base columns; dimensions and their parents exist and
form a tree; every feature, tag and segment expression compiles against the names the
catalog defines (all errors of each expression, at the expression's own line); category
tags only produce declared categories; manual tags are not read by expressions; nothing
depends on itself through a cycle.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import Any

from lendtag.expr import (
    CompiledExpression,
    ExpressionError,
    UnknownNameError,
    check_expression,
    compile_expression,
)
from lendtag.expr import nodes as n
from lendtag.tags.catalog import validate_catalog
from lendtag.tags.compile import TAG_TYPES
from lendtag.tags.definitions import Catalog, Segment, Tag
from lendtag.tags.errors import CatalogError
from lendtag.tags.pit import BASE_COLUMNS
from lendtag.tags.yaml_source import Located, Problem

Fingerprints = dict[tuple[str, str], str]


def merge(base: Catalog | None, catalog: Catalog) -> Catalog:
    """``base`` with every definition of ``catalog`` added or replacing the one of its code."""
    if base is None:
        return catalog

    def over(old: Sequence[Any], new: Sequence[Any]) -> list[Any]:
        codes = {x.code for x in new}
        return [o for o in old if o.code not in codes] + list(new)

    return Catalog(
        dimensions=over(base.dimensions, catalog.dimensions),
        features=over(base.features, catalog.features),
        tags=over(base.tags, catalog.tags),
        segments=over(base.segments, catalog.segments),
    )


def first_of_each(catalog: Catalog) -> Catalog:
    """The catalog with only the first definition of each duplicated code."""

    def once(items: Sequence[Any]) -> list[Any]:
        seen: set[str] = set()
        out = []
        for item in items:
            if item.code not in seen:
                seen.add(item.code)
                out.append(item)
        return out

    return Catalog(
        dimensions=once(catalog.dimensions),
        features=once(catalog.features),
        tags=once(catalog.tags),
        segments=once(catalog.segments),
    )


def check_catalog(
    catalog: Catalog,
    where: Located,
    *,
    base: Catalog | None = None,
    broken: Iterable[str] = (),
) -> tuple[list[Problem], Fingerprints]:
    """All problems of ``catalog`` (merged over ``base``) and, when there are none, the
    fingerprint of every computed definition.

    ``broken`` are codes of items that failed to parse: expressions naming them are not
    also reported as using an unknown name.
    """
    problems = _duplicates(where)
    merged = merge(base, first_of_each(catalog))
    problems += _dimensions(merged, where)
    problems += _codes(merged, where)
    checker = _Expressions(merged, where, {b.lower() for b in broken})
    problems += checker.run()
    problems += _cycles(checker.deps, where)
    if problems:
        return _ordered(problems), {}
    try:
        return [], validate_catalog(merged)
    except CatalogError as exc:  # a rule the located checks do not know yet: still reported
        errors = exc.details.get("errors") or [exc.message]
        return [Problem(where.file, None, "document", None, None, str(e)) for e in errors], {}


def _ordered(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line is None, p.line or 0))


def _suggest(name: str, known: Iterable[str], *, listing: str | None = None) -> str:
    """A did-you-mean hint, or (with ``listing``) the known names when none is close."""
    names = sorted(known)
    close = difflib.get_close_matches(name, names, n=1)
    if close:
        return f" (did you mean {close[0]!r}?)"
    if listing is None:
        return ""
    if not names:
        return f" (there are no {listing})"
    more = ", …" if len(names) > 12 else ""
    return f" (known {listing}: {', '.join(names[:12])}{more})"


def _duplicates(where: Located) -> list[Problem]:
    out = []
    for (kind, code), nodes in where.items.items():
        first = nodes[0].start_mark.line + 1
        for node in nodes[1:]:
            out.append(
                Problem(
                    where.file,
                    node.start_mark.line + 1,
                    kind,
                    code,
                    "code",
                    f"{kind} {code!r} is defined twice (first at line {first})",
                )
            )
    return out


def _dimensions(catalog: Catalog, where: Located) -> list[Problem]:
    out = []
    parents = {d.code: d.parent for d in catalog.dimensions}
    for d in catalog.dimensions:
        if d.parent is not None and d.parent not in parents:
            out.append(
                where.problem(
                    "dimension",
                    d.code,
                    "parent",
                    f"unknown dimension {d.parent!r}"
                    f"{_suggest(d.parent, parents, listing='dimensions')}",
                )
            )
    reported: set[str] = set()
    for start in parents:
        path, current = [start], parents[start]
        while current is not None and current in parents and current not in path:
            path.append(current)
            current = parents[current]
        if current is not None and current in path and not reported & set(path):
            loop = path[path.index(current) :]
            reported |= set(loop)
            first = min(loop, key=lambda c: where.line("dimension", c) or 10**9)
            chain = " → ".join([*loop[loop.index(first) :], *loop[: loop.index(first)], first])
            out.append(
                where.problem(
                    "dimension", first, "parent", f"dimensions are their own ancestors: {chain}"
                )
            )
    for t in catalog.tags:
        if t.dimension not in parents:
            out.append(
                where.problem(
                    "tag",
                    t.code,
                    "dimension",
                    f"unknown dimension {t.dimension!r}"
                    f"{_suggest(t.dimension, parents, listing='dimensions')}",
                )
            )
    return out


def _codes(catalog: Catalog, where: Located) -> list[Problem]:
    out = []
    features = {f.code for f in catalog.features}
    for f in catalog.features:
        if f.code in BASE_COLUMNS:
            out.append(
                where.problem("feature", f.code, "code", f"{f.code!r} is the name of a base column")
            )
    for t in catalog.tags:
        if t.code in BASE_COLUMNS or t.code in features:
            what = "base column" if t.code in BASE_COLUMNS else "feature"
            out.append(where.problem("tag", t.code, "code", f"{t.code!r} is the name of a {what}"))
    return out


class _Expressions:
    """Compile every expression of the merged catalog; remember who depends on whom."""

    def __init__(self, catalog: Catalog, where: Located, broken: set[str]) -> None:
        self.catalog = catalog
        self.where = where
        self.broken = broken
        self.schema = dict(BASE_COLUMNS)
        for f in catalog.features:
            self.schema.setdefault(f.code, f.type)
        for t in catalog.tags:
            self.schema.setdefault(t.code, TAG_TYPES[t.value_type])
        self.manual = {t.code for t in catalog.tags if t.kind == "manual"}
        self.defined = {f.code for f in catalog.features} | {
            t.code for t in catalog.tags if t.kind != "manual"
        }
        self.deps: dict[tuple[str, str], tuple[str, ...]] = {}

    def run(self) -> list[Problem]:
        out: list[Problem] = []
        for f in self.catalog.features:
            out += self._one("feature", f.code, f.expression, f.type)
        for t in self.catalog.tags:
            if t.kind != "manual":
                out += self._one("tag", t.code, t.expression or "", TAG_TYPES[t.value_type], t)
        for s in self.catalog.segments:
            out += self._one("segment", s.code, s.expression, "boolean", s)
        return out

    def _one(
        self, kind: str, code: str, text: str, expect: str, owner: Tag | Segment | None = None
    ) -> list[Problem]:
        schema = (
            self.schema
            if kind == "segment"
            else {k: v for k, v in self.schema.items() if k != code}
        )
        try:
            compiled = compile_expression(text, schema, expect=expect)
        except ExpressionError:
            return [
                self._at(kind, code, e, self._message(code, e))
                for e in check_expression(text, schema, expect=expect)
                if not (isinstance(e, UnknownNameError) and e.name.lower() in self.broken)
            ]
        out: list[Problem] = []
        if kind != "segment":
            self.deps[(kind, code)] = tuple(x for x in compiled.names if x in self.defined)
        used = [x for x in compiled.names if x in self.manual]
        if used:
            out.append(
                self._located(
                    kind,
                    code,
                    f"manual tag(s) {', '.join(used)} cannot be used in an expression "
                    "(people set their values; a computed definition cannot depend on them)",
                )
            )
        if isinstance(owner, Tag) and owner.categories:
            out += self._categories(owner, compiled)
        return out

    def _message(self, code: str, error: ExpressionError) -> str:
        if isinstance(error, UnknownNameError) and error.name.lower() == code.lower():
            return "a definition cannot refer to itself"
        return error.message

    def _at(self, kind: str, code: str, error: ExpressionError, message: str) -> Problem:
        line, column = self.where.expression_position(kind, code, error.line, error.column)
        if error.line is not None:
            message += f" (expression line {error.line}, column {error.column})"
        return Problem(self.where.file, line, kind, code, "expression", message, column)

    def _located(self, kind: str, code: str, message: str) -> Problem:
        line, _ = self.where.expression_position(kind, code, None, None)
        return Problem(self.where.file, line, kind, code, "expression", message)

    def _categories(self, tag: Tag, compiled: CompiledExpression) -> list[Problem]:
        allowed = [c.value for c in tag.categories or []]
        out = []
        for lit in _result_literals(compiled.tree):
            if isinstance(lit.value, str) and lit.value not in allowed:
                text = compiled.text
                error = ExpressionError(
                    f"{lit.value!r} is not one of the tag's categories "
                    f"({', '.join(allowed)}){_suggest(lit.value, allowed)}",
                    source=text,
                    start=lit.start,
                    end=lit.end,
                )
                out.append(self._at("tag", tag.code, error, error.message))
        return out


def _result_literals(node: n.Node) -> list[n.Literal]:
    """The text literals a CASE / COALESCE can return (the values a category tag takes)."""
    if isinstance(node, n.Literal):
        return [node]
    if isinstance(node, n.Case):
        branches = [then for _, then in node.whens]
        if node.default is not None:
            branches.append(node.default)
        return [lit for b in branches for lit in _result_literals(b)]
    if isinstance(node, n.Call) and node.name == "COALESCE":
        return [lit for a in node.args for lit in _result_literals(a)]
    return []


def _cycles(deps: dict[tuple[str, str], tuple[str, ...]], where: Located) -> list[Problem]:
    """One problem per group of definitions that depend on each other (Tarjan's SCC)."""
    kind_of = {code: kind for kind, code in deps}
    graph = {code: [d for d in ds if d in kind_of] for (_, code), ds in deps.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(v: str) -> None:  # recursion depth is bounded by the catalog's depth of reuse
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(group)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    out = []
    for group in groups:
        members = set(group)
        first = min(group, key=lambda c: (where.line(kind_of[c], c) or 10**9, c))
        path, current = [first], first
        while True:
            current = next(d for d in graph[current] if d in members)
            if current in path:
                path = [*path[path.index(current) :], current]
                break
            path.append(current)
        out.append(
            where.problem(
                kind_of[first],
                first,
                "expression",
                "definitions depend on each other in a cycle: " + " → ".join(path),
            )
        )
    return out
