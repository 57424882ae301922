"""Builders of small, valid import files for tests."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from lendtag.domain.credit_code import make_credit_code
from lendtag.ingest.specs import KINDS

CUSTOMER_HEADER = KINDS["customers"].header


def credit_code(n: int, area: str = "330100") -> str:
    """A valid enterprise credit code, different for each n."""
    body = f"{n:08d}"
    weights = [3, 7, 9, 10, 5, 8, 4, 2]
    c9 = 11 - sum(int(ch) * w for ch, w in zip(body, weights, strict=True)) % 11
    check = {10: "X", 11: "0"}.get(c9, str(c9))
    return make_credit_code(f"91{area}{body}{check}")


def customer(n: int, **overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "credit_code": credit_code(n),
        "name": f"杭州测试{n}号机械有限公司",
        "industry_code": "C3411",
        "registered_capital": "500",
        "established_on": "2015-03-01",
        "region_code": "330100",
        "employees": "120",
        "revenue": "5000",
        "total_assets": "8000",
        "channel": "branch",
    }
    row.update(overrides)
    return row


def write_csv(
    path: Path,
    rows: Iterable[Mapping[str, Any]],
    header: list[str] | None = None,
    encoding: str = "utf-8",
) -> Path:
    rows = list(rows)
    header = header or list(rows[0].keys())
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for r in rows:
            writer.writerow(["" if r.get(h) is None else r.get(h) for h in header])
    return path


def write_jsonl(path: Path, rows: Iterable[Mapping[str, Any]]) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(dict(r), ensure_ascii=False) + "\n")
    return path


def write_xlsx(
    path: Path, rows: Iterable[Mapping[str, Any]], header: list[str] | None = None
) -> Path:
    from openpyxl import Workbook

    rows = list(rows)
    header = header or list(rows[0].keys())
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(header)
    for r in rows:
        ws.append([r.get(h) for h in header])
    book.save(path)
    return path
