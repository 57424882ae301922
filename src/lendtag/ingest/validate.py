"""Row validation: cells → typed values, or the list of everything wrong with the row.

:class:`RowValidator` judges one row, cell by cell: it is the reference, used for a single
row (a quarantine release, a customer edit). :class:`ChunkValidator` judges the rows of a
chunk column by column (one parser call per column, see :mod:`lendtag.ingest.columns`) and
gives exactly the same values, problems and wording — a differential test holds the two
equal on random good and bad rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from lendtag.ingest.columns import ColumnParser
from lendtag.ingest.errors import FieldError, FileFormatError, HeaderError, RowProblem
from lendtag.ingest.specs import Check, Column, Columns, Context, Kind

Cells = Sequence[str | None]


def check_header(kind: Kind, header: list[str], path: str) -> None:
    """Refuse a header that lacks a documented column, names an unknown one or repeats one."""
    known = {c.name for c in kind.columns}
    missing = [c for c in kind.header if c not in header]
    unknown = [h or "(empty)" for h in header if h not in known]
    if missing or unknown:
        raise HeaderError(path, kind.name, missing, unknown, kind.header, kind.optional)
    repeated = [name for name, n in Counter(header).items() if n > 1]
    if repeated:
        raise FileFormatError(
            f"{path}: column(s) named more than once: {', '.join(repeated)}",
            details={"file": path, "repeated": repeated},
        )


def _required(column: Column) -> RowProblem:
    return RowProblem(column.name, None, f"{column.name} is required", "required")


def _invalid(column: Column, text: str, error: FieldError) -> RowProblem:
    return RowProblem(column.name, text, error.reason_for(column.name))


class _Plan:
    """Which cell of a row feeds which column, and the checks that apply."""

    def __init__(self, kind: Kind, header: Sequence[str], ctx: Context) -> None:
        self.kind = kind
        self.ctx = ctx
        position = {name: i for i, name in enumerate(header)}
        self.plan: list[tuple[int, Column]] = []
        self.absent: list[str] = []
        for column in kind.columns:
            if column.name in position:
                self.plan.append((position[column.name], column))
            else:
                self.absent.append(column.name)
        self.checks: tuple[Check, ...] = kind.checks + (
            kind.scope_checks if ctx.scope is not None else ()
        )


class RowValidator(_Plan):
    """Validates the rows of one file against one kind, given the file's header, one by one."""

    def validate(self, cells: Cells) -> tuple[dict[str, Any], list[RowProblem]]:
        """Parse one row. Problems are empty when the row is good.

        Cells are texts as read; spaces around them are ignored and an empty cell is a
        missing value.
        """
        values: dict[str, Any] = dict.fromkeys(self.absent)
        problems: list[RowProblem] = []
        for index, column in self.plan:
            raw = cells[index]
            text = raw.strip() if raw is not None else None
            if not text:
                values[column.name] = None
                if column.required:
                    problems.append(_required(column))
                continue
            try:
                values[column.name] = column.parser(text)
            except FieldError as exc:
                values[column.name] = None
                problems.append(_invalid(column, text, exc))
        if problems:
            return values, problems
        for check in self.checks:
            problems.extend(check.row(values, self.ctx))
        if not problems and self.kind.derive is not None:
            self.kind.derive.row(values, self.ctx)
        return values, problems


@dataclass
class Checked:
    """The outcome of validating one chunk."""

    good: list[int]
    """Positions (in the chunk) of the rows that are valid, in file order."""
    columns: Columns
    """Every row's values, column by column, derived columns included. Only the values of
    good rows are meaningful (a cell that failed is None)."""
    problems: dict[int, list[RowProblem]] = field(default_factory=dict)
    """Position → every problem of a row that is not valid."""


class ChunkValidator(_Plan):
    """Validates the rows of one file chunk by chunk, column by column.

    Column parsers are made once per file, so values repeated down a column (codes, dates)
    are parsed once per import.
    """

    def __init__(self, kind: Kind, header: Sequence[str], ctx: Context) -> None:
        super().__init__(kind, header, ctx)
        self.parsers: list[ColumnParser] = [column.parser.column() for _, column in self.plan]

    def validate(self, rows: Sequence[Cells]) -> Checked:
        n = len(rows)
        columns: Columns = {}
        problems: dict[int, list[RowProblem]] = {}
        for (index, column), parse in zip(self.plan, self.parsers, strict=True):
            values, failures = parse(list(map(itemgetter(index), rows)))
            columns[column.name] = values
            if column.required and None in values:
                failed = {i for i, _, _ in failures}
                for i, value in enumerate(values):
                    if value is None and i not in failed:
                        problems.setdefault(i, []).append(_required(column))
            for i, text, error in failures:
                problems.setdefault(i, []).append(_invalid(column, text, error))
        for name in self.absent:
            columns[name] = [None] * n
        # Checks and derivations see every row (a failed cell is None, which they allow);
        # what they say about a row that failed to parse is dropped, as the row validator
        # never asks them about such a row.
        if self.checks:
            found: dict[int, list[RowProblem]] = {}
            for check in self.checks:
                for i, problem in check.rows(columns, n, self.ctx):
                    if i not in problems:
                        found.setdefault(i, []).append(problem)
            problems.update(found)
        if self.kind.derive is not None and n:
            self.kind.derive.rows(columns, n, self.ctx)
        good = [i for i in range(n) if i not in problems] if problems else list(range(n))
        return Checked(good, columns, problems)

    def _names(self) -> list[str]:
        return [c.name for c in self.kind.columns]
