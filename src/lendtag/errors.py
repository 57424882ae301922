"""The root of lendtag's typed errors. Each layer defines its own subclasses."""

from __future__ import annotations

from typing import Any


class LendtagError(Exception):
    """An error a person can act on: a stable ``code``, a message and structured details."""

    code = "lendtag_error"
    exit_code = 1

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = details or {}


class NotFoundError(LendtagError):
    """The thing asked for does not exist."""

    code = "not_found"
    exit_code = 3


class InputError(LendtagError):
    """An argument or a file given by the user is wrong."""

    code = "invalid_input"
    exit_code = 2
