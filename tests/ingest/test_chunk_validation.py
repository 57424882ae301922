"""Differential: validating a chunk column by column gives exactly what row by row gives.

The row validator parses each cell with the cell parsers (the reference); the chunk validator
takes fast paths over whole columns (joined credit codes, ``float`` over a column, memos of
repeated texts, checks over columns). On random mixes of good, bad, padded and empty cells,
for every kind, both must agree on which rows are good, on every value (derived ones too),
and on every problem, word for word.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lendtag.ingest import fields as f
from lendtag.ingest.credit_codes import CreditCode, valid_codes
from lendtag.ingest.errors import FieldError
from lendtag.ingest.specs import KINDS, Column, Context, Kind
from lendtag.ingest.validate import ChunkValidator, RowValidator
from tests.factories import credit_code

TODAY = dt.date(2026, 6, 30)
C1, C2, C3 = credit_code(1), credit_code(2), credit_code(3)

NUMBERS = ["1", "1,234.5", "-1", "0", "-0", "abc", "nan", "inf", "1e17", " 12 ", "1_000"]
NUMBERS += ["9999999999999999999", "1e400", "+5", ".5", "5.", "75.93", "1e15", "2.5e3"]
COUNTS = ["120", "1,200", "1200.0", "-5", "2.5", "9007199254740993", " 7 ", "0", "1e3", "x"]
DATES = ["2015-03-01", "2015/03/01", "20150301", "2015.03.01", "2023-02-30", "2030-01-01"]
DATES += ["2015-03-01 00:00:00", "2015-3-1", "abc", " 2015-03-01", "2026-06-30", "2026-07-01"]
CREDIT = [C1, C2, C3, C1.lower(), f" {C2} ", C1[:8] + "-" + C1[8:], "91330100000000020X"]
CREDIT += ["9133010000000002", "9133010000000I020X", "94330100000000020X", "９" + C3[1:]]
INDUSTRY = ["C3411", "c3411", "3411", "F30", "X99", "C3", " C3411 ", "K7010", "J6621"]
INDUSTRY += ["G59", "G5920", "I6513", "F5171", "A0111", "Q8510", "K7040"]
POOLS: dict[str, list[str]] = {
    "credit": CREDIT,
    "industry": INDUSTRY,
    "region": ["330100", "990000", "33010", " 330100", "３３０１００", "110108"],
    "rating": ["AAA", "aa+", "ZZ", "A-", "BBB"],
    "id": ["11010519491231002X", "110105194912310021", "123"],
    "mobile": ["13800138000", "+86 138-0013-8000", "12345"],
    "number": NUMBERS,
    "count": COUNTS,
    "percent": ["35.5", "35.5%", "120", "-1", "abc", "100%", "0"],
    "date": DATES,
    "bool": ["true", "否", "YES", "maybe", "1", "0", " no "],
    "text": ["杭州测试机械有限公司", " x ", "x" * 201, "a", "b"],
}
BLANK = ["", "  ", None]


def pool(column: Column) -> list[str | None]:
    p = column.parser
    if isinstance(p, CreditCode):
        texts = POOLS["credit"]
    elif isinstance(p, f.Domain):
        name = getattr(p.func, "__name__", "")
        texts = POOLS[
            "industry"
            if "industry" in name
            else "region"
            if "region" in name
            else "rating"
            if "rating" in name
            else "id"
            if "resident" in name
            else "mobile"
        ]
    elif isinstance(p, f.Count):
        texts = COUNTS
    elif isinstance(p, f.Percent):
        texts = POOLS["percent"]
    elif isinstance(p, f.Number):
        texts = NUMBERS
    elif isinstance(p, f.Date):
        texts = DATES
    elif isinstance(p, f.Bool):
        texts = POOLS["bool"]
    elif isinstance(p, f.Text):
        texts = POOLS["text"]
    elif isinstance(p, f.Choice):
        texts = [*p.allowed, p.allowed[0].upper(), "fax"]
    else:
        assert isinstance(p, f.Code)
        texts = ["LN1", "LN 1", "ln-2/3.4", "BR1", "BR2", "B R", "CNY", "cny", "RMB1"]
    return [*texts, *BLANK]


def contexts() -> list[Context]:
    base = {
        "today": TODAY,
        "known_customers": {C1, C2},
        "known_contracts": {"LN1", "ln-2/3.4"},
    }
    scoped = {
        "scope": frozenset({"BR1"}),
        "customer_branch": {C1: "BR1", C2: "BR2"},
        "contract_branch": {"LN1": "BR1", "ln-2/3.4": "BR2"},
    }
    return [
        Context(**base),  # type: ignore[arg-type]
        Context(default_channel="app", **base),  # type: ignore[arg-type]
        Context(**base, **scoped),  # type: ignore[arg-type]
    ]


def assert_same(
    kind: Kind, header: list[str], rows: list[list[Any]], sizes: list[int], ctx: Context
) -> None:
    by_row = RowValidator(kind, header, ctx)
    by_chunk = ChunkValidator(kind, header, ctx)  # one per file: its memos span the chunks
    start = 0
    for size in [*sizes, len(rows)]:
        chunk = rows[start : start + size]
        start += len(chunk)
        checked = by_chunk.validate(chunk)
        for i, cells in enumerate(chunk):
            values, problems = by_row.validate(cells)
            assert checked.problems.get(i, []) == problems, (cells, problems)
            if problems:
                assert i not in checked.good
            else:
                assert i in checked.good
                got = {name: checked.columns[name][i] for name in values}
                assert got == values, cells
                assert [type(v) for v in got.values()] == [type(v) for v in values.values()]
        if start >= len(rows):
            break


@pytest.mark.parametrize("kind_name", list(KINDS))
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_chunks_validate_like_rows(kind_name: str, data: st.DataObject) -> None:
    kind = KINDS[kind_name]
    present = [c for c in kind.columns if c.in_header or data.draw(st.booleans())]
    header = [c.name for c in data.draw(st.permutations(present))]
    columns = {c.name: c for c in kind.columns}
    row = st.tuples(*(st.sampled_from(pool(columns[name])) for name in header)).map(list)
    rows = data.draw(st.lists(row, max_size=60))
    sizes = data.draw(st.lists(st.integers(1, 40), max_size=4))
    ctx = data.draw(st.sampled_from(contexts()))
    assert_same(kind, header, rows, sizes, ctx)


@pytest.mark.parametrize("kind_name", ["customers", "statements", "loans"])
def test_large_chunks_with_sparse_bad_cells(kind_name: str) -> None:
    """Thousands of rows, one bad or empty cell in a few hundred: the halving fast paths."""
    rng = random.Random(kind_name)
    kind = KINDS[kind_name]
    header = [c.name for c in kind.columns]
    rows = []
    for _ in range(5000):
        cells = []
        for column in kind.columns:
            texts = pool(column)
            good = texts[0] if rng.random() < 0.995 else rng.choice(texts)
            cells.append(good)
        rows.append(cells)
    for ctx in contexts():
        assert_same(kind, header, rows, [1000, 1500, 2000], ctx)


@pytest.mark.parametrize(
    "kind_name, column_name",
    [(k.name, c.name) for k in KINDS.values() for c in k.columns if not c.in_header],
)
def test_every_optional_column_takes_every_text_of_its_pool(
    kind_name: str, column_name: str
) -> None:
    """Each optional column (statements' cash-flow lines among them), in a file that has
    it, with every text of its pool — signed, non-negative, bad and empty — and the other
    cells good: both validators agree on each row."""
    kind = KINDS[kind_name]
    header = [c.name for c in kind.columns]
    texts = pool(kind.columns[header.index(column_name)])
    rows = [[text if c.name == column_name else pool(c)[0] for c in kind.columns] for text in texts]
    for ctx in contexts():
        assert_same(kind, header, rows, [len(rows) // 2], ctx)


def _domain(code: str) -> str | None:
    try:
        return str(CreditCode()(code))
    except FieldError:
        return None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(POOLS["credit"]), min_size=1, max_size=40))
def test_joined_credit_codes_accept_only_what_the_domain_accepts(codes: list[str]) -> None:
    fast = valid_codes(codes)
    expected = [_domain(c) for c in codes]
    if fast is not None:  # never accepts a code the domain refuses, never alters one
        assert fast == expected
    if None not in expected and all(len(c) == 18 and c.isascii() for c in codes):
        assert fast == expected  # and takes every plain valid code itself


def test_joined_credit_codes_find_every_single_substitution() -> None:
    code = "91110108123456788E"
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    assert valid_codes([code]) == [code]
    for pos in range(18):
        for ch in alphabet:
            if ch != code[pos]:
                tampered = code[:pos] + ch + code[pos + 1 :]
                assert valid_codes([code, tampered]) is None, tampered
