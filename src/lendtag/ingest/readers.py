"""Readers for CSV (UTF-8 with or without BOM, GB18030), XLSX and JSON Lines.

Every reader streams: it yields chunks of rows — lists of cell texts aligned with the
header (``None`` for a cell known to be empty; CSV cells are given as read, not yet
stripped) — with their row numbers as a spreadsheet shows them, and reports progress in
bytes or rows, so files of millions of rows are read in bounded memory.

The text encoding of CSV and JSON Lines is decided before anything is read, from the whole
file, in the pass that computes its SHA-256 (:func:`fingerprint`): a strict UTF-8 decode
that fails where everything before was plain ASCII means GB18030. A file that stops
decoding half-way fails as a whole, naming the row and the byte.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, Any

from lendtag.ingest.errors import FileFormatError, RowProblem

Cells = list[str | None]
Unreadable = tuple[int, RowProblem]
"""A row that could not be read as cells: its number and why."""

SUFFIXES = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".jsonl": "jsonl", ".ndjson": "jsonl"}
_BLOCK = 1 << 18  # bytes read at a time to hash and decode: memory does not grow with the file
_LABELS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "gb18030": "GB18030"}


@dataclass
class Chunk:
    """Consecutive rows of a file."""

    row_nos: Sequence[int]
    """Row number of each row (the header is row 1; for JSON Lines, the line number)."""
    rows: list[Cells]
    unreadable: list[Unreadable] = field(default_factory=list)
    """Rows among these that could not be read (ragged, not JSON, …), to be quarantined."""


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


def fingerprint(path: Path, *, detect: bool) -> tuple[str, str | None]:
    """The file's SHA-256 and, when ``detect``, its text encoding (one pass over the file).

    utf-8-sig when it starts with a BOM; utf-8 when the whole file is valid UTF-8, or when
    it stops being valid only after UTF-8 text that was not plain ASCII (a damaged UTF-8
    file, refused later with the row); gb18030 when the first byte that is not UTF-8 comes
    after nothing but ASCII.
    """
    digest = hashlib.sha256()
    verdict: str | None = None if detect else ""
    decoder = codecs.getincrementaldecoder("utf-8")()
    ascii_so_far = True
    with path.open("rb") as fh:
        first = True
        while block := fh.read(_BLOCK):
            digest.update(block)
            if first and block.startswith(codecs.BOM_UTF8) and verdict is None:
                verdict = "utf-8-sig"
            first = False
            if verdict is not None:
                continue
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                before = block[: max(0, exc.start - pending)]
                verdict = "gb18030" if ascii_so_far and before.isascii() else "utf-8"
            else:  # the bytes held back are the start of a character yet to be completed
                decoded = len(block) - len(decoder.getstate()[0])
                ascii_so_far = ascii_so_far and block[:decoded].isascii()
    if verdict is None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:  # the file ends inside a character
            verdict = "gb18030" if ascii_so_far else "utf-8"
        else:
            verdict = "utf-8"
    return digest.hexdigest(), verdict or None


def detect_encoding(path: Path) -> str:
    """The text encoding :func:`fingerprint` decides for ``path``."""
    encoding = fingerprint(path, detect=True)[1]
    assert encoding is not None
    return encoding


def normalise_header(names: list[Any]) -> list[str]:
    """Header cells as column names: trimmed, lower case, BOM removed."""
    return [str(n or "").replace("\ufeff", "").strip().lower() for n in names]


@dataclass
class Source:
    """An open file: its header and a way to read its rows in chunks."""

    path: Path
    format: str
    encoding: str | None
    header: list[str]
    chunks: Callable[[int], Iterator[Chunk]]
    """Rows in chunks of at most the given number (the file is read once)."""
    size: int  # bytes (rows for XLSX)
    close: Callable[[], None]


# -- decoding errors: where exactly ---------------------------------------------------------


class _Prefix(io.RawIOBase):
    """The first ``limit`` bytes of a binary file."""

    def __init__(self, fh: IO[bytes], limit: int) -> None:
        self.fh, self.left = fh, limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.fh.read(min(len(buffer), self.left))
        buffer[: len(data)] = data
        self.left -= len(data)
        return len(data)


def _first_bad_byte(path: Path, encoding: str) -> int | None:
    """Offset of the first byte that does not decode, or None if the file decodes."""
    name = "utf-8" if encoding == "utf-8-sig" else encoding
    decoder = codecs.getincrementaldecoder(name)()
    offset = 0
    with path.open("rb") as fh:
        while block := fh.read(_BLOCK):
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                return offset - pending + exc.start
            offset += len(block)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return offset - len(decoder.getstate()[0])
    return None


def _row_of_byte(path: Path, encoding: str, offset: int, fmt: str) -> int:
    """The row (CSV record, header = 1) or line (JSON Lines) holding byte ``offset``."""
    with path.open("rb") as fh:
        if fmt == "jsonl":
            lines = 0
            left = offset
            while left > 0 and (block := fh.read(min(_BLOCK, left))):
                lines += block.count(b"\n")
                left -= len(block)
            return lines + 1
        if offset == 0:
            return 1
        fh.seek(offset - 1)
        at_line_start = fh.read(1) in (b"\n", b"\r")
        fh.seek(0)
        text = io.TextIOWrapper(io.BufferedReader(_Prefix(fh, offset)), encoding, newline="")
        records = 0
        try:
            for _ in csv.reader(text):
                records += 1
        except csv.Error:  # the prefix ends inside a quoted cell
            return records + 1
        return max(1, records + 1 if at_line_start else records)


def _decode_error(
    path: Path, encoding: str, fmt: str, exc: UnicodeDecodeError, shown: str
) -> FileFormatError:
    offset = _first_bad_byte(path, encoding)
    label = _LABELS.get(encoding, encoding)
    if encoding in ("utf-8", "utf-8-sig"):
        advice = (
            "files saved by Excel or exported by Chinese systems are often GB18030: "
            "import it again with `--encoding gb18030`"
        )
    elif encoding == "gb18030":
        advice = "the file is neither UTF-8 nor GB18030 text; save it as UTF-8 and import it again"
    else:
        advice = "check the file's encoding and name it with `--encoding`"
    if offset is None:  # pragma: no cover - the reader failed, so some byte does not decode
        return FileFormatError(
            f"{shown}: the file is not valid {label} text ({exc.reason}); {advice}",
            details={"file": shown, "encoding": encoding},
        )
    row = _row_of_byte(path, encoding, offset, fmt)
    return FileFormatError(
        f"{shown}: row {row} is not valid {label} text (byte {offset + 1:,} of the file); "
        + advice,
        details={"file": shown, "row": row, "byte": offset + 1, "encoding": encoding},
    )


# -- CSV ------------------------------------------------------------------------------------


def _ragged(cells: list[str], width: int) -> RowProblem:
    return RowProblem(
        None,
        ",".join(cells)[:200],
        f"the row has {len(cells)} cells, the header has {width}",
        "ragged_row",
    )


def _sort_out(records: list[list[str]], first: int, width: int) -> Chunk:
    """A chunk with blank lines dropped and rows of the wrong width set aside."""
    chunk = Chunk([], [])
    row_nos: list[int] = []
    for row_no, cells in enumerate(records, start=first):
        if len(cells) == width:
            row_nos.append(row_no)
            chunk.rows.append(cells)  # type: ignore[arg-type]
        elif cells and not (len(cells) == 1 and not cells[0].strip()):
            chunk.unreadable.append((row_no, _ragged(cells, width)))
    chunk.row_nos = row_nos
    return chunk


def open_csv(
    path: Path,
    progress: Callable[[int], None],
    encoding: str | None = None,
    name: str | None = None,
) -> Source:
    shown = name or str(path)
    encoding = encoding or detect_encoding(path)
    raw = path.open("rb")
    try:  # the header line alone: a later undecodable row fails in the import, as a batch
        first = next(csv.reader([raw.readline().decode(encoding)]), [])
    except UnicodeDecodeError as exc:
        raw.close()
        raise _decode_error(path, encoding, "csv", exc, shown) from exc
    text = io.TextIOWrapper(raw, encoding=encoding, newline="")
    header = normalise_header(first)
    width = len(header)

    def chunks(size: int) -> Iterator[Chunk]:
        reader = csv.reader(text)
        row_no = 1
        records: list[list[str]] = []
        try:
            while True:
                records = []
                records.extend(islice(reader, size))  # kept up to a failing record
                if not records:
                    break
                start, row_no = row_no + 1, row_no + len(records)
                if len(records[0]) == width and len(set(map(len, records))) == 1:
                    yield Chunk(range(start, row_no + 1), records)  # type: ignore[arg-type]
                else:
                    yield _sort_out(records, start, width)
                progress(raw.tell())
        except UnicodeDecodeError as exc:
            raise _decode_error(path, encoding, "csv", exc, shown) from exc
        except csv.Error as exc:
            bad = row_no + len(records) + 1
            raise FileFormatError(
                f"{shown}: row {bad}: {exc}", details={"file": shown, "row": bad}
            ) from exc
        finally:
            text.close()

    return Source(path, "csv", encoding, header, chunks, path.stat().st_size, text.close)


# -- XLSX -----------------------------------------------------------------------------------


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


def open_xlsx(
    path: Path,
    progress: Callable[[int], None],
    sheet: str | None = None,
    name: str | None = None,
) -> Source:
    shown = name or str(path)
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile/KeyError/InvalidFileException
        raise FileFormatError(
            f"{shown}: not a readable XLSX workbook ({type(exc).__name__})",
            details={"file": shown},
        ) from exc
    if sheet is not None and sheet not in book.sheetnames:
        book.close()
        raise FileFormatError(f"{shown}: no sheet named {sheet!r}; sheets: {book.sheetnames}")
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

    def chunks(size: int) -> Iterator[Chunk]:
        chunk = Chunk([], [])
        row_nos: list[int] = []
        try:
            row_no = header_row
            for values in it:
                row_no += 1
                cells = [cell_text(v) for v in values]
                if any(c is not None for c in cells[width:]):
                    chunk.unreadable.append(
                        (
                            row_no,
                            RowProblem(
                                None,
                                None,
                                "the row has cells beyond the header's last column",
                                "ragged_row",
                            ),
                        )
                    )
                    continue
                cells = (cells + [None] * width)[:width]
                if all(c is None for c in cells):
                    continue
                row_nos.append(row_no)
                chunk.rows.append(cells)
                if len(row_nos) >= size:
                    chunk.row_nos = row_nos
                    yield chunk
                    progress(row_no)
                    chunk, row_nos = Chunk([], []), []
            if row_nos or chunk.unreadable:
                chunk.row_nos = row_nos
                yield chunk
            progress(row_no)
        finally:
            close()

    def close() -> None:
        it.close()  # the sheet's XML stream, which keeps the file open until closed
        book.close()

    return Source(path, "xlsx", None, header, chunks, ws.max_row or 0, close)


# -- JSON Lines -----------------------------------------------------------------------------


def open_jsonl(
    path: Path,
    columns: list[str],
    progress: Callable[[int], None],
    encoding: str | None = None,
    name: str | None = None,
) -> Source:
    shown = name or str(path)
    encoding = encoding or detect_encoding(path)
    raw = path.open("rb")
    text = io.TextIOWrapper(raw, encoding=encoding)
    index = {c: i for i, c in enumerate(columns)}

    def bad_json(line: str, reason: str) -> RowProblem:
        return RowProblem(None, line.strip()[:200], reason, "bad_json")

    def chunks(size: int) -> Iterator[Chunk]:
        chunk = Chunk([], [])
        row_nos: list[int] = []
        try:
            for row_no, line in enumerate(text, start=1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    chunk.unreadable.append((row_no, bad_json(line, f"not valid JSON: {exc.msg}")))
                    continue
                if not isinstance(obj, dict):
                    chunk.unreadable.append(
                        (row_no, bad_json(line, "each line must be one JSON object"))
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
                    problem = RowProblem(
                        unknown[0],
                        None,
                        "unknown field(s) "
                        + ", ".join(unknown)
                        + "; expected only "
                        + ", ".join(columns),
                        "unknown_column",
                    )
                    chunk.unreadable.append((row_no, problem))
                    continue
                row_nos.append(row_no)
                chunk.rows.append(cells)
                if len(row_nos) >= size:
                    chunk.row_nos = row_nos
                    yield chunk
                    progress(raw.tell())
                    chunk, row_nos = Chunk([], []), []
            if row_nos or chunk.unreadable:
                chunk.row_nos = row_nos
                yield chunk
            progress(raw.tell())
        except UnicodeDecodeError as exc:
            raise _decode_error(path, encoding, "jsonl", exc, shown) from exc
        finally:
            text.close()

    return Source(path, "jsonl", encoding, list(columns), chunks, path.stat().st_size, text.close)


def open_source(
    path: Path,
    columns: list[str],
    progress: Callable[[int], None],
    encoding: str | None = None,
    sheet: str | None = None,
    name: str | None = None,
) -> Source:
    """Open ``path`` by its format; ``columns`` is the full column list (used by JSON Lines).

    ``encoding`` (CSV and JSON Lines) is detected from the whole file when not given;
    ``name`` is how messages name the file (default: its path).
    """
    if not path.is_file():
        raise FileFormatError(f"{name or path}: no such file", details={"file": name or str(path)})
    fmt = detect_format(path)
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise FileFormatError(
                f"unknown text encoding {encoding!r}; use e.g. utf-8 or gb18030",
                details={"encoding": encoding},
            ) from None
    if fmt == "xlsx":
        return open_xlsx(path, progress, sheet, name)
    if fmt == "jsonl":
        return open_jsonl(path, columns, progress, encoding, name)
    return open_csv(path, progress, encoding, name)
