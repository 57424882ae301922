"""Errors of authentication and authorisation."""

from __future__ import annotations

from lendtag.errors import LendtagError


class AuthenticationError(LendtagError):
    """The credentials were wrong, expired, disabled or locked (one answer for all)."""

    code = "unauthenticated"
    exit_code = 5


class AuthorizationError(LendtagError):
    """The user is known but not allowed to do this."""

    code = "forbidden"
    exit_code = 6


class UserError(LendtagError):
    """A user-management request is wrong (unknown role, weak password, …)."""

    code = "invalid_input"
    exit_code = 2
