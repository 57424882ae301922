"""Parsing a whole column of a chunk at once, with exactly the result of parsing cell by cell.

A chunk of rows is validated column by column: one call per column instead of one per cell,
so a column of 20,000 numbers goes through ``float`` in C. Every fast path here is only a
quicker way to the answer :func:`parse_each` gives; where it is unsure it hands the cells
back to the cell parser, so errors and their wording always come from the cell parser.

Cells are the texts as read (not yet stripped; ``None`` for a cell a reader already knows
is empty). A cell that is empty after stripping is a missing value: ``None``, no failure.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from itertools import repeat
from typing import Any

from lendtag.ingest.errors import FieldError

Texts = Sequence[str | None]
Failure = tuple[int, str, FieldError]
"""(index in the column, the stripped text, the cell parser's error)."""
ColumnResult = tuple[list[Any], list[Failure]]
"""One value per cell (``None`` where missing or bad) and the cells that failed."""
ColumnParser = Callable[[Texts], ColumnResult]
CellParser = Callable[[str], Any]
FastPath = Callable[[Texts], list[Any] | None]
"""Parses every cell of a segment, or returns None when any cell needs the cell parser."""

_UNSEEN: Any = object()  # not in a memo yet
SMALLEST_SEGMENT = 32  # below this many cells a failed fast path goes cell by cell
MEMO_LIMIT = 50_000  # distinct texts remembered per column before the memo starts afresh


def parse_each(parse: CellParser, texts: Texts) -> ColumnResult:
    """The reference: strip each cell, treat empty as missing, parse the rest one by one."""
    values: list[Any] = []
    failures: list[Failure] = []
    append = values.append
    for i, raw in enumerate(texts):
        text = raw.strip() if raw is not None else None
        if not text:
            append(None)
            continue
        try:
            append(parse(text))
        except FieldError as exc:
            append(None)
            failures.append((i, text, exc.with_traceback(None)))
    return values, failures


def bisected(fast: FastPath, parse: CellParser, texts: Texts) -> ColumnResult:
    """``fast`` over the column; where it declines, halve the segment until it accepts.

    Missing cells are set aside first (the fast path only sees present texts, stripped),
    so a column with empty cells keeps its speed. A column with a few bad cells costs a
    few extra fast passes over shrinking segments; the bad cells themselves, and segments
    too short to halve, go through ``parse``.
    """
    values = fast(texts)
    if values is not None:
        return values, []
    cells = stripped(texts)
    if None not in cells:
        return _halves(fast, parse, cells)
    where = [i for i, text in enumerate(cells) if text is not None]
    if not where:
        return cells, []
    present, failures = _halves(fast, parse, [cells[i] for i in where])
    out: list[Any] = [None] * len(cells)
    for i, value in zip(where, present, strict=True):
        out[i] = value
    return out, [(where[j], t, e) for j, t, e in failures]


def _halves(fast: FastPath, parse: CellParser, texts: Texts) -> ColumnResult:
    values = fast(texts)
    if values is not None:
        return values, []
    if len(texts) <= SMALLEST_SEGMENT:
        return parse_each(parse, texts)
    mid = len(texts) // 2
    left, left_failures = _halves(fast, parse, texts[:mid])
    right, right_failures = _halves(fast, parse, texts[mid:])
    return left + right, left_failures + [(i + mid, t, e) for i, t, e in right_failures]


class Memo:
    """Per column: texts already parsed, for columns whose values repeat (codes, dates).

    The parse must be a pure function of the text. Bad texts are remembered with what was
    expected, so a bad value repeated on many rows is judged once; missing is ``None``.
    """

    def __init__(self, parse: CellParser) -> None:
        self.parse = parse
        self.good: dict[Hashable, Any] = {}
        self.bad: dict[str, tuple[str, FieldError]] = {}
        self._reset()

    def _reset(self) -> None:
        self.good.clear()
        self.bad.clear()
        self.good[None] = None
        self.good[""] = None

    def __call__(self, texts: Texts) -> ColumnResult:
        good = self.good
        try:  # every text seen before and good: one dictionary look-up per cell, in C
            return list(map(good.__getitem__, texts)), []
        except KeyError:
            pass
        if len(good) + len(self.bad) > MEMO_LIMIT:
            self._reset()
        values = list(map(good.get, texts, repeat(_UNSEEN)))
        failures: list[Failure] = []
        bad = self.bad
        i = -1
        while True:  # only the cells not known to be good, found by a scan in C
            try:
                i = values.index(_UNSEEN, i + 1)
            except ValueError:
                break
            raw = texts[i]
            assert raw is not None  # None is always in ``good``
            value = good.get(raw, _UNSEEN)  # an earlier cell of this column may have added it
            if value is not _UNSEEN:
                values[i] = value
                continue
            entry = bad.get(raw)
            if entry is None:
                text = raw.strip()
                if not text:
                    good[raw] = values[i] = None
                    continue
                try:
                    good[raw] = values[i] = self.parse(text)
                    continue
                except FieldError as exc:
                    entry = bad[raw] = (text, exc.with_traceback(None))
            values[i] = None
            failures.append((i, entry[0], entry[1]))
        return values, failures


def stripped(texts: Texts) -> list[str | None]:
    """Every cell stripped, empty ones as ``None`` (no parsing)."""
    try:
        out: list[str | None] = list(map(str.strip, texts))  # type: ignore[arg-type]
    except TypeError:  # a reader already marked some cells empty with None
        out = [t.strip() if t is not None else None for t in texts]
    if "" in out:
        out = [s or None for s in out]
    return out
