"""The tag system's operations on the facade (mixed into :class:`lendtag.core.Lendtag`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from lendtag.core.reporting import Reporter
from lendtag.errors import InputError
from lendtag.store import audit
from lendtag.store.db import Store
from lendtag.store.models import TagRun
from lendtag.tags import catalog, explain, manual, queries, segments
from lendtag.tags.definitions import Tag
from lendtag.tags.export import export_rows
from lendtag.tags.run import RunResult, run_tags


class TagOperations:
    """Thin wrappers: open the right transaction, call the tags package."""

    store: Store

    def require_migrated(self) -> None:
        self.store.require_migrated()

    def tags_run(
        self,
        as_of: dt.date,
        *,
        only: list[str] | None = None,
        engine: str | None = None,
        reporter: Reporter | None = None,
    ) -> RunResult:
        self.require_migrated()
        return run_tags(self.store, as_of, only=only, engine=engine, reporter=reporter)

    def tags_show(self, code: str, as_of: dt.date | None = None) -> list[dict[str, Any]]:
        self.require_migrated()
        with self.store.read() as conn:
            return queries.values_on(conn, code, as_of)

    def tags_history(self, code: str, tag: str | None = None) -> list[dict[str, Any]]:
        self.require_migrated()
        with self.store.read() as conn:
            return queries.history(conn, code, tag)

    def tags_explain(self, code: str, tag: str, as_of: dt.date | None = None) -> dict[str, Any]:
        self.require_migrated()
        with self.store.read() as conn:
            return explain.explain(conn, code, tag, as_of)

    def tags_migration(self, tag: str, d1: dt.date, d2: dt.date) -> dict[str, Any]:
        self.require_migrated()
        with self.store.read() as conn:
            return queries.migration(conn, tag, d1, d2)

    def tags_preview(self, path: Path, as_of: dt.date) -> list[dict[str, Any]]:
        """Preview every tag defined in a YAML file (one tag, a list, or a catalog)."""
        return self.tags_preview_drafts(load_tag_file(path), as_of)

    def tags_preview_drafts(self, drafts: Sequence[Tag], as_of: dt.date) -> list[dict[str, Any]]:
        """What each draft would do over the portfolio on ``as_of``; writes nothing."""
        self.require_migrated()
        with self.store.read() as conn:
            return [explain.preview(conn, t, as_of) for t in drafts]

    def tags_list(self) -> list[dict[str, Any]]:
        """Published tags with their latest coverage and value counts."""
        self.require_migrated()
        with self.store.read() as conn:
            tags = catalog.published(conn, "tag")
            last = conn.execute(
                select(TagRun.coverage, TagRun.id, TagRun.as_of)
                .where(TagRun.status == "committed")
                .order_by(TagRun.id.desc())
                .limit(1)
            ).first()
            coverage = last.coverage if last else {}
            return [
                {
                    "code": t.code,
                    "name": t.name.model_dump(),
                    "dimension": t.dimension,
                    "kind": t.kind,
                    "value_type": t.value_type,
                    "coverage": coverage.get(t.code),
                    "values": queries.tag_distribution(conn, t.code),
                }
                for t in tags
            ]

    def tags_runs(self, limit: int = 20) -> list[dict[str, Any]]:
        self.require_migrated()
        t = TagRun.__table__
        with self.store.read() as conn:
            rows = conn.execute(select(t).order_by(t.c.id.desc()).limit(limit))
            return [
                {
                    k: (v.isoformat() if isinstance(v, dt.date) else v)
                    for k, v in r._mapping.items()
                    if k != "fingerprints"
                }
                for r in rows
            ]

    def tags_set(
        self,
        code: str,
        tag: str,
        value: str,
        *,
        by: str,
        reason: str,
        on: dt.date | None = None,
        expires_on: dt.date | None = None,
    ) -> dict[str, Any]:
        self.require_migrated()
        with self.store.write() as conn:
            doc = manual.set_manual(
                conn,
                code,
                tag,
                value,
                by=by,
                reason=reason,
                on=on or dt.date.today(),
                expires_on=expires_on,
            )
            audit.append(
                conn,
                "tag.set",
                object_type="customer",
                object_id=doc["credit_code"],
                details={"tag": tag, "value": doc["value"], "reason": reason},
            )
            return doc

    def tags_clear(
        self, code: str, tag: str, *, by: str, reason: str, on: dt.date | None = None
    ) -> dict[str, Any]:
        self.require_migrated()
        with self.store.write() as conn:
            doc = manual.clear_manual(
                conn, code, tag, by=by, reason=reason, on=on or dt.date.today()
            )
            audit.append(
                conn,
                "tag.clear",
                object_type="customer",
                object_id=doc["credit_code"],
                details={"tag": tag, "reason": reason},
            )
            return doc

    def definition_draft(self, kind: str, body: dict[str, Any], author: str) -> dict[str, Any]:
        self.require_migrated()
        with self.store.write() as conn:
            code, version = catalog.save_draft(conn, kind, body, author)
            audit.append(
                conn,
                "definition.draft",
                object_type=kind,
                object_id=f"{code}@{version}",
                details={"author": author},
            )
        return {"kind": kind, "code": code, "version": version, "status": "draft"}

    def definition_step(
        self, step: str, kind: str, code: str, by: str, note: str | None = None
    ) -> dict[str, Any]:
        """submit | publish | reject | retire, by a person."""
        self.require_migrated()
        with self.store.write() as conn:
            if step == "submit":
                version = catalog.submit(conn, kind, code, by)
            elif step == "publish":
                version = catalog.publish(conn, kind, code, by)
            elif step == "reject":
                version = catalog.reject(conn, kind, code, by, note or "")
            elif step == "retire":
                version = catalog.retire(conn, kind, code, by)
            else:
                raise InputError(f"unknown lifecycle step {step!r}")
            audit.append(
                conn,
                f"definition.{step}",
                object_type=kind,
                object_id=f"{code}@{version}",
                details={"by": by} | ({"note": note} if note else {}),
            )
            return {"kind": kind, "code": code, "version": version, "step": step, "by": by}

    def definition_versions(self, kind: str, code: str) -> list[dict[str, Any]]:
        self.require_migrated()
        with self.store.read() as conn:
            return catalog.versions(conn, kind, code)


def load_tag_file(path: Path) -> list[Tag]:
    """Tags from a YAML file holding one tag, a list of tags, or a catalog with `tags:`."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not valid YAML: {exc}") from None
    items = data.get("tags") if isinstance(data, dict) and "tags" in data else data
    items = items if isinstance(items, list) else [items]
    tags = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise InputError(f"{path}: item {i + 1} is not a tag definition")
        model = catalog.parse_body("tag", item)
        assert isinstance(model, Tag)
        tags.append(model)
    return tags


class SegmentOperations:
    """Segments on the facade; ``branches`` limits what a scoped user sees."""

    store: Store

    def segments_list(self) -> list[dict[str, Any]]:
        self.store.require_migrated()
        with self.store.read() as conn:
            return segments.counts(conn)

    def segments_count(
        self, expression: str, as_of: dt.date, branches: Sequence[str] | None = None
    ) -> dict[str, Any]:
        """Live count of an expression (or a published segment's code) over the portfolio."""
        self.store.require_migrated()
        with self.store.read() as conn:
            published = {s.code: s for s in catalog.published(conn, "segment")}
            if expression in published:
                expression = published[expression].expression
            return segments.live_count(conn, expression, as_of, branches)

    def segments_members(
        self, code: str, as_of: dt.date | None = None, branches: Sequence[str] | None = None
    ) -> list[dict[str, Any]]:
        self.store.require_migrated()
        with self.store.read() as conn:
            return segments.members(conn, code, as_of, branches)

    def segments_history(
        self, code: str, credit_code: str | None = None, branches: Sequence[str] | None = None
    ) -> list[dict[str, Any]]:
        self.store.require_migrated()
        with self.store.read() as conn:
            return segments.history(conn, code, credit_code, branches)

    def segments_export(
        self,
        code: str,
        path: Path,
        fmt: str | None = None,
        as_of: dt.date | None = None,
        branches: Sequence[str] | None = None,
    ) -> dict[str, Any]:
        rows = self.segments_members(code, as_of, branches)
        written = export_rows(rows, EXPORT_COLUMNS, path, fmt)
        return {"segment": code, "file": str(path), "format": written, "members": len(rows)}


EXPORT_COLUMNS = (
    "credit_code",
    "name",
    "size_class",
    "industry_code",
    "region_code",
    "branch",
    "member_since",
)
"""What a segment export holds: no personal data."""
