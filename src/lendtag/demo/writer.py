"""generate_portfolio: stream a whole synthetic portfolio into eight CSV files.

Customers are produced block by block (see :mod:`lendtag.demo.enterprises`); for each
customer every file gets its rows at once, so memory stays bounded by one block however
large the portfolio. Files are UTF-8 without BOM, ``\\n`` line endings, a header row, and
an empty cell for a missing value.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any

from lendtag.demo.badrows import bad_customer_rows
from lendtag.demo.codes import CodeMaker
from lendtag.demo.enterprises import BLOCK_SIZE, Enterprise, make_block
from lendtag.demo.financials import BUREAU_HEADER, STATEMENT_HEADER, bureau_rows, statement_rows
from lendtag.demo.loans import LOAN_HEADER, REPAYMENT_HEADER, SCHEDULE_HEADER, loan_book
from lendtag.demo.relations import PERSON_HEADER, party_rows

__all__ = [
    "CUSTOMER_HEADER",
    "DEMO_AS_OF",
    "FILE_NAMES",
    "HEADERS",
    "DemoFiles",
    "ProgressCallback",
    "customer_row",
    "generate_portfolio",
]

DEMO_AS_OF = dt.date(2026, 6, 30)
"""The demo portfolio's as-of date: fixed, so the demo never depends on the wall clock."""

CUSTOMER_HEADER = (
    "credit_code", "name", "industry_code", "registered_capital", "established_on",
    "region_code", "employees", "revenue", "total_assets", "channel", "ownership_type",
    "listed", "branch", "external_rating",
)  # fmt: skip

HEADERS: dict[str, tuple[str, ...]] = {
    "customers": CUSTOMER_HEADER,
    "persons": PERSON_HEADER,
    "statements": STATEMENT_HEADER,
    "bureau": BUREAU_HEADER,
    "loans": LOAN_HEADER,
    "schedules": SCHEDULE_HEADER,
    "repayments": REPAYMENT_HEADER,
    "bad_customers": CUSTOMER_HEADER,
}
"""Header of every demo file, in column order."""

FILE_NAMES: dict[str, str] = {kind: f"{kind}.csv" for kind in HEADERS}

ProgressCallback = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: stage is "customers" then "bad_customers"."""


@dataclass(frozen=True)
class DemoFiles:
    """Where :func:`generate_portfolio` wrote each file, and how many data rows it holds."""

    customers: Path
    persons: Path
    statements: Path
    bureau: Path
    loans: Path
    schedules: Path
    repayments: Path
    bad_customers: Path
    counts: dict[str, int] = field(default_factory=dict, hash=False)
    """Data rows (header excluded) per file, keyed like the fields above."""
    bad_row_defects: dict[int, str] = field(default_factory=dict, hash=False)
    """1-based data row number in bad_customers.csv → its defect kind (valid rows absent)."""

    def paths(self) -> dict[str, Path]:
        """File kind → path, in the order an importer must load them."""
        return {kind: getattr(self, kind) for kind in HEADERS}


def customer_row(ent: Enterprise) -> list[str]:
    """The customers.csv row of one enterprise."""
    return [
        ent.credit_code,
        ent.name,
        ent.industry.code,
        f"{ent.registered_capital:.2f}",
        ent.established_on.isoformat(),
        ent.region.code,
        "" if ent.employees is None else str(ent.employees),
        f"{ent.revenue:.2f}",
        f"{ent.total_assets:.2f}",
        ent.channel,
        ent.ownership,
        "true" if ent.listed else "false",
        ent.branch,
        ent.external_rating or "",
    ]


def _default_bad_rows(customers: int) -> int:
    return min(60, max(10, customers // 500))


def generate_portfolio(
    out_dir: Path,
    customers: int,
    seed: int,
    as_of: dt.date = DEMO_AS_OF,
    bad_rows: int | None = None,
    progress: ProgressCallback | None = None,
) -> DemoFiles:
    """Write a deterministic synthetic portfolio of ``customers`` enterprises to ``out_dir``.

    The same (customers, seed, as_of, bad_rows) always produce byte-identical files.
    ``bad_rows`` defaults to max(10, customers // 500), capped at 60.
    """
    if customers < 0:
        raise ValueError(f"customers must be ≥ 0, got {customers}")
    n_bad = _default_bad_rows(customers) if bad_rows is None else bad_rows
    if n_bad < 0:
        raise ValueError(f"bad_rows must be ≥ 0, got {bad_rows}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {kind: out_dir / name for kind, name in FILE_NAMES.items()}
    counts = dict.fromkeys(HEADERS, 0)
    codes = CodeMaker(seed)
    taken: set[str] = set()
    numbers = count(1)

    with ExitStack() as stack:
        writers: dict[str, Any] = {}
        for kind in HEADERS:
            handle = stack.enter_context(paths[kind].open("w", encoding="utf-8", newline=""))
            writers[kind] = csv.writer(handle, lineterminator="\n")
            writers[kind].writerow(HEADERS[kind])

        blocks = -(-customers // BLOCK_SIZE)
        report_every = max(1, blocks // 100)
        for block in range(blocks):
            members = make_block(seed, as_of, block, customers, codes, taken)
            lookup = {e.index: e for e in members}
            for ent in members:
                parties_rows, parties = party_rows(seed, as_of, ent, lookup)
                statements, balance = statement_rows(seed, as_of, ent)
                book = loan_book(seed, as_of, ent, parties, numbers)
                bureau = list(bureau_rows(seed, as_of, ent, balance, book.first_missed))
                for kind, rows in (
                    ("customers", [customer_row(ent)]),
                    ("persons", parties_rows),
                    ("statements", statements),
                    ("bureau", bureau),
                    ("loans", book.loans),
                    ("schedules", book.schedules),
                    ("repayments", book.repayments),
                ):
                    writers[kind].writerows(rows)
                    counts[kind] += len(rows)
            if progress is not None and (block % report_every == 0 or block == blocks - 1):
                progress("customers", min((block + 1) * BLOCK_SIZE, customers), customers)

        bad, defects = bad_customer_rows(seed, as_of, customers, n_bad, codes, taken, customer_row)
        writers["bad_customers"].writerows(bad)
        counts["bad_customers"] = len(bad)
        if progress is not None:
            progress("bad_customers", len(bad), n_bad)

    return DemoFiles(**paths, counts=counts, bad_row_defects=defects)
