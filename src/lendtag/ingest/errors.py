"""Errors of the import layer: a bad cell (kept in quarantine) and a bad file (refused)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lendtag.errors import InputError


class FieldError(ValueError):
    """A cell's text cannot be turned into the column's value.

    Either ``expected`` says what the column takes ("a whole number ≥ 0"), and the reason
    reads "employees must be a whole number ≥ 0"; or ``reason`` is already a complete
    sentence (a domain rule's message, e.g. "division 30 belongs to section C, not F") and
    is used as it stands.
    """

    def __init__(self, expected: str | None = None, *, reason: str | None = None) -> None:
        if (expected is None) == (reason is None):
            raise TypeError("FieldError takes either expected or reason")
        super().__init__(reason if reason is not None else expected)
        self.expected = expected
        self.reason = reason

    def reason_for(self, column: str) -> str:
        """The sentence a clerk reads in the quarantine for a bad cell of ``column``."""
        if self.reason is not None:
            return self.reason
        return f"{column} must be {self.expected}"


@dataclass(frozen=True)
class RowProblem:
    """One problem found in one row: which column, what value, and why it is wrong."""

    column: str | None
    value: str | None
    reason: str
    code: str = "invalid"

    def as_dict(self) -> dict[str, Any]:
        return {
            "column": self.column,
            "value": self.value,
            "reason": self.reason,
            "code": self.code,
        }


class FileFormatError(InputError):
    """The file as a whole cannot be imported (unknown format, bad header, undecodable text)."""

    code = "file_format"


class HeaderError(FileFormatError):
    """The header does not match the kind of file: lists missing and unknown columns."""

    code = "header_mismatch"

    def __init__(
        self,
        path: str,
        kind: str,
        missing: list[str],
        unknown: list[str],
        expected: list[str],
        optional: list[str] | None = None,
    ) -> None:
        optional = list(optional or [])
        parts = []
        if missing:
            parts.append("missing column(s): " + ", ".join(missing))
        if unknown:
            parts.append("unknown column(s): " + ", ".join(unknown))
        message = (
            f"{path}: the header does not match a {kind} file; "
            + "; ".join(parts)
            + ". Expected columns: "
            + ",".join(expected)
        )
        if optional:
            message += "; optional columns: " + ",".join(optional)
        super().__init__(
            message,
            details={
                "file": path,
                "kind": kind,
                "missing": missing,
                "unknown": unknown,
                "expected": expected,
                "optional": optional,
            },
        )
