"""Catalog and run operations each leave one audit entry, written in their own transaction
(SQLite and PostgreSQL): a standard-catalog load, an import, a bulk publish, a retirement,
a tag run (and a failed one); what is refused leaves none."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from lendtag.core import Lendtag
from lendtag.store import audit
from lendtag.store.models import AuditEntry
from lendtag.tags.errors import CatalogError, TagRunError
from tests.tags.engine_fixtures import small_book
from tests.tags.test_bulk import EXTENSION


def entries(lt: Lendtag, after: int = 0) -> list[dict[str, Any]]:
    with lt.store.read() as conn:
        rows = conn.execute(
            select(AuditEntry).where(AuditEntry.seq > after).order_by(AuditEntry.seq)
        )
        return [dict(r._mapping) for r in rows.all()]


def last_seq(lt: Lendtag) -> int:
    with lt.store.read() as conn:
        return int(audit.head(conn)["seq"])


def test_catalog_operations_and_runs_are_audited(lt: Lendtag, tmp_path: Path) -> None:
    small_book(lt, tmp_path)
    start = last_seq(lt)
    lt.catalog_load_standard("ops")
    [loaded] = entries(lt, start)
    assert (loaded["action"], loaded["object_type"], loaded["object_id"]) == (
        "catalog.load_standard",
        "catalog",
        "standard",
    )
    assert loaded["details"]["author"] == "ops" and loaded["details"]["published"]["tag"] > 40

    path = tmp_path / "ext.yaml"
    path.write_text(EXTENSION, encoding="utf-8")
    seq = last_seq(lt)
    broken = tmp_path / "broken.yaml"
    broken.write_text(EXTENSION.replace("negative_equity", "negative_equty"), encoding="utf-8")
    with pytest.raises(CatalogError):
        lt.catalog_import(broken, "alice")
    assert entries(lt, seq) == []  # refused: rolled back with the import
    lt.catalog_import(path, "alice", submit=True)
    lt.catalog_publish("bob")
    lt.definition_step("retire", "tag", "cash_rich", "bob")
    imported, published, retired = entries(lt, seq)
    assert imported["action"] == "catalog.import" and imported["object_id"] == "ext.yaml"
    assert imported["details"]["submitted"] == ["feature:cash_to_assets@1", "tag:cash_rich@1"]
    assert published["action"] == "catalog.publish"
    assert published["details"] == {
        "reviewer": "bob",
        "published": ["feature:cash_to_assets@1", "tag:cash_rich@1"],
        "left_in_review": [],
    }
    assert (retired["action"], retired["object_id"]) == ("definition.retire", "cash_rich@1")

    seq = last_seq(lt)
    run = lt.tags_run(dt.date(2026, 6, 30))
    [ran] = entries(lt, seq)
    assert (ran["action"], ran["object_type"], ran["object_id"], ran["outcome"]) == (
        "tags.run",
        "tag_run",
        str(run.run_id),
        "ok",
    )
    assert ran["details"]["changed"] == run.changed and ran["details"]["as_of"] == "2026-06-30"
    seq = last_seq(lt)
    with pytest.raises(TagRunError, match="forward in time"):
        lt.tags_run(dt.date(2026, 1, 1))
    [failed] = entries(lt, seq)
    assert (failed["action"], failed["outcome"]) == ("tags.run", "failed")
    assert "forward in time" in failed["details"]["error"]
    with lt.store.read() as conn:
        assert audit.verify(conn).ok
