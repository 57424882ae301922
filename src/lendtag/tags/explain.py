"""Why a customer carries a tag value, and what a draft would do before anyone publishes it."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import Counter
from typing import Any, cast

from sqlalchemy import Connection, Table, or_, select

from lendtag.errors import InputError, NotFoundError
from lendtag.expr import nodes as n
from lendtag.expr.printer import to_text
from lendtag.expr.to_python import compile_python
from lendtag.store.models import Definition, TagRun
from lendtag.tags import catalog
from lendtag.tags.compile import Plan, compile_plan
from lendtag.tags.definitions import Feature, Tag
from lendtag.tags.pit import base_query
from lendtag.tags.queries import values_of_tag_on, values_on
from lendtag.tags.run import canonical_sql

DEFINITIONS = cast(Table, Definition.__table__)


def definitions_at(conn: Connection, kind: str, moment: dt.datetime) -> list[Any]:
    """The definitions of ``kind`` that were published at ``moment``."""
    d = DEFINITIONS
    rows = conn.execute(
        select(d.c.body)
        .where(
            d.c.kind == kind,
            d.c.published_at.is_not(None),
            d.c.published_at <= moment,
            or_(d.c.retired_at.is_(None), d.c.retired_at > moment),
        )
        .order_by(d.c.code)
    )
    return [catalog.MODELS[kind].model_validate(r.body) for r in rows]


def base_row(conn: Connection, code: str, as_of: dt.date) -> dict[str, Any]:
    """The point-in-time base columns of one customer."""
    base = base_query(conn.dialect.name, as_of).subquery("b")
    row = conn.execute(select(base).where(base.c.credit_code == code)).mappings().first()
    if row is None:
        raise NotFoundError(f"customer {code} has no recorded attributes on {as_of}")
    out = dict(row)
    for key, value in out.items():  # SQLite hands dates back as text
        if isinstance(value, str) and key.endswith(("_date", "_on", "_end", "_due", "since")):
            with contextlib.suppress(ValueError):
                out[key] = dt.date.fromisoformat(value)
    return out


def evaluate_row(plan: Plan, row: dict[str, Any], as_of: dt.date) -> dict[str, Any]:
    """Fill in every feature and computed tag for one base row, layer by layer."""
    values = dict(row)
    for layer in plan.layers:
        for c in layer:
            values[c.code] = c.expression.evaluate(values, as_of)
    return values


def decided_by(tree: n.Node, row: dict[str, Any], as_of: dt.date) -> str | None:
    """For a CASE, the arm that produced the value: the first WHEN, in order, whose
    condition is TRUE on ``row`` (for a simple CASE, whose value equals the operand), each
    evaluated by its own compiled function — as the CASE itself decides."""
    if not isinstance(tree, n.Case):
        return None
    subject: Any = None
    if tree.operand is not None:
        subject = compile_python(tree.operand)[0](row, as_of)
    for condition, result in tree.whens:
        value = compile_python(condition)[0](row, as_of)
        held = value is True if tree.operand is None else _equal(subject, value)
        if held:
            return f"WHEN {to_text(condition)} THEN {to_text(result)}"
    default = "NULL" if tree.default is None else to_text(tree.default)
    return f"ELSE {default} (no condition held)"


def _equal(subject: Any, value: Any) -> bool:
    """SQL equality for a simple CASE: NULL equals nothing."""
    return subject is not None and value is not None and bool(subject == value)


def explain(
    conn: Connection, code: str, tag_code: str, as_of: dt.date | None = None
) -> dict[str, Any]:
    """The definition version, the expression, the input values and the deciding clause."""
    current = [v for v in values_on(conn, code, as_of) if v["tag"] == tag_code]
    if not current:
        when = f" on {as_of}" if as_of else ""
        raise NotFoundError(f"customer {code.upper()} has no value of tag {tag_code}{when}")
    value = current[0]
    out: dict[str, Any] = {
        "credit_code": code.upper(),
        "tag": tag_code,
        "value": value["value"],
        "value_name": value["value_name"],
        "since": value["since"],
        "source": value["source"],
    }
    if value["source"] == "manual":
        return out | {
            "set_by": value.get("set_by"),
            "reason": value["reason"],
            "expires_on": value["expires_on"],
        }
    run = conn.execute(select(TagRun.__table__).where(TagRun.id == value["run_id"])).first()
    if run is None:
        raise NotFoundError(f"run {value['run_id']} that produced the value is not recorded")
    moment = run.finished_at or run.started_at
    tags = list(definitions_at(conn, "tag", moment))
    tag = next((t for t in tags if t.code == tag_code), None)
    if tag is None:
        raise NotFoundError(f"tag {tag_code} was not published at run {run.id}")
    version = conn.execute(
        select(DEFINITIONS.c.version)
        .where(
            DEFINITIONS.c.kind == "tag",
            DEFINITIONS.c.code == tag_code,
            DEFINITIONS.c.fingerprint == value["fingerprint"],
        )
        .order_by(DEFINITIONS.c.version.desc())
    ).scalar()
    features: list[Feature] = definitions_at(conn, "feature", moment)
    plan = compile_plan(features, tags)
    values = evaluate_row(plan, base_row(conn, code.upper(), run.as_of), run.as_of)
    compiled = plan.compiled[tag_code]
    explanation = compiled.expression.explain(values, run.as_of).to_dict()
    feature_inputs = {}
    for name in compiled.expression.names:
        if name in plan.compiled and plan.compiled[name].kind == "feature":
            f = plan.compiled[name].expression
            feature_inputs[name] = {
                "expression": f.normalized,
                "inputs": {k: _plain(values.get(k)) for k in f.names},
            }
    return out | {
        "run_id": run.id,
        "as_of": run.as_of.isoformat(),
        "definition": {
            "version": version,
            "fingerprint": value["fingerprint"],
            "expression": tag.expression,
        },
        "inputs": explanation["inputs"],
        "features": feature_inputs,
        "decided_by": decided_by(compiled.expression.tree, values, run.as_of),
        "steps": explanation["steps"],
        "recomputed": explanation["value"],
    }


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _computed_values(
    conn: Connection, tags: list[Tag], code: str, as_of: dt.date
) -> dict[str, Any]:
    """Tag ``code`` of ``tags`` (with the published features) computed over the whole
    portfolio as of ``as_of``, as stored text by customer (NULL for none)."""
    features = catalog.published(conn, "feature")
    plan = compile_plan(features, tags)
    tag = next(t for t in plan.tags if t.code == code)
    dialect = conn.dialect.name
    base_sql = str(
        base_query(dialect, as_of).compile(
            dialect=conn.dialect, compile_kwargs={"literal_binds": True}
        )
    )
    sql = (
        f"SELECT credit_code, {canonical_sql(dialect, tag, tag.code)} AS v "
        f"FROM ({plan.sql(dialect, base_sql, as_of)}) AS r"
    )
    return dict(conn.exec_driver_sql(sql).all())


def preview(conn: Connection, draft: Tag, as_of: dt.date) -> dict[str, Any]:
    """A draft's value distribution over the portfolio and how many customers would change
    versus the published version — both computed on ``as_of`` (a manual published version:
    the values people had set on that date)."""
    if draft.kind == "manual":
        raise InputError(
            f"tag {draft.code} is a manual tag: people set its values, there is nothing to preview"
        )
    published_tags = catalog.published(conn, "tag")
    others = [t for t in published_tags if t.code != draft.code]
    new: dict[str, str | None] = _computed_values(conn, [*others, draft], draft.code, as_of)
    current = next((t for t in published_tags if t.code == draft.code), None)
    if current is None:
        published: dict[str, Any] = {}
    elif current.kind == "manual":
        published = values_of_tag_on(conn, draft.code, as_of)
    else:
        published = _computed_values(conn, published_tags, draft.code, as_of)
    changes = Counter((published.get(c), v) for c, v in new.items() if published.get(c) != v)
    distribution = Counter(v for v in new.values())
    allowed = {c.value for c in draft.categories or []}
    undeclared = sorted(v for v in distribution if v is not None and allowed and v not in allowed)
    plan = compile_plan(catalog.published(conn, "feature"), [*others, draft])
    return {
        "tag": draft.code,
        "as_of": as_of.isoformat(),
        "customers": len(new),
        "new_tag": current is None,
        "compared_with": None if current is None else _version_of(conn, draft.code),
        "distribution": {
            ("(none)" if k is None else k): v
            for k, v in sorted(distribution.items(), key=lambda kv: str(kv[0]))
        },
        "would_change": sum(changes.values()),
        "changes": [{"from": a, "to": b, "customers": k} for (a, b), k in changes.most_common(20)],
        "undeclared_values": undeclared,
        "fingerprint": plan.compiled[draft.code].fingerprint,
    }


def _version_of(conn: Connection, code: str) -> dict[str, Any]:
    d = DEFINITIONS
    row = conn.execute(
        select(d.c.version, d.c.fingerprint).where(
            d.c.kind == "tag", d.c.code == code, d.c.status == "published"
        )
    ).one()
    return {"version": row.version, "fingerprint": row.fingerprint}
