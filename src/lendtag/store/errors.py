"""Errors of the store layer."""

from __future__ import annotations

from lendtag.errors import LendtagError


class StoreError(LendtagError):
    """The store cannot be used as asked."""

    code = "store_error"


class NotMigratedError(StoreError):
    """The database has not been initialised, or its schema is older than this lendtag."""

    code = "database_not_migrated"
    exit_code = 4


class UnauditedWriteError(StoreError):
    """A write transaction changed data without recording an audit entry: a bug in lendtag,
    refused so that nothing changes without a trace."""

    code = "unaudited_write"
