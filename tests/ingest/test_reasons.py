"""Every reason in the quarantine reads as one sentence a clerk understands, exactly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from lendtag.core import Lendtag
from lendtag.ingest.specs import KINDS, Context
from lendtag.ingest.validate import ChunkValidator, RowValidator
from tests.factories import credit_code, customer, write_csv

TODAY = dt.date(2026, 6, 30)

# (column, bad text, the exact reason, its code)
CUSTOMER_CELLS = [
    (
        "credit_code",
        "91330100000000020X",
        "check character (position 18) should be 'B', got 'X'; the code was probably mistyped",
        "invalid",
    ),
    (
        "credit_code",
        "9133010000000002",
        "a unified social credit code has 18 characters, got 16 ('9133010000000002')",
        "invalid",
    ),
    (
        "credit_code",
        "9133010000000I020X",
        "character 'I' at position 14 is not allowed (I, O, S, V and Z are never used); a credit"
        " code uses only digits 0–9 and the letters A–H, J–N, P, Q, R, T, U, W, X, Y",
        "invalid",
    ),
    (
        "credit_code",
        "94330100000000020X",
        "position 2 (entity category) for authority 9 (工商（市场监管）) must be one of: "
        "1 企业, 2 个体工商户, 3 农民专业合作社; got '4'",
        "invalid",
    ),
    (
        "industry_code",
        "X99",
        "unknown section letter 'X' in 'X99'; GB/T 4754-2017 sections are A–T",
        "invalid",
    ),
    (
        "industry_code",
        "C3",
        "industry code 'C3' is not in the right form: expected a section letter plus 2–4 "
        "digits, e.g. C3011 (or just 3011)",
        "invalid",
    ),
    ("industry_code", "F30", "division 30 belongs to section C, not F", "invalid"),
    (
        "industry_code",
        "C99",
        "division 99 does not exist in GB/T 4754-2017 (divisions run 01–97)",
        "invalid",
    ),
    (
        "industry_code",
        "C3418",
        "class 3418 does not exist in GB/T 4754-2017; group 341 (锅炉及原动设备制造) has classes "
        "3411, 3412, 3413, 3414, 3415, 3419",
        "invalid",
    ),
    (
        "region_code",
        "990000",
        "990000 starts with 99, which is not a province code "
        "(11–15, 21–23, 31–37, 41–46, 50–54, 61–65, 71, 81, 82)",
        "invalid",
    ),
    (
        "region_code",
        "33010",
        "an administrative division code has 6 digits, e.g. 330106; got '33010' (5 characters)",
        "invalid",
    ),
    ("employees", "-5", "employees must be a whole number ≥ 0", "invalid"),
    ("employees", "2.5", "employees must be a whole number ≥ 0", "invalid"),
    ("revenue", "-1", "revenue must be a number ≥ 0", "invalid"),
    ("revenue", "abc", "revenue must be a number such as 1234.5", "invalid"),
    ("revenue", "nan", "revenue must be a finite number", "invalid"),
    (
        "revenue",
        "1e17",
        "revenue must be a number below 10,000,000,000,000,000 in size",
        "invalid",
    ),
    (
        "established_on",
        "2023-02-30",
        "established_on must be a real calendar date as YYYY-MM-DD",
        "invalid",
    ),
    (
        "established_on",
        "2030-01-01",
        "established_on 2030-01-01 is after the import date 2026-06-30",
        "future_date",
    ),
    ("name", "", "name is required", "required"),
    ("credit_code", "  ", "credit_code is required", "required"),
    (
        "channel",
        "fax",
        "channel must be one of web, app, branch, core, bureau, api",
        "invalid",
    ),
]


@pytest.mark.parametrize(("column", "text", "reason", "code"), CUSTOMER_CELLS)
def test_customer_cell_reasons(
    sqlite_lt: Lendtag, tmp_path: Path, column: str, text: str, reason: str, code: str
) -> None:
    row = customer(1, **{column: text})
    result = sqlite_lt.import_file("customers", write_csv(tmp_path / "c.csv", [row]), today=TODAY)
    assert (result.accepted, result.quarantined) == (0, 1)
    [q] = sqlite_lt.quarantine_list()
    assert (q["column"], q["reason"]) == (column, reason)
    value = text.strip() or None
    assert q["errors"] == [{"column": column, "value": value, "reason": reason, "code": code}]


def _problems(kind: str, row: dict[str, Any], ctx: Context) -> list[tuple[Any, ...]]:
    spec = KINDS[kind]
    header = [c.name for c in spec.columns]
    cells = [row.get(c) for c in header]
    _, by_row = RowValidator(spec, header, ctx).validate(cells)
    checked = ChunkValidator(spec, header, ctx).validate([cells])
    assert checked.problems.get(0, []) == by_row  # the chunk path says the same
    return [(p.column, p.value, p.reason) for p in by_row]


OTHER_CELLS = [
    (
        "persons",
        {"relation": "guarantor", "party_type": "person", "name": "李四", "share_pct": "120"},
        [("share_pct", "120", "share_pct must be a percentage between 0 and 100")],
    ),
    (
        "persons",
        {"relation": "boss", "party_type": "person", "name": "李四", "phone": "12345"},
        [
            (
                "relation",
                "boss",
                "relation must be one of legal_representative, actual_controller, "
                "shareholder, guarantor, group_member, guarantee_provided",
            ),
            ("phone", "12345", "a mainland mobile number has 11 digits, got 5"),
        ],
    ),
    (
        "persons",
        {"relation": "guarantor", "party_type": "person", "name": "x" * 201},
        [("name", "x" * 201, "name must be text of at most 200 characters")],
    ),
    (
        "bureau",
        {"report_date": "2026-01-01", "executed_person": "maybe", "lender_count": "2.5"},
        [
            ("lender_count", "2.5", "lender_count must be a whole number ≥ 0"),
            (
                "executed_person",
                "maybe",
                "executed_person must be true or false (also yes/no, 1/0, 是/否)",
            ),
        ],
    ),
    (
        "loans",
        {
            "contract_no": "LN 1",
            "product": "working_capital",
            "amount": "1e19",
            "currency": "RMB1",
            "start_date": "2025-01-01",
            "maturity_date": "2026-01-01",
        },
        [
            (
                "contract_no",
                "LN 1",
                "contract_no must be a contract number of letters, digits, - _ / . "
                "(at most 40 characters)",
            ),
            (
                "amount",
                "1e19",
                "amount must be a number below 1,000,000,000,000,000,000 in size",
            ),
            (
                "currency",
                "RMB1",
                "currency must be a three-letter ISO 4217 currency code such as CNY",
            ),
        ],
    ),
    (
        "schedules",
        {
            "contract_no": "LN1",
            "installment_no": "0",
            "due_date": "2025-01-01",
            "principal_due": "1",
            "interest_due": "",
        },
        [
            ("installment_no", "0", "installment_no must be a whole number ≥ 1"),
            ("interest_due", None, "interest_due is required"),
        ],
    ),
]


@pytest.mark.parametrize(("kind", "row", "expected"), OTHER_CELLS)
def test_other_cell_reasons(kind: str, row: dict[str, Any], expected: list[Any]) -> None:
    ctx = Context(today=TODAY, known_customers={credit_code(1)}, known_contracts={"LN1"})
    assert _problems(kind, {"credit_code": credit_code(1), **row}, ctx) == expected


def test_no_reason_starts_with_a_dangling_expected(sqlite_lt: Lendtag, tmp_path: Path) -> None:
    rows = [customer(n, **{c: t}) for n, (c, t, _, _) in enumerate(CUSTOMER_CELLS, start=1)]
    sqlite_lt.import_file("customers", write_csv(tmp_path / "c.csv", rows), today=TODAY)
    reasons = [e["reason"] for q in sqlite_lt.quarantine_list() for e in q["errors"]]
    assert len(reasons) >= len(CUSTOMER_CELLS)
    assert not [r for r in reasons if r.startswith("expected ")]
