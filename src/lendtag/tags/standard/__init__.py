"""The standard tag catalog for Chinese corporate lending, shipped with lendtag.

``catalog.yaml`` beside this module is one ``lendtag-catalog/1`` document: a tree of
dimensions (scale, industry, region, credit, financial health, behaviour, risk,
relationship), point-in-time features and rule tags over them, and a few segments.
``lendtag catalog load-standard`` publishes it; docs/catalog.md lists every definition.
"""

from __future__ import annotations

import functools
from importlib import resources

from lendtag.tags.definitions import Catalog
from lendtag.tags.exchange import read_catalog

FILE = "catalog.yaml"
NAME = "lendtag/tags/standard/catalog.yaml"
"""How problems in the shipped file are reported (its place in the source tree)."""


def standard_text() -> str:
    """The text of the shipped catalog file."""
    return resources.files(__name__).joinpath(FILE).read_text(encoding="utf-8")


@functools.cache
def load_standard() -> Catalog:
    """The standard catalog, checked like any imported file (every expression compiles)."""
    return read_catalog(standard_text(), NAME).catalog


__all__ = ["FILE", "NAME", "load_standard", "standard_text"]
