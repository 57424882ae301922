"""Whole catalogs in and out of a store: the standard catalog, imports, bulk publishing,
exports by status. Every step keeps the lifecycle rules of :mod:`lendtag.tags.catalog`
(a reviewer never publishes what they wrote) and leaves the published catalog valid.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import Connection, select

from lendtag.tags import catalog
from lendtag.tags.catalog import DEFINITIONS, MODELS, SYSTEM_REVIEWER
from lendtag.tags.checks import merge
from lendtag.tags.definitions import Catalog, _hash
from lendtag.tags.errors import CatalogError, LifecycleError
from lendtag.tags.exchange import raise_problems, read_catalog
from lendtag.tags.standard import load_standard
from lendtag.tags.yaml_source import Problem

ExportStatus = Literal["published", "in_review", "draft", "latest"]
EXPORT_STATUSES: tuple[str, ...] = ("published", "in_review", "draft", "latest")
KINDS = ("dimension", "feature", "tag", "segment")
_SECTION = {"dimension": "dimensions", "feature": "features", "tag": "tags", "segment": "segments"}


def items(cat: Catalog) -> Iterator[tuple[str, Any]]:
    """(kind, definition) for every definition of a catalog, kind by kind."""
    for kind in KINDS:
        for item in getattr(cat, _SECTION[kind]):
            yield kind, item


def _catalog_of(pairs: Iterable[tuple[str, BaseModel]]) -> Catalog:
    sections: dict[str, list[Any]] = {s: [] for s in _SECTION.values()}
    for kind, model in pairs:
        sections[_SECTION[kind]].append(model)
    return Catalog(
        dimensions=sections["dimensions"],
        features=sections["features"],
        tags=sections["tags"],
        segments=sections["segments"],
    )


def latest_versions(conn: Connection) -> dict[tuple[str, str], Any]:
    """The newest version row of every definition, by (kind, code)."""
    d = DEFINITIONS
    rows = conn.execute(select(d).order_by(d.c.kind, d.c.code, d.c.version))
    return {(r.kind, r.code): r for r in rows}


def _body(item: BaseModel) -> dict[str, Any]:
    return item.model_dump(mode="json", exclude_none=True)


def load_standard_into(conn: Connection, by: str) -> dict[str, Any]:
    """Publish the standard catalog (author ``by``, reviewer ``lendtag-standard``).

    Definitions an institution has taken over are kept: those whose newest version is a
    draft, in review, retired, or published by someone other than the system reviewer.
    Loading again changes nothing.
    """
    standard = load_standard()
    latest = latest_versions(conn)
    kept: list[dict[str, Any]] = []
    take: list[tuple[str, Any]] = []
    for kind, item in items(standard):
        row = latest.get((kind, item.code))
        if row is None or (row.status == "published" and row.reviewer == SYSTEM_REVIEWER):
            take.append((kind, item))
            continue
        reason = row.status if row.status != "published" else f"published by {row.reviewer}"
        kept.append({"kind": kind, "code": item.code, "version": row.version, "reason": reason})
    loaded = catalog.load_catalog(conn, _catalog_of(take), by, reviewer=SYSTEM_REVIEWER)
    total = {kind: len(getattr(standard, _SECTION[kind])) for kind in KINDS}
    return {
        "author": by,
        "reviewer": SYSTEM_REVIEWER,
        "standard": total,
        "published": loaded,
        "unchanged": len(take) - sum(loaded.values()),
        "kept": kept,
    }


def import_catalog(
    conn: Connection, text: str, file: str, author: str, *, submit: bool = False
) -> dict[str, Any]:
    """Store every definition of a catalog file that differs from the store's as a draft
    (or submit it for review). Nothing is written unless the whole file is valid, merged
    over the published catalog, and every definition may take a new draft.

    The file is checked as a whole, so its definitions may use each other (a dimension
    whose parent is in the same file, a tag on a feature of the file) even in an empty
    store; each draft is stored with the fingerprint that whole check gave it.
    """
    parsed = read_catalog(text, file, base=catalog.published_catalog(conn))
    latest = latest_versions(conn)
    plan: list[tuple[str, Any, str]] = []  # (kind, item, action)
    blocked: list[Problem] = []
    unchanged = 0
    for kind, item in items(parsed.catalog):
        row = latest.get((kind, item.code))
        same = row is not None and row.body == _body(item)
        if row is None or row.status == "retired" or not same:
            if row is not None and row.status == "in_review":
                blocked.append(
                    parsed.located.problem(
                        kind,
                        item.code,
                        None,
                        f"v{row.version} (by {row.author}) is in review; publish or reject it "
                        "before importing another version",
                    )
                )
                continue
            plan.append((kind, item, "draft"))
        elif row.status == "draft" and submit:
            plan.append((kind, item, "submit"))
        else:
            unchanged += 1
    if blocked:
        raise_problems(blocked, file)
    drafted: list[dict[str, Any]] = []
    submitted: list[dict[str, Any]] = []
    for kind, item, action in plan:
        if action == "draft":
            body = _body(item)
            fingerprint = parsed.fingerprints.get((kind, item.code)) or _hash(body)
            code, version = catalog.save_draft(conn, kind, body, author, fingerprint)
            drafted.append({"kind": kind, "code": code, "version": version})
        if submit:
            version = catalog.submit(conn, kind, item.code, author)
            submitted.append({"kind": kind, "code": item.code, "version": version})
    return {
        "file": file,
        "author": author,
        "drafted": drafted,
        "submitted": submitted,
        "unchanged": unchanged,
    }


def publish_in_review(conn: Connection, reviewer: str) -> dict[str, Any]:
    """Publish, by ``reviewer``, every definition in review that someone else wrote.

    What the reviewer wrote stays in review (listed). The published catalog that results
    is checked as a whole first; if it would not compile nothing is published. Once the
    whole set is known to be valid, each definition is published without checking it
    alone against the catalog published so far (a tag whose feature is published in the
    same step would otherwise fail on the order of publishing).
    """
    in_review = [r for r in latest_versions(conn).values() if r.status == "in_review"]
    own = [r for r in in_review if r.author == reviewer]
    theirs = [r for r in in_review if r.author != reviewer]
    if own and not theirs:
        raise LifecycleError(
            f"{reviewer} wrote every definition in review ({len(own)}); the reviewer who "
            "publishes must not be the author, so another person must publish them"
        )
    models = [(r.kind, MODELS[r.kind].model_validate(r.body)) for r in theirs]
    try:
        catalog.validate_catalog(merge(catalog.published_catalog(conn), _catalog_of(models)))
    except CatalogError as exc:
        raise CatalogError(
            "publishing everything in review would leave an invalid published catalog "
            f"(nothing was published): {exc.message}",
            details=exc.details,
        ) from None
    published = []
    for r in sorted(theirs, key=lambda r: (KINDS.index(r.kind), r.code)):
        version = catalog.publish(conn, r.kind, r.code, reviewer, check=False)
        published.append({"kind": r.kind, "code": r.code, "version": version, "author": r.author})
    left = [
        {"kind": r.kind, "code": r.code, "version": r.version, "author": r.author}
        for r in sorted(own, key=lambda r: (KINDS.index(r.kind), r.code))
    ]
    return {"reviewer": reviewer, "published": published, "left_in_review": left}


def export_catalog(conn: Connection, status: str = "published") -> Catalog:
    """The definitions whose newest version has ``status`` (``latest``: the newest version
    of every definition that is not retired)."""
    if status not in EXPORT_STATUSES:
        raise CatalogError(
            f"cannot export status {status!r}; expected one of {', '.join(EXPORT_STATUSES)}"
        )
    if status == "published":
        return catalog.published_catalog(conn)
    rows = latest_versions(conn).values()
    wanted = [
        r for r in rows if (r.status != "retired" if status == "latest" else r.status == status)
    ]
    return _catalog_of((r.kind, MODELS[r.kind].model_validate(r.body)) for r in wanted)
