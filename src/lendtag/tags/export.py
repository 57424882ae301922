"""Writing member lists to CSV, XLSX or Parquet."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lendtag.errors import InputError

FORMATS = ("csv", "xlsx", "parquet")


def export_rows(
    rows: Sequence[dict[str, Any]], columns: Sequence[str], path: Path, fmt: str | None = None
) -> str:
    """Write ``rows`` to ``path`` in ``fmt`` (default: from the suffix); returns the format."""
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise InputError(f"cannot export to {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as fh:  # BOM: Excel opens it
            writer = csv.writer(fh)
            writer.writerow(columns)
            writer.writerows([r.get(c) for c in columns] for r in rows)
    elif fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("members")
        sheet.append(list(columns))
        for r in rows:
            sheet.append([r.get(c) for c in columns])
        book.save(path)
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.table({c: [r.get(c) for r in rows] for c in columns})
        pq.write_table(table, path)
    return fmt
