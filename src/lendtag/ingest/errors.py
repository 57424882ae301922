"""Errors of the import layer: a bad cell (kept in quarantine) and a bad file (refused)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lendtag.errors import InputError


class FieldError(ValueError):
    """A cell's text cannot be turned into the column's value; ``expected`` says what would."""

    def __init__(self, expected: str) -> None:
        super().__init__(expected)
        self.expected = expected


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
        self, path: str, kind: str, missing: list[str], unknown: list[str], expected: list[str]
    ) -> None:
        parts = []
        if missing:
            parts.append("missing column(s): " + ", ".join(missing))
        if unknown:
            parts.append("unknown column(s): " + ", ".join(unknown))
        super().__init__(
            f"{path}: the header does not match a {kind} file; "
            + "; ".join(parts)
            + ". Expected columns: "
            + ",".join(expected),
            details={
                "file": path,
                "kind": kind,
                "missing": missing,
                "unknown": unknown,
                "expected": expected,
            },
        )
