"""The demo files through the importer's own row validation (no database needed).

The importer (lendtag.ingest) must accept every row of the good files, and must reject
exactly the rows of bad_customers.csv that DemoFiles.bad_row_defects lists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from lendtag.demo import DEMO_AS_OF, DemoFiles, generate_portfolio
from lendtag.ingest.specs import KINDS, Context
from lendtag.ingest.validate import RowValidator, check_header
from tests.demo.analysis import read_rows

GOOD = ("customers", "persons", "statements", "bureau", "loans", "schedules", "repayments")


def _cells(path: Path) -> tuple[list[str], Iterator[list[str | None]]]:
    rows = read_rows(path)
    header = list(next(read_rows(path)).keys()) if path.stat().st_size else []

    def cells() -> Iterator[list[str | None]]:
        for row in rows:
            yield [value.strip() or None for value in row.values()]

    return header, cells()


def _context(files: DemoFiles) -> Context:
    return Context(
        today=DEMO_AS_OF + dt.timedelta(days=1),
        known_customers={r["credit_code"] for r in read_rows(files.customers)},
        known_contracts={r["contract_no"] for r in read_rows(files.loans)},
    )


@pytest.mark.parametrize("kind", GOOD)
def test_headers_match_the_importer(small_portfolio: DemoFiles, kind: str) -> None:
    path = small_portfolio.paths()[kind]
    header = path.read_text(encoding="utf-8").split("\n", 1)[0].split(",")
    check_header(KINDS[kind], header, str(path))  # raises on a missing or unknown column


@pytest.mark.parametrize("kind", GOOD)
def test_importer_accepts_every_good_row(small_portfolio: DemoFiles, kind: str) -> None:
    header, cells = _cells(small_portfolio.paths()[kind])
    validator = RowValidator(KINDS[kind], header, _context(small_portfolio))
    for number, row in enumerate(cells, start=1):
        _, problems = validator.validate(row)
        assert problems == [], (kind, number, row)


def test_importer_quarantines_exactly_the_defective_rows(tmp_path: Path) -> None:
    files = generate_portfolio(tmp_path, 20, seed=12, bad_rows=40)
    header, cells = _cells(files.bad_customers)
    validator = RowValidator(KINDS["customers"], header, _context(files))
    rejected = {}
    for number, row in enumerate(cells, start=1):
        _, problems = validator.validate(row)
        if problems:
            rejected[number] = problems
    assert set(rejected) == set(files.bad_row_defects)
    for problems in rejected.values():
        assert len(problems) == 1  # one clear defect per row
