"""Statements' cash-flow lines beyond operating cash flow: investing and financing cash flow
(signed) and capital expenditure (not negative), all optional columns in 万元."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from lendtag.core import Lendtag
from lendtag.ingest.specs import STATEMENTS
from lendtag.store.models import FinancialStatement
from tests.factories import credit_code, customer, write_csv, write_jsonl

TODAY = dt.date(2026, 6, 30)
OLD_HEADER = [
    "credit_code",
    "period_end",
    "period_type",
    "reported_on",
    "total_assets",
    "total_liabilities",
    "current_assets",
    "current_liabilities",
    "inventory",
    "cash",
    "accounts_receivable",
    "equity",
    "revenue",
    "cost_of_sales",
    "operating_profit",
    "interest_expense",
    "net_profit",
    "operating_cash_flow",
]
"""The statements format before the cash-flow lines were added, written out on its own."""
LINES = ["investing_cash_flow", "financing_cash_flow", "capital_expenditure"]
NEW_HEADER = [*OLD_HEADER, *LINES]


@pytest.fixture
def loaded(lt: Lendtag, tmp_path: Path) -> Lendtag:
    lt.import_file(
        "customers",
        write_csv(tmp_path / "c.csv", [customer(1), customer(2)]),
        effective_date=dt.date(2020, 1, 1),
        today=TODAY,
    )
    return lt


def statement(n: int, period_end: str = "2025-12-31", **lines: Any) -> dict[str, Any]:
    return {
        "credit_code": credit_code(n),
        "period_end": period_end,
        "period_type": "annual",
        "reported_on": "2026-04-20",
        "total_assets": "8000",
        "revenue": "5000",
        "operating_cash_flow": "300",
        **lines,
    }


def stored(lt: Lendtag) -> dict[tuple[str, str], dict[str, Any]]:
    t = FinancialStatement.__table__
    with lt.store.read() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(t))]
    return {(r["credit_code"], str(r["period_end"])): r for r in rows}


def test_the_lines_are_optional_columns_of_statements() -> None:
    assert STATEMENTS.header == OLD_HEADER
    assert STATEMENTS.optional == LINES


def test_good_values_are_stored_and_the_flows_may_be_negative(
    loaded: Lendtag, tmp_path: Path
) -> None:
    rows = [
        statement(
            1,
            investing_cash_flow="-1,234.5",
            financing_cash_flow="-80.25",
            capital_expenditure="1,200",
        ),
        statement(2, investing_cash_flow="35", financing_cash_flow="640", capital_expenditure="0"),
        statement(1, "2024-12-31", investing_cash_flow="", capital_expenditure=""),
    ]
    result = loaded.import_file(
        "statements", write_csv(tmp_path / "s.csv", rows, NEW_HEADER), today=TODAY
    )
    assert (result.accepted, result.quarantined, result.inserted) == (3, 0, 3)
    got = stored(loaded)
    first = got[(credit_code(1), "2025-12-31")]
    assert (first["investing_cash_flow"], first["financing_cash_flow"]) == (-1234.5, -80.25)
    assert (first["capital_expenditure"], first["operating_cash_flow"]) == (1200, 300)
    second = got[(credit_code(2), "2025-12-31")]
    assert [second[c] for c in LINES] == [35, 640, 0]
    empty = got[(credit_code(1), "2024-12-31")]
    assert [empty[c] for c in LINES] == [None, None, None]
    # the same file again changes nothing
    again = loaded.import_file(
        "statements", write_csv(tmp_path / "s.csv", rows, NEW_HEADER), today=TODAY
    )
    assert (again.unchanged, again.updated, again.inserted) == (3, 0, 0)


def test_negative_capital_expenditure_is_quarantined_with_its_reason(
    loaded: Lendtag, tmp_path: Path
) -> None:
    rows = [
        statement(1, capital_expenditure="-120", investing_cash_flow="-120"),
        statement(2, capital_expenditure="120", investing_cash_flow="-120"),
    ]
    result = loaded.import_file(
        "statements", write_csv(tmp_path / "s.csv", rows, NEW_HEADER), today=TODAY
    )
    assert (result.accepted, result.quarantined) == (1, 1)
    [q] = loaded.quarantine_list()
    assert (q["row"], q["column"], q["value"]) == (2, "capital_expenditure", "-120")
    assert q["reason"] == "capital_expenditure must be a number ≥ 0"
    assert q["errors"] == [
        {
            "column": "capital_expenditure",
            "value": "-120",
            "reason": "capital_expenditure must be a number ≥ 0",
            "code": "invalid",
        }
    ]
    assert list(stored(loaded)) == [(credit_code(2), "2025-12-31")]
    # released with the cash paid written as a positive amount (row-by-row validation)
    released = loaded.quarantine_release(q["id"], {"capital_expenditure": "120"})
    assert released.inserted == 1
    assert stored(loaded)[(credit_code(1), "2025-12-31")]["capital_expenditure"] == 120


def test_other_bad_cells_of_the_new_columns(loaded: Lendtag, tmp_path: Path) -> None:
    rows = [
        statement(1, investing_cash_flow="abc"),
        statement(2, financing_cash_flow="1e17"),
    ]
    result = loaded.import_file(
        "statements", write_csv(tmp_path / "s.csv", rows, NEW_HEADER), today=TODAY
    )
    assert result.quarantined == 2
    reasons = {q["column"]: q["reason"] for q in loaded.quarantine_list()}
    assert reasons == {
        "investing_cash_flow": "investing_cash_flow must be a number such as 1234.5",
        "financing_cash_flow": "financing_cash_flow must be a number below "
        "10,000,000,000,000,000 in size",
    }


def test_a_file_in_the_old_format_still_imports(loaded: Lendtag, tmp_path: Path) -> None:
    result = loaded.import_file(
        "statements", write_csv(tmp_path / "old.csv", [statement(1)], OLD_HEADER), today=TODAY
    )
    assert (result.accepted, result.quarantined) == (1, 0)
    row = stored(loaded)[(credit_code(1), "2025-12-31")]
    assert row["operating_cash_flow"] == 300
    assert [row[c] for c in LINES] == [None, None, None]


def test_some_of_the_lines_and_json_lines(loaded: Lendtag, tmp_path: Path) -> None:
    header = [*OLD_HEADER, "capital_expenditure"]
    loaded.import_file(
        "statements",
        write_csv(tmp_path / "s.csv", [statement(1, capital_expenditure="75")], header),
        today=TODAY,
    )
    loaded.import_file(
        "statements",
        write_jsonl(tmp_path / "s.jsonl", [statement(2, financing_cash_flow="-10")]),
        today=TODAY,
    )
    got = stored(loaded)
    assert [got[(credit_code(1), "2025-12-31")][c] for c in LINES] == [None, None, 75]
    assert [got[(credit_code(2), "2025-12-31")][c] for c in LINES] == [None, -10, None]


def test_an_old_format_file_imported_again_keeps_the_stored_lines(
    loaded: Lendtag, tmp_path: Path
) -> None:
    """As with every optional column (docs/import.md, "Updates and history"): a column the
    file does not have says nothing about it, so what is stored stays; an empty cell clears."""
    lines = {
        "investing_cash_flow": "-50",
        "financing_cash_flow": "20",
        "capital_expenditure": "48",
    }
    loaded.import_file(
        "statements",
        write_csv(tmp_path / "new.csv", [statement(1, **lines), statement(2)], NEW_HEADER),
        today=TODAY,
    )
    result = loaded.import_file(
        "statements",
        write_csv(tmp_path / "old.csv", [statement(1), statement(2)], OLD_HEADER),
        today=TODAY,
    )
    assert (result.updated, result.unchanged) == (0, 2)
    row = stored(loaded)[(credit_code(1), "2025-12-31")]
    assert [row[c] for c in LINES] == [-50, 20, 48]
    emptied = loaded.import_file(
        "statements",
        write_csv(tmp_path / "empty.csv", [statement(1)], NEW_HEADER),
        today=TODAY,
    )
    assert emptied.updated == 1
    row = stored(loaded)[(credit_code(1), "2025-12-31")]
    assert [row[c] for c in LINES] == [None, None, None]
    assert row["operating_cash_flow"] == 300
