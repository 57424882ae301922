"""bad_customers.csv: a mixed file with valid rows and rows carrying one realistic defect.

Each defective row is an otherwise valid customer with exactly one thing wrong, the kind
of mistake a branch upload or a hand-edited spreadsheet contains. About a third of the
rows are valid, so importing the file shows accepted and quarantined rows side by side.
The rows are new customers (indexes after the good portfolio), so their credit codes
never collide with the good file's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from lendtag.demo.codes import CodeMaker
from lendtag.demo.common import stream
from lendtag.demo.enterprises import BLOCK_SIZE, make_block
from lendtag.domain.credit_code import CHARSET

__all__ = ["DEFECTS", "bad_customer_rows"]

# Column positions in CUSTOMER_HEADER.
_CODE, _NAME, _INDUSTRY, _ESTABLISHED, _REGION, _EMPLOYEES, _REVENUE = 0, 1, 2, 4, 5, 6, 7

Row = list[str]


def _check_char(row: Row, as_of: dt.date) -> None:
    code = row[_CODE]
    wrong = CHARSET[(CHARSET.index(code[17]) + 7) % len(CHARSET)]
    row[_CODE] = code[:17] + wrong


def _forbidden_char(row: Row, as_of: dt.date) -> None:
    code = row[_CODE]
    letter = "O" if code[10] in "0123456789" else "I"  # O for zero, I for one: typical typos
    row[_CODE] = code[:10] + letter + code[11:]


def _short_code(row: Row, as_of: dt.date) -> None:
    row[_CODE] = row[_CODE][:12] + row[_CODE][13:]


def _unknown_industry(row: Row, as_of: dt.date) -> None:
    row[_INDUSTRY] = "C9999" if row[_CODE][-1] in CHARSET[:16] else "X12"


def _section_mismatch(row: Row, as_of: dt.date) -> None:
    row[_INDUSTRY] = "F30"  # division 30 (非金属矿物制品业) is in section C


def _negative_employees(row: Row, as_of: dt.date) -> None:
    row[_EMPLOYEES] = "-" + (row[_EMPLOYEES] or "12")


def _non_numeric_revenue(row: Row, as_of: dt.date) -> None:
    row[_REVENUE] = "abc"


def _invalid_date(row: Row, as_of: dt.date) -> None:
    row[_ESTABLISHED] = "2023-02-30"


def _empty_name(row: Row, as_of: dt.date) -> None:
    row[_NAME] = ""


def _future_established(row: Row, as_of: dt.date) -> None:
    row[_ESTABLISHED] = (as_of + dt.timedelta(days=900)).isoformat()


def _unknown_region(row: Row, as_of: dt.date) -> None:
    row[_REGION] = "999999"


DEFECTS: dict[str, Callable[[Row, dt.date], None]] = {
    "check_character": _check_char,
    "forbidden_character": _forbidden_char,
    "code_length": _short_code,
    "unknown_industry": _unknown_industry,
    "section_mismatch": _section_mismatch,
    "negative_employees": _negative_employees,
    "non_numeric_revenue": _non_numeric_revenue,
    "invalid_date": _invalid_date,
    "empty_name": _empty_name,
    "future_established": _future_established,
    "unknown_region": _unknown_region,
}
"""Defect kind → how it spoils a row. The kind names are what DemoFiles reports."""


def bad_customer_rows(
    seed: int,
    as_of: dt.date,
    first_index: int,
    rows: int,
    codes: CodeMaker,
    taken: set[str],
    to_row: Callable[..., Row],
) -> tuple[list[Row], dict[int, str]]:
    """``rows`` customer rows and {1-based data row number: defect kind} for the bad ones."""
    rng = stream(seed, "bad-rows")
    kinds = list(DEFECTS)
    plan: list[str | None] = [None if i % 3 == 2 else kinds[(i - i // 3) % len(kinds)]
                              for i in range(rows)]  # fmt: skip
    rng.shuffle(plan)
    out: list[Row] = []
    defects: dict[int, str] = {}
    # Same generator as the good customers, in blocks of indexes after them.
    block0 = -(-first_index // BLOCK_SIZE)
    made = 0
    block = block0
    while made < rows:
        for ent in make_block(seed, as_of, block, block0 * BLOCK_SIZE + rows, codes, taken):
            if made == rows:
                break
            row = to_row(ent)
            kind = plan[made]
            if kind is not None:
                DEFECTS[kind](row, as_of)
                defects[made + 1] = kind
            out.append(row)
            made += 1
        block += 1
    return out, defects
