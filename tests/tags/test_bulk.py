"""Whole catalogs in a store (SQLite and PostgreSQL): the standard catalog, imports, bulk
publishing and exports keep the lifecycle rules and a valid published catalog."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from lendtag.core import Lendtag
from lendtag.settings import Settings
from lendtag.store.models import Definition
from lendtag.tags import bulk, catalog
from lendtag.tags.errors import CatalogError, LifecycleError
from lendtag.tags.exchange import dump_catalog
from lendtag.tags.standard import load_standard

STANDARD_SIZE = sum(
    len(getattr(load_standard(), s)) for s in ("dimensions", "features", "tags", "segments")
)

EXTENSION = textwrap.dedent(
    """\
    format: lendtag-catalog/1
    features:
      - code: cash_to_assets
        name: {zh: 货币资金占比, en: Cash to assets}
        type: number
        unit: ratio
        expression: st_cash / NULLIF(st_total_assets, 0)
    tags:
      - code: cash_rich
        name: {zh: 现金充裕, en: Cash-rich}
        description: {zh: 货币资金占总资产30%以上, en: Cash above 30% of total assets}
        dimension: financial_liquidity
        kind: rule
        value_type: flag
        expression: cash_to_assets > 0.3 AND NOT negative_equity
        owner: branch-hz
        purpose: [marketing]
    """
)


def versions_count(lt: Lendtag) -> int:
    with lt.store.read() as conn:
        return int(conn.scalar(select(func.count()).select_from(Definition)) or 0)


def do(lt: Lendtag, fn: Any, *args: Any, **kwargs: Any) -> Any:
    with lt.store.write(audited=False) as conn:
        return fn(conn, *args, **kwargs)


def test_loading_the_standard_catalog_again_changes_nothing(lt: Lendtag) -> None:
    first = lt.catalog_load_standard("ops")
    assert sum(first["published"].values()) == STANDARD_SIZE and first["kept"] == []
    before = versions_count(lt)
    again = lt.catalog_load_standard("ops")
    assert again["published"] == {} and again["unchanged"] == STANDARD_SIZE
    assert versions_count(lt) == before
    with lt.store.read() as conn:
        rows = catalog.versions(conn, "tag", "leverage_band")
    assert [(r["status"], r["author"], r["reviewer"]) for r in rows] == [
        ("published", "ops", "lendtag-standard")
    ]


def test_what_the_institution_changed_is_kept_on_reload(lt: Lendtag) -> None:
    lt.catalog_load_standard("ops")
    with lt.store.read() as conn:
        mine = bulk.export_catalog(conn)
    changed = mine.model_copy(
        update={
            "tags": [
                t.model_copy(update={"expression": t.expression.replace("0.85", "0.9")})  # type: ignore[union-attr]
                for t in mine.tags
                if t.code in ("leverage_band", "roa_band")
            ],
            "dimensions": [],
            "features": [],
            "segments": [],
        }
    )
    changed = changed.model_copy(
        update={"tags": [t for t in changed.tags if t.code == "leverage_band"]}
    )
    do(lt, bulk.import_catalog, dump_catalog(changed), "mine.yaml", "alice", submit=True)
    do(lt, bulk.publish_in_review, "bob")
    draft = mine.model_copy(
        update={
            "dimensions": [],
            "features": [],
            "segments": [],
            "tags": [
                t.model_copy(update={"owner": "hz-branch"})
                for t in mine.tags
                if t.code == "roa_band"
            ],
        }
    )
    do(lt, bulk.import_catalog, dump_catalog(draft), "draft.yaml", "carol")
    again = lt.catalog_load_standard("ops")
    assert again["published"] == {}
    assert [(k["code"], k["reason"]) for k in again["kept"]] == [
        ("leverage_band", "published by bob"),
        ("roa_band", "draft"),
    ]
    with lt.store.read() as conn:
        published = {t.code: t for t in catalog.published(conn, "tag")}
        latest = bulk.latest_versions(conn)
    assert "0.9" in (published["leverage_band"].expression or "")
    assert latest[("tag", "roa_band")].body["owner"] == "hz-branch"


def test_an_import_drafts_only_what_changed_and_can_submit(lt: Lendtag) -> None:
    lt.catalog_load_standard("ops")
    doc = do(lt, bulk.import_catalog, EXTENSION, "ext.yaml", "alice")
    assert [(d["kind"], d["code"], d["version"]) for d in doc["drafted"]] == [
        ("feature", "cash_to_assets", 1),
        ("tag", "cash_rich", 1),
    ]
    assert doc["submitted"] == [] and doc["unchanged"] == 0
    again = do(lt, bulk.import_catalog, EXTENSION, "ext.yaml", "alice")
    assert again["drafted"] == [] and again["unchanged"] == 2
    submitted = do(lt, bulk.import_catalog, EXTENSION, "ext.yaml", "alice", submit=True)
    assert [d["code"] for d in submitted["submitted"]] == ["cash_to_assets", "cash_rich"]
    assert submitted["drafted"] == []
    with lt.store.read() as conn:
        in_review = bulk.export_catalog(conn, "in_review")
        latest = bulk.export_catalog(conn, "latest")
        published = bulk.export_catalog(conn, "published")
    assert [t.code for t in in_review.tags] == ["cash_rich"] and not in_review.dimensions
    assert {t.code for t in latest.tags} == {t.code for t in published.tags} | {"cash_rich"}


def test_an_import_is_refused_whole_when_a_definition_is_in_review(lt: Lendtag) -> None:
    lt.catalog_load_standard("ops")
    do(lt, bulk.import_catalog, EXTENSION, "ext.yaml", "alice", submit=True)
    before = versions_count(lt)
    edited = EXTENSION.replace("> 0.3", "> 0.4").replace("unit: ratio", "unit: share")
    with pytest.raises(CatalogError) as info:
        do(lt, bulk.import_catalog, edited, "ext.yaml", "dave")
    errors = info.value.details["errors"]
    assert [(e["line"], e["kind"], e["code"]) for e in errors] == [
        (3, "feature", "cash_to_assets"),
        (9, "tag", "cash_rich"),
    ]
    assert "v1 (by alice) is in review" in errors[0]["message"]
    assert versions_count(lt) == before


def test_an_invalid_import_writes_nothing_and_reports_lines(lt: Lendtag) -> None:
    lt.catalog_load_standard("ops")
    before = versions_count(lt)
    broken = EXTENSION.replace("NOT negative_equity", "NOT negative_equty")
    with pytest.raises(CatalogError) as info:
        do(lt, bulk.import_catalog, broken, "ext.yaml", "alice")
    [error] = info.value.details["errors"]
    assert (error["line"], error["code"], error["field"]) == (15, "cash_rich", "expression")
    assert "did you mean 'negative_equity'" in error["message"]
    assert versions_count(lt) == before


def test_bulk_publish_keeps_reviewer_and_author_apart(lt: Lendtag) -> None:
    lt.catalog_load_standard("ops")
    do(lt, bulk.import_catalog, EXTENSION, "ext.yaml", "alice", submit=True)
    with pytest.raises(LifecycleError, match="alice wrote every definition in review"):
        do(lt, bulk.publish_in_review, "alice")
    doc = do(lt, bulk.publish_in_review, "bob")
    assert [(p["code"], p["author"]) for p in doc["published"]] == [
        ("cash_to_assets", "alice"),
        ("cash_rich", "alice"),
    ]
    assert doc["left_in_review"] == []
    with lt.store.read() as conn:
        rows = catalog.versions(conn, "tag", "cash_rich")
    assert [(r["status"], r["author"], r["reviewer"]) for r in rows] == [
        ("published", "alice", "bob")
    ]
    assert do(lt, bulk.publish_in_review, "bob")["published"] == []


def test_bulk_publish_refuses_a_set_that_would_not_compile(lt: Lendtag) -> None:
    lt.catalog_load_standard("ops")
    do(lt, bulk.import_catalog, EXTENSION, "ext.yaml", "alice")  # both drafts
    with lt.store.write(audited=False) as conn:
        catalog.submit(conn, "tag", "cash_rich", "alice")  # the feature stays a draft
    with pytest.raises(CatalogError, match="nothing was published") as info:
        do(lt, bulk.publish_in_review, "bob")
    assert "cash_to_assets" in info.value.message
    with lt.store.read() as conn:
        assert "cash_rich" not in {t.code for t in catalog.published(conn, "tag")}


def test_the_reviewers_own_work_is_left_in_review(lt: Lendtag) -> None:
    lt.catalog_load_standard("ops")
    do(lt, bulk.import_catalog, EXTENSION, "ext.yaml", "alice", submit=True)
    other = textwrap.dedent(
        """\
        segments:
          - code: cash_rich_manufacturers
            name: {zh: 现金充裕制造业, en: Cash-rich manufacturers}
            expression: industry_sector = 'C' AND agency_rated
            owner: bob
            purpose: [marketing]
        """
    )
    do(lt, bulk.import_catalog, other, "seg.yaml", "bob", submit=True)
    doc = do(lt, bulk.publish_in_review, "bob")
    assert [p["code"] for p in doc["published"]] == ["cash_to_assets", "cash_rich"]
    assert [(x["code"], x["author"]) for x in doc["left_in_review"]] == [
        ("cash_rich_manufacturers", "bob")
    ]
    assert [p["code"] for p in do(lt, bulk.publish_in_review, "alice")["published"]] == [
        "cash_rich_manufacturers"
    ]


def test_export_refuses_an_unknown_status(lt: Lendtag) -> None:
    with pytest.raises(CatalogError, match="expected one of published, in_review, draft, latest"):
        lt.catalog_export("approved")


def test_an_export_round_trips_through_an_empty_store(lt: Lendtag, tmp_path: Path) -> None:
    """Export, import into an empty store, publish as a second person, export again: the
    same bytes. The file holds dimensions under parents and tags on tags of the same file,
    none of them published in the empty store."""
    source = Lendtag(Settings(database_url=f"sqlite:///{tmp_path / 'source.db'}"))
    source.init()
    source.catalog_load_standard("ops")
    extension = tmp_path / "ext.yaml"
    extension.write_text(EXTENSION, encoding="utf-8")
    source.catalog_import(extension, "alice", submit=True)
    source.catalog_publish("bob")
    exported, summary = source.catalog_export()
    source.close()
    assert summary["counts"]["tags"] == len(load_standard().tags) + 1
    path = tmp_path / "exported.yaml"
    path.write_text(exported, encoding="utf-8")

    imported = lt.catalog_import(path, "carol", submit=True)
    assert len(imported["submitted"]) == STANDARD_SIZE + 2 and imported["unchanged"] == 0
    published = lt.catalog_publish("dave")
    assert len(published["published"]) == STANDARD_SIZE + 2
    again, again_summary = lt.catalog_export()
    assert again == exported
    assert again_summary["sha256"] == summary["sha256"]
    with lt.store.read() as conn:
        rows = catalog.versions(conn, "tag", "agency_rating_class")
        fingerprints = {
            (d.kind, d.code): d.fingerprint for d in bulk.latest_versions(conn).values()
        }
    assert [(r["status"], r["author"], r["reviewer"]) for r in rows] == [
        ("published", "carol", "dave")
    ]
    # every draft carries the fingerprint the whole-file check gave it
    with lt.store.read() as conn:
        checked = catalog.validate_catalog(catalog.published_catalog(conn))
    assert {k: fingerprints[k] for k in checked} == checked
