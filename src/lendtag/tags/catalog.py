"""Versioned definitions with their lifecycle: draft → in_review → published → retired.

The reviewer who publishes must not be the author. A published version is never changed:
an edit opens a new draft version; publishing it retires the version it replaces.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import Connection, Table, func, insert, select, update

from lendtag.store.models.base import utcnow
from lendtag.store.models.tags import Definition
from lendtag.tags.compile import compile_plan, compile_segments
from lendtag.tags.definitions import Catalog, Dimension, Feature, Segment, Tag, _hash
from lendtag.tags.errors import CatalogError, LifecycleError

MODELS: dict[str, type[BaseModel]] = {
    "dimension": Dimension,
    "feature": Feature,
    "tag": Tag,
    "segment": Segment,
}
SYSTEM_REVIEWER = "lendtag-standard"
V = TypeVar("V")
DEFINITIONS = cast(Table, Definition.__table__)


def parse_body(kind: str, body: dict[str, Any]) -> BaseModel:
    try:
        return MODELS[kind].model_validate(body)
    except KeyError:
        raise CatalogError(f"unknown definition kind {kind!r}") from None
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or kind
        raise CatalogError(
            f"{kind} {body.get('code', '?')}: {where}: {first['msg']}",
            details={"errors": exc.errors(include_url=False)},
        ) from exc


def _latest(conn: Connection, kind: str, code: str) -> Any:
    d = DEFINITIONS
    return conn.execute(
        select(d).where(d.c.kind == kind, d.c.code == code).order_by(d.c.version.desc()).limit(1)
    ).first()


@dataclass
class _Published:
    signature: tuple[Any, ...]
    models: list[Any]
    views: dict[str, Any] = field(default_factory=dict)


_PUBLISHED: dict[tuple[str, str], _Published] = {}
"""Parsed published definitions per (database, kind), with the signature they were read at
and what callers built from them (:func:`published_view`)."""

_SIGNATURES: dict[str, Any] = {}


def _signature(conn: Connection, kind: str) -> tuple[Any, ...]:
    """Changes whenever the published set of ``kind`` changes: every publish stamps
    ``published_at`` and every retirement ``retired_at``, and published versions are immutable."""
    stmt = _SIGNATURES.get(kind)
    if stmt is None:  # built once per kind: the statement object keeps its cache key
        d = DEFINITIONS
        stmt = _SIGNATURES[kind] = select(
            func.count().filter(d.c.status == "published"),
            func.max(d.c.published_at),
            func.max(d.c.retired_at),
        ).where(d.c.kind == kind)
    return tuple(conn.execute(stmt).one())


def _current(conn: Connection, kind: str) -> _Published:
    key = (conn.engine.url.render_as_string(hide_password=False), kind)
    signature = _signature(conn, kind)
    cached = _PUBLISHED.get(key)
    if cached is not None and cached.signature == signature:
        return cached
    d = DEFINITIONS
    rows = conn.execute(
        select(d.c.body).where(d.c.kind == kind, d.c.status == "published").order_by(d.c.code)
    )
    entry = _Published(signature, [MODELS[kind].model_validate(r.body) for r in rows])
    _PUBLISHED[key] = entry
    return entry


def published(conn: Connection, kind: str) -> list[Any]:
    """The published definitions of a kind, as models (frozen), ordered by code.

    Parsed once per change of the published set: a server reads the catalog on every
    request and asks the database only whether it changed.
    """
    return list(_current(conn, kind).models)


def published_view(conn: Connection, kind: str, name: str, build: Callable[[list[Any]], V]) -> V:
    """``build(published definitions)``, kept until the published set of ``kind`` changes.

    ``name`` tells views apart; what ``build`` returns is shared, so callers must not change
    it.
    """
    entry = _current(conn, kind)
    if name not in entry.views:
        entry.views[name] = build(entry.models)
    return cast(V, entry.views[name])


def published_catalog(conn: Connection) -> Catalog:
    return Catalog(
        dimensions=published(conn, "dimension"),
        features=published(conn, "feature"),
        tags=published(conn, "tag"),
        segments=published(conn, "segment"),
    )


def save_draft(
    conn: Connection, kind: str, body: dict[str, Any], author: str, fingerprint: str | None = None
) -> tuple[str, int]:
    """Store a new draft (or rewrite the open draft) of a definition; returns (code, version)."""
    model = parse_body(kind, body)
    code = str(model.code)  # type: ignore[attr-defined]
    data = model.model_dump(mode="json", exclude_none=True)
    fp = fingerprint or check_definition(conn, kind, model)
    latest = _latest(conn, kind, code)
    d = DEFINITIONS
    if latest is not None and latest.status == "draft":
        conn.execute(
            update(d)
            .where(d.c.kind == kind, d.c.code == code, d.c.version == latest.version)
            .values(body=data, fingerprint=fp, author=author, created_at=utcnow())
        )
        return code, int(latest.version)
    if latest is not None and latest.status == "in_review":
        raise LifecycleError(
            f"{kind} {code} v{latest.version} is in review; publish or reject "
            "it before drafting another version"
        )
    version = 1 if latest is None else int(latest.version) + 1
    conn.execute(
        insert(d).values(
            kind=kind,
            code=code,
            version=version,
            status="draft",
            body=data,
            fingerprint=fp,
            author=author,
            created_at=utcnow(),
        )
    )
    return code, version


def _transition(
    conn: Connection, kind: str, code: str, source: str, target: str, **values: Any
) -> Any:
    latest = _latest(conn, kind, code)
    if latest is None:
        raise CatalogError(f"no {kind} named {code!r}")
    if latest.status != source:
        raise LifecycleError(
            f"{kind} {code} v{latest.version} is {latest.status}, "
            f"not {source}; cannot move it to {target}"
        )
    d = DEFINITIONS
    conn.execute(
        update(d)
        .where(d.c.kind == kind, d.c.code == code, d.c.version == latest.version)
        .values(status=target, **values)
    )
    return latest


def submit(conn: Connection, kind: str, code: str, by: str) -> int:
    """A draft goes to review."""
    row = _transition(conn, kind, code, "draft", "in_review", submitted_at=utcnow())
    return int(row.version)


def reject(conn: Connection, kind: str, code: str, by: str, note: str) -> int:
    """A reviewer sends a version in review back to draft, saying why."""
    row = _latest(conn, kind, code)
    if row is not None and row.author == by:
        raise LifecycleError(f"{by} wrote {kind} {code}; another person must review it")
    row = _transition(conn, kind, code, "in_review", "draft", note=note)
    return int(row.version)


def check_definition(conn: Connection, kind: str, model: BaseModel) -> str:
    """Validate one definition as if it were published with the current catalog (its
    dimension exists, its expression compiles, no cycle); returns its fingerprint."""
    merged = _merge_with_published(conn, Catalog(**{f"{kind}s": [model]}))  # type: ignore[arg-type]
    fingerprints = validate_catalog(merged)
    code = str(model.code)  # type: ignore[attr-defined]
    return fingerprints.get((kind, code)) or _hash(model.model_dump(mode="json", exclude_none=True))


def publish(conn: Connection, kind: str, code: str, reviewer: str, *, check: bool = True) -> int:
    """A version in review is published by someone other than its author.

    It is checked again against the catalog as published now (``check=False`` when the
    caller validated the whole catalog it belongs to).
    """
    row = _latest(conn, kind, code)
    if row is not None and row.author == reviewer:
        raise LifecycleError(
            f"{reviewer} wrote {kind} {code} v{row.version}; the reviewer who "
            "publishes must not be the author"
        )
    if check and row is not None and row.status == "in_review":
        check_definition(conn, kind, parse_body(kind, row.body))
    d = DEFINITIONS
    now = utcnow()
    conn.execute(
        update(d)
        .where(d.c.kind == kind, d.c.code == code, d.c.status == "published")
        .values(status="retired", retired_at=now)
    )
    row = _transition(
        conn, kind, code, "in_review", "published", reviewer=reviewer, published_at=now
    )
    return int(row.version)


def retire(conn: Connection, kind: str, code: str, by: str) -> int:
    """Retire a published definition, unless published definitions still use it."""
    current = published_catalog(conn)
    remaining = current.model_copy(
        update={
            f"{kind}s": [i for i in getattr(current, f"{kind}s") if i.code != code],
        }
    )
    try:
        validate_catalog(remaining)
    except CatalogError as exc:
        raise LifecycleError(
            f"{kind} {code} is still used by published definitions: {exc.message}",
            details=exc.details,
        ) from None
    row = _transition(conn, kind, code, "published", "retired", retired_at=utcnow())
    return int(row.version)


def versions(conn: Connection, kind: str, code: str) -> list[dict[str, Any]]:
    d = DEFINITIONS
    rows = conn.execute(select(d).where(d.c.kind == kind, d.c.code == code).order_by(d.c.version))
    return [
        {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r._mapping.items()}
        for r in rows
    ]


def validate_catalog(catalog: Catalog) -> dict[tuple[str, str], str]:
    """Check a whole catalog: unique codes, known dimensions, every expression, no cycles.

    Returns the fingerprint of every feature, computed tag and segment by (kind, code).
    """
    problems: list[str] = []
    for kind, items in (
        ("dimension", catalog.dimensions),
        ("feature", catalog.features),
        ("tag", catalog.tags),
        ("segment", catalog.segments),
    ):
        codes = [i.code for i in items]
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            problems.append(f"{kind} code(s) defined twice: {', '.join(dupes)}")
    dims = {d.code for d in catalog.dimensions}
    for d in catalog.dimensions:
        if d.parent is not None and d.parent not in dims:
            problems.append(f"dimension {d.code}: unknown parent {d.parent!r}")
    for t in catalog.tags:
        if t.dimension not in dims:
            problems.append(f"tag {t.code}: unknown dimension {t.dimension!r}")
    if problems:
        raise CatalogError("; ".join(problems), details={"errors": problems})
    plan = compile_plan(catalog.features, catalog.tags)
    segments = compile_segments(plan, catalog.segments)
    return {(c.kind, code): c.fingerprint for code, c in plan.compiled.items()} | {
        ("segment", code): e.fingerprint for code, e in segments.items()
    }


def load_catalog(
    conn: Connection, catalog: Catalog, author: str, reviewer: str | None = None
) -> dict[str, int]:
    """Store every definition of ``catalog`` that differs from its published version.

    Without ``reviewer`` the changes stay drafts; with one they are submitted and published
    (the standard catalog is loaded so, by the system reviewer). Returns counts per kind.
    """
    merged = _merge_with_published(conn, catalog)
    fingerprints = validate_catalog(merged)
    counts: dict[str, int] = {}
    for kind, items in (
        ("dimension", catalog.dimensions),
        ("feature", catalog.features),
        ("tag", catalog.tags),
        ("segment", catalog.segments),
    ):
        for item in items:
            body = item.model_dump(mode="json", exclude_none=True)
            latest = _latest(conn, kind, item.code)
            if latest is not None and latest.status == "published" and latest.body == body:
                continue
            save_draft(conn, kind, body, author, fingerprints.get((kind, item.code)))
            counts[kind] = counts.get(kind, 0) + 1
            if reviewer is not None:
                submit(conn, kind, item.code, author)
                publish(conn, kind, item.code, reviewer, check=False)
    return counts


def _merge_with_published(conn: Connection, catalog: Catalog) -> Catalog:
    current = published_catalog(conn)

    def merge(old: Sequence[Any], new: Sequence[Any]) -> list[Any]:
        codes = {n.code for n in new}
        return [o for o in old if o.code not in codes] + list(new)

    return Catalog(
        dimensions=merge(current.dimensions, catalog.dimensions),
        features=merge(current.features, catalog.features),
        tags=merge(current.tags, catalog.tags),
        segments=merge(current.segments, catalog.segments),
    )


def count_definitions(conn: Connection) -> dict[str, int]:
    d = DEFINITIONS
    rows = conn.execute(
        select(d.c.kind, func.count()).where(d.c.status == "published").group_by(d.c.kind)
    )
    return {k: int(n) for k, n in rows}
