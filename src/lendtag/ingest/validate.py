"""Row validation: cells → typed values, or the list of everything wrong with the row."""

from __future__ import annotations

from collections import Counter
from typing import Any

from lendtag.ingest.errors import FieldError, FileFormatError, HeaderError, RowProblem
from lendtag.ingest.specs import Column, Context, Kind


def check_header(kind: Kind, header: list[str], path: str) -> None:
    """Refuse a header that lacks a documented column, names an unknown one or repeats one."""
    known = {c.name for c in kind.columns}
    missing = [c for c in kind.header if c not in header]
    unknown = [h or "(empty)" for h in header if h not in known]
    if missing or unknown:
        raise HeaderError(path, kind.name, missing, unknown, kind.header)
    repeated = [name for name, n in Counter(header).items() if n > 1]
    if repeated:
        raise FileFormatError(
            f"{path}: column(s) named more than once: {', '.join(repeated)}",
            details={"file": path, "repeated": repeated},
        )


class RowValidator:
    """Validates the rows of one file against one kind, given the file's header."""

    def __init__(self, kind: Kind, header: list[str], ctx: Context) -> None:
        self.kind = kind
        self.ctx = ctx
        position = {name: i for i, name in enumerate(header)}
        self._plan: list[tuple[int, Column]] = []
        self._absent: list[str] = []
        for column in kind.columns:
            if column.name in position:
                self._plan.append((position[column.name], column))
            else:
                self._absent.append(column.name)

    def validate(self, cells: list[str | None]) -> tuple[dict[str, Any], list[RowProblem]]:
        """Parse one row. Problems are empty when the row is good."""
        values: dict[str, Any] = dict.fromkeys(self._absent)
        problems: list[RowProblem] = []
        for index, column in self._plan:
            text = cells[index]
            if text is None:
                values[column.name] = None
                if column.required:
                    problems.append(
                        RowProblem(column.name, None, f"{column.name} is required", "required")
                    )
                continue
            try:
                values[column.name] = column.parser(text)
            except FieldError as exc:
                values[column.name] = None
                problems.append(RowProblem(column.name, text, f"expected {exc.expected}"))
        if problems:
            return values, problems
        for check in self.kind.checks:
            problems.extend(check(values, self.ctx))
        if not problems and self.kind.derive is not None:
            problems.extend(self.kind.derive(values, self.ctx))
        return values, problems
