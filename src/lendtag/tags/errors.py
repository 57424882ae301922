"""Errors of the tag system."""

from __future__ import annotations

from lendtag.errors import InputError, LendtagError


class CatalogError(InputError):
    """A definition is invalid: bad expression, unknown dimension, a cycle, a bad transition."""

    code = "catalog_error"


class LifecycleError(InputError):
    """A lifecycle step that is not allowed (publishing one's own draft, editing a published)."""

    code = "lifecycle_error"


class TagRunError(LendtagError):
    """A run cannot proceed or produced an impossible value."""

    code = "tag_run_error"
