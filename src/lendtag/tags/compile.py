"""Compile features and tags into layers of one set-based query, in dependency order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lendtag.expr import CompiledExpression, ExpressionError, compile_expression
from lendtag.tags.definitions import Feature, Segment, Tag
from lendtag.tags.errors import CatalogError
from lendtag.tags.pit import BASE_COLUMNS

TAG_TYPES = {"flag": "boolean", "category": "text", "number": "number"}


@dataclass(frozen=True)
class Compiled:
    """A feature or tag with its checked expression and the definitions it depends on."""

    code: str
    kind: str  # feature | tag
    expression: CompiledExpression
    depends_on: tuple[str, ...]
    fingerprint: str


@dataclass(frozen=True)
class Plan:
    """Everything a run needs: the schema and the definitions grouped into layers."""

    schema: dict[str, str]
    layers: tuple[tuple[Compiled, ...], ...]
    tags: tuple[Tag, ...]
    compiled: dict[str, Compiled]

    def sql(
        self, dialect: str, base_sql: str, as_of: dt.date, columns: Sequence[str] | None = None
    ) -> str:
        """The whole run as one SELECT: base, then one CTE per layer, then the columns asked
        for (by default the computed tags)."""
        ctes = [f"base AS ({base_sql})"]
        previous = "base"
        for i, layer in enumerate(self.layers, start=1):
            exprs = ", ".join(
                f"{c.expression.to_sql(dialect, as_of=as_of)} AS {c.code}" for c in layer
            )
            ctes.append(f"l{i} AS (SELECT {previous}.*, {exprs} FROM {previous})")
            previous = f"l{i}"
        wanted = ", ".join(columns if columns is not None else [t.code for t in self.tags])
        return f"WITH {', '.join(ctes)} SELECT credit_code, {wanted} FROM {previous}"

    @property
    def feature_codes(self) -> list[str]:
        return [c.code for layer in self.layers for c in layer if c.kind == "feature"]

    def result_columns(self, segments: Iterable[CompiledExpression] = ()) -> list[str]:
        """The columns a run keeps per customer: features, computed tags, and the base
        columns the segments read directly (a segment may use any base column)."""
        computed = [*self.feature_codes, *(t.code for t in self.tags)]
        base = sorted({n for e in segments for n in e.names if n in BASE_COLUMNS} - {"credit_code"})
        return computed + [b for b in base if b not in computed]


def compile_segments(plan: Plan, segments: Sequence[Segment]) -> dict[str, CompiledExpression]:
    """Check segment expressions (booleans over base columns, features and computed tags)."""
    manual = {
        t
        for t, kind in plan.schema.items()
        if t not in plan.compiled and kind and t not in BASE_COLUMNS
    }
    out: dict[str, CompiledExpression] = {}
    problems: list[str] = []
    for seg in segments:
        try:
            expr = compile_expression(seg.expression, plan.schema, expect="boolean")
        except ExpressionError as exc:
            problems.append(f"segment {seg.code}: {exc}")
            continue
        used = sorted(manual & set(expr.names))
        if used:
            problems.append(
                f"segment {seg.code}: manual tag(s) {', '.join(used)} cannot be "
                "used in an expression"
            )
        out[seg.code] = expr
    if problems:
        raise CatalogError("; ".join(problems), details={"errors": problems})
    return out


def schema_for(features: Sequence[Feature], tags: Sequence[Tag]) -> dict[str, str]:
    """Names usable in expressions: base columns, features and tags, with their types.

    Manual tags are listed so that an expression using one gets a precise refusal.
    """
    schema = dict(BASE_COLUMNS)
    for f in features:
        if f.code in schema:
            raise CatalogError(f"feature {f.code!r} has the name of a base column")
        schema[f.code] = f.type
    for t in tags:
        if t.code in schema:
            raise CatalogError(f"tag {t.code!r} has the name of a base column or feature")
        schema[t.code] = TAG_TYPES[t.value_type]  # manual ones only to name them in errors
    return schema


def compile_plan(features: Sequence[Feature], tags: Sequence[Tag]) -> Plan:
    """Check every expression, find dependencies, refuse cycles, order into layers."""
    schema = schema_for(features, tags)
    computed = [t for t in tags if t.kind != "manual"]
    manual = {t.code for t in tags if t.kind == "manual"}
    defined = {f.code for f in features} | {t.code for t in computed}
    nodes: dict[str, Compiled] = {}
    problems: list[str] = []
    for kind, code, text, expect, fp in (
        *(("feature", f.code, f.expression, f.type, None) for f in features),
        *(("tag", t.code, t.expression or "", TAG_TYPES[t.value_type], t) for t in computed),
    ):
        try:
            expr = compile_expression(text, _without(schema, code), expect=expect)
        except ExpressionError as exc:
            problems.append(f"{kind} {code}: {exc}")
            continue
        used_manual = sorted(manual & set(expr.names))
        if used_manual:
            problems.append(
                f"{kind} {code}: manual tag(s) {', '.join(used_manual)} cannot be "
                "used in an expression"
            )
        deps = tuple(n for n in expr.names if n in defined)
        fingerprint = fp.fingerprint(expr.fingerprint) if isinstance(fp, Tag) else expr.fingerprint
        nodes[code] = Compiled(code, kind, expr, deps, fingerprint)
    if problems:
        raise CatalogError("; ".join(problems), details={"errors": problems})
    return Plan(schema, _layers(nodes), tuple(computed), nodes)


def _without(schema: dict[str, str], name: str) -> dict[str, str]:
    """A definition may not refer to itself."""
    return {k: v for k, v in schema.items() if k != name}


def _layers(nodes: dict[str, Compiled]) -> tuple[tuple[Compiled, ...], ...]:
    done: set[str] = set()
    layers: list[tuple[Compiled, ...]] = []
    remaining = dict(nodes)
    while remaining:
        ready = [c for c in remaining.values() if all(d in done for d in c.depends_on)]
        if not ready:
            raise CatalogError(
                "definitions depend on each other in a cycle: " + " → ".join(_cycle(remaining))
            )
        layers.append(tuple(sorted(ready, key=lambda c: c.code)))
        for c in ready:
            done.add(c.code)
            del remaining[c.code]
    return tuple(layers)


def _cycle(remaining: dict[str, Compiled]) -> list[str]:
    start = min(remaining)
    path = [start]
    seen = {start}
    current = start
    while True:
        current = next(d for d in remaining[current].depends_on if d in remaining)
        if current in seen:
            return [*path[path.index(current) :], current]
        path.append(current)
        seen.add(current)
