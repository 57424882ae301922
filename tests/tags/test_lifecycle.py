"""Definitions go draft → in review → published → retired; published versions never change."""

from __future__ import annotations

import pytest

from lendtag.core import Lendtag
from lendtag.tags import catalog
from lendtag.tags.errors import CatalogError, LifecycleError
from tests.tags.engine_fixtures import load_catalog, tag

FLAG = tag("big_debt", "flag", "debt_ratio > 0.9")


def test_the_reviewer_is_not_the_author(lt: Lendtag) -> None:
    load_catalog(lt)  # dimension "risk" and feature debt_ratio
    assert lt.definition_draft("tag", FLAG, "alice")["version"] == 1
    lt.definition_step("submit", "tag", "big_debt", "alice")
    with pytest.raises(LifecycleError, match="must not be the author"):
        lt.definition_step("publish", "tag", "big_debt", "alice")
    with pytest.raises(LifecycleError, match="another person must review"):
        lt.definition_step("reject", "tag", "big_debt", "alice", "no")
    lt.definition_step("publish", "tag", "big_debt", "bob")
    [v1] = lt.definition_versions("tag", "big_debt")
    assert (v1["status"], v1["author"], v1["reviewer"]) == ("published", "alice", "bob")


def test_published_versions_are_immutable(lt: Lendtag) -> None:
    load_catalog(lt)
    lt.definition_draft("tag", FLAG, "alice")
    lt.definition_step("submit", "tag", "big_debt", "alice")
    lt.definition_step("publish", "tag", "big_debt", "bob")
    changed = FLAG | {"expression": "debt_ratio > 0.95"}
    assert lt.definition_draft("tag", changed, "carol")["version"] == 2
    assert lt.definition_draft("tag", changed | {"owner": "x"}, "carol")["version"] == 2
    lt.definition_step("submit", "tag", "big_debt", "carol")
    with pytest.raises(LifecycleError, match="in review"):
        lt.definition_draft("tag", FLAG, "carol")
    lt.definition_step("reject", "tag", "big_debt", "bob", "threshold too high")
    lt.definition_step("submit", "tag", "big_debt", "carol")
    lt.definition_step("publish", "tag", "big_debt", "bob")
    versions = lt.definition_versions("tag", "big_debt")
    assert [(v["version"], v["status"]) for v in versions] == [(1, "retired"), (2, "published")]
    assert versions[0]["body"]["expression"] == "debt_ratio > 0.9"
    assert versions[0]["fingerprint"] != versions[1]["fingerprint"]
    lt.definition_step("retire", "tag", "big_debt", "bob")
    with pytest.raises(LifecycleError, match="retired, not published"):
        lt.definition_step("retire", "tag", "big_debt", "bob")


def test_bad_definitions_are_refused_with_the_reason(lt: Lendtag) -> None:
    with pytest.raises(CatalogError, match="needs an expression"):
        lt.definition_draft("tag", FLAG | {"expression": None}, "alice")
    with pytest.raises(CatalogError, match="categories"):
        lt.definition_draft("tag", FLAG | {"value_type": "category"}, "alice")
    with pytest.raises(CatalogError, match="no tag named"):
        lt.definition_step("submit", "tag", "nothing", "alice")


def test_a_reload_of_the_same_catalog_changes_nothing(lt: Lendtag) -> None:
    load_catalog(lt)
    load_catalog(lt)
    assert [v["version"] for v in lt.definition_versions("tag", "leverage_band")] == [1]


def test_the_parsed_published_catalog_follows_every_publish_and_retirement(lt: Lendtag) -> None:
    """catalog.published keeps parsed definitions between calls; each publish and each
    retirement is seen by the very next read, also through a second core on the store."""
    load_catalog(lt)

    def expression(core: Lendtag) -> str | None:
        with core.store.read() as conn:
            tags = {t.code: t for t in catalog.published(conn, "tag")}
        return tags["big_debt"].expression if "big_debt" in tags else None

    other = Lendtag(lt.settings)
    try:
        assert expression(lt) is None
        lt.definition_draft("tag", FLAG, "alice")
        lt.definition_step("submit", "tag", "big_debt", "alice")
        lt.definition_step("publish", "tag", "big_debt", "bob")
        assert expression(lt) == expression(other) == "debt_ratio > 0.9"
        lt.definition_draft("tag", FLAG | {"expression": "debt_ratio > 0.95"}, "carol")
        lt.definition_step("submit", "tag", "big_debt", "carol")
        assert expression(other) == "debt_ratio > 0.9"  # a draft in review changes nothing
        lt.definition_step("publish", "tag", "big_debt", "bob")
        assert expression(other) == expression(lt) == "debt_ratio > 0.95"
        lt.definition_step("retire", "tag", "big_debt", "bob")
        assert expression(other) is None and expression(lt) is None
    finally:
        other.close()
