"""Readers for CSV (UTF-8 with or without BOM, GB18030), XLSX and JSON Lines.

Every reader streams: it yields one row at a time as a list of cell texts aligned with the
header (None for an empty cell) and reports progress in bytes or rows, so files of millions
of rows are read in bounded memory.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lendtag.ingest.errors import FileFormatError, RowProblem

Cells = list[str | None]
RawRow = tuple[int, Cells | None, RowProblem | None]
"""(row number as a spreadsheet shows it — the header is row 1 —, cells, a problem reading it)."""

SUFFIXES = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".jsonl": "jsonl", ".ndjson": "jsonl"}
_SAMPLE = 1 << 16


def detect_format(path: Path) -> str:
    """csv, xlsx or jsonl, from the file name."""
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise FileFormatError(
            f"{path}: cannot tell the format from {path.suffix or 'no suffix'!r}; "
            "use .csv, .xlsx or .jsonl",
            details={"file": str(path)},
        )
    return fmt


def detect_encoding(sample: bytes) -> str:
    """utf-8-sig when there is a BOM, utf-8 when the sample decodes, else gb18030."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def normalise_header(names: list[Any]) -> list[str]:
    """Header cells as column names: trimmed, lower case, BOM removed."""
    return [str(n or "").replace("\ufeff", "").strip().lower() for n in names]


@dataclass
class Source:
    """An open file: its header and a stream of rows."""

    path: Path
    format: str
    encoding: str | None
    header: list[str]
    rows: Iterator[RawRow]
    size: int  # bytes (rows for XLSX)
    close: Callable[[], None]


def _strip(cells: list[str]) -> Cells:
    return [c.strip() or None for c in cells]


def _csv_rows(
    text: io.TextIOWrapper, width: int, path: Path, tick: Callable[[], None]
) -> Iterator[RawRow]:
    reader = csv.reader(text)
    row_no = 1
    try:
        for cells in reader:
            row_no += 1
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue
            if len(cells) != width:
                yield (
                    row_no,
                    None,
                    RowProblem(
                        None,
                        ",".join(cells)[:200],
                        f"the row has {len(cells)} cells, the header has {width}",
                        "ragged_row",
                    ),
                )
                continue
            yield row_no, _strip(cells), None
            if row_no & 0x3FF == 0:
                tick()
    except UnicodeDecodeError as exc:
        raise FileFormatError(
            f"{path}: row {row_no + 1} is not valid {text.encoding} text ({exc.reason}); "
            "save the file as UTF-8 or GB18030",
            details={"file": str(path), "row": row_no + 1},
        ) from exc
    except csv.Error as exc:
        raise FileFormatError(
            f"{path}: row {row_no + 1}: {exc}", details={"file": str(path), "row": row_no + 1}
        ) from exc


def open_csv(path: Path, progress: Callable[[int], None], encoding: str | None = None) -> Source:
    raw = path.open("rb")
    encoding = encoding or detect_encoding(raw.peek(_SAMPLE)[:_SAMPLE])
    text = io.TextIOWrapper(raw, encoding=encoding, newline="")
    try:
        first = next(csv.reader([text.readline()]), [])
    except UnicodeDecodeError as exc:
        raise FileFormatError(f"{path}: the header is not valid {encoding} text") from exc
    header = normalise_header(first)

    def rows() -> Iterator[RawRow]:
        try:
            yield from _csv_rows(text, len(header), path, lambda: progress(raw.tell()))
            progress(raw.tell())
        finally:
            text.close()

    return Source(path, "csv", encoding, header, rows(), path.stat().st_size, text.close)


def cell_text(value: Any) -> str | None:
    """An XLSX or JSON value as the text a CSV would hold."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value).strip() or None


def open_xlsx(path: Path, progress: Callable[[int], None], sheet: str | None = None) -> Source:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile/KeyError/InvalidFileException
        raise FileFormatError(
            f"{path}: not a readable XLSX workbook ({type(exc).__name__})",
            details={"file": str(path)},
        ) from exc
    if sheet is not None and sheet not in book.sheetnames:
        book.close()
        raise FileFormatError(f"{path}: no sheet named {sheet!r}; sheets: {book.sheetnames}")
    ws = book[sheet] if sheet else book.worksheets[0]
    it = ws.iter_rows(values_only=True)
    header: list[str] = []
    header_row = 0
    for values in it:
        header_row += 1
        if any(v is not None for v in values):
            header = normalise_header(list(values))
            break
    while header and not header[-1]:
        header.pop()
    width = len(header)

    def rows() -> Iterator[RawRow]:
        try:
            row_no = header_row
            for values in it:
                row_no += 1
                cells = [cell_text(v) for v in values]
                if any(c is not None for c in cells[width:]):
                    yield (
                        row_no,
                        None,
                        RowProblem(
                            None,
                            None,
                            "the row has cells beyond the header's last column",
                            "ragged_row",
                        ),
                    )
                    continue
                cells = (cells + [None] * width)[:width]
                if all(c is None for c in cells):
                    continue
                if row_no & 0x3FF == 0:
                    progress(row_no)
                yield row_no, cells, None
            progress(row_no)
        finally:
            book.close()

    return Source(path, "xlsx", None, header, rows(), ws.max_row or 0, book.close)


def open_jsonl(
    path: Path, columns: list[str], progress: Callable[[int], None], encoding: str | None = None
) -> Source:
    raw = path.open("rb")
    encoding = encoding or detect_encoding(raw.peek(_SAMPLE)[:_SAMPLE])
    text = io.TextIOWrapper(raw, encoding=encoding)
    index = {c: i for i, c in enumerate(columns)}

    def rows() -> Iterator[RawRow]:
        try:
            for row_no, line in enumerate(text, start=1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield (
                        row_no,
                        None,
                        RowProblem(
                            None, line.strip()[:200], f"not valid JSON: {exc.msg}", "bad_json"
                        ),
                    )
                    continue
                if not isinstance(obj, dict):
                    yield (
                        row_no,
                        None,
                        RowProblem(
                            None,
                            line.strip()[:200],
                            "each line must be one JSON object",
                            "bad_json",
                        ),
                    )
                    continue
                cells: Cells = [None] * len(columns)
                unknown = []
                for key, value in obj.items():
                    pos = index.get(str(key).strip().lower())
                    if pos is None:
                        unknown.append(str(key))
                    else:
                        cells[pos] = cell_text(value)
                if unknown:
                    yield (
                        row_no,
                        None,
                        RowProblem(
                            unknown[0],
                            None,
                            "unknown field(s) "
                            + ", ".join(unknown)
                            + "; expected only "
                            + ", ".join(columns),
                            "unknown_column",
                        ),
                    )
                    continue
                if row_no & 0x3FF == 0:
                    progress(raw.tell())
                yield row_no, cells, None
            progress(raw.tell())
        except UnicodeDecodeError as exc:
            raise FileFormatError(
                f"{path}: not valid {encoding} text ({exc.reason})", details={"file": str(path)}
            ) from exc
        finally:
            text.close()

    return Source(path, "jsonl", encoding, list(columns), rows(), path.stat().st_size, text.close)


def open_source(
    path: Path,
    columns: list[str],
    progress: Callable[[int], None],
    encoding: str | None = None,
    sheet: str | None = None,
) -> Source:
    """Open ``path`` by its format; ``columns`` is the full column list (used by JSON Lines)."""
    if not path.is_file():
        raise FileFormatError(f"{path}: no such file", details={"file": str(path)})
    fmt = detect_format(path)
    if fmt == "xlsx":
        return open_xlsx(path, progress, sheet)
    if fmt == "jsonl":
        return open_jsonl(path, columns, progress, encoding)
    return open_csv(path, progress, encoding)
