"""The documented semantics, with known answers, on every engine.

Each case is an expression, the row it is evaluated on and the value the language defines;
Python, SQLite, DuckDB and PostgreSQL must all give that value (docs/expressions.md).
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from lendtag.expr import compile_expression
from tests.expr.engines import SCHEMA, Engine, PythonEngine, same

AS_OF = datetime.date(2024, 6, 30)
D = datetime.date

CASES: list[tuple[str, dict[str, Any], Any]] = [
    # decimal division, division by zero
    ("7 / 2", {}, 3.5),
    ("-7 / 2", {}, -3.5),
    ("i1 / i2", {"i1": 1, "i2": 3}, 1 / 3),
    ("i1 / i2", {"i1": 7, "i2": 0}, None),
    ("n1 / 0", {"n1": 2.5}, None),
    ("n1 / 0.0", {"n1": 2.5}, None),
    ("n1 / n2", {"n1": 2.5, "n2": -0.0}, None),
    ("i1 / NULL", {"i1": 2}, None),
    # integers stay integers; two literals do not overflow 32 bits
    ("100000 * 100000", {}, 10_000_000_000),
    ("i1 * 3 - 1", {"i1": -4}, -13),
    ("-i1", {"i1": 5}, -5),
    ("ABS(i1)", {"i1": -5}, 5),
    ("i1 + n1", {"i1": 1, "n1": 0.5}, 1.5),
    ("0.1 + 0.2", {}, 0.1 + 0.2),
    ("n1 * 3", {"n1": 0.1}, 0.1 * 3),
    # ROUND: halves away from zero
    ("ROUND(2.5)", {}, 3.0),
    ("ROUND(-2.5)", {}, -3.0),
    ("ROUND(0.5)", {}, 1.0),
    ("ROUND(1.5)", {}, 2.0),
    ("ROUND(1.25, 1)", {}, 1.3),
    ("ROUND(-1.25, 1)", {}, -1.3),
    ("ROUND(n1, 2)", {"n1": 0.125}, 0.13),
    ("ROUND(i1, -1)", {"i1": 15}, 20.0),
    ("ROUND(i1, -1)", {"i1": -15}, -20.0),
    ("ROUND(i1, -2)", {"i1": 1249}, 1200.0),
    ("ROUND(i1)", {"i1": 7}, 7.0),
    ("ROUND(n1)", {"n1": None}, None),
    # LEAST/GREATEST ignore NULLs
    ("LEAST(NULL, 1, 3)", {}, 1),
    ("GREATEST(i1, 5)", {"i1": None}, 5),
    ("LEAST(i1, i2)", {"i1": None, "i2": None}, None),
    ("LEAST(i1, n1)", {"i1": 2, "n1": 2.5}, 2.0),
    ("GREATEST(t1, t2)", {"t1": "B", "t2": "a"}, "a"),
    ("LEAST(d1, d2)", {"d1": D(2024, 1, 1), "d2": None}, D(2024, 1, 1)),
    # || with NULL gives NULL
    ("'a' || NULL", {}, None),
    ("t1 || 'x'", {"t1": None}, None),
    ("t1 || t2", {"t1": "中", "t2": "文"}, "中文"),
    # three-valued logic
    ("NULL AND FALSE", {}, False),
    ("NULL AND TRUE", {}, None),
    ("NULL OR TRUE", {}, True),
    ("NULL OR FALSE", {}, None),
    ("NOT b1", {"b1": None}, None),
    ("b1 = TRUE", {"b1": None}, None),
    ("b1 AND i1 > 0", {"b1": True, "i1": None}, None),
    ("b1 OR i1 > 0", {"b1": True, "i1": None}, True),
    ("i1 = i2", {"i1": None, "i2": None}, None),
    ("i1 <> 1", {"i1": None}, None),
    # IN and NOT IN with NULLs
    ("1 IN (1, NULL)", {}, True),
    ("2 IN (1, NULL)", {}, None),
    ("2 NOT IN (1, NULL)", {}, None),
    ("1 NOT IN (1, NULL)", {}, False),
    ("3 NOT IN (1, 2)", {}, True),
    ("i1 IN (1, 2)", {"i1": None}, None),
    ("i1 IN (i2, 5)", {"i1": 4, "i2": 4}, True),
    ("i1 IN (n1, 5)", {"i1": 2, "n1": 2.0}, True),
    # BETWEEN is the AND of two comparisons
    ("5 BETWEEN NULL AND 3", {}, False),
    ("5 BETWEEN 3 AND NULL", {}, None),
    ("2 BETWEEN 3 AND 1", {}, False),
    ("2 NOT BETWEEN 3 AND 1", {}, True),
    ("i1 BETWEEN 1 AND 3", {"i1": 3}, True),
    ("t1 BETWEEN 'A' AND 'Z'", {"t1": "a"}, False),
    # IS NULL
    ("i1 IS NULL", {"i1": None}, True),
    ("t1 IS NOT NULL", {"t1": ""}, True),
    # LIKE: case-sensitive, no escape character, wildcards % and _ only
    ("'ABC' LIKE 'a%'", {}, False),
    ("'abc' LIKE 'a_c'", {}, True),
    ("'abc' LIKE 'ab'", {}, False),
    ("'' LIKE '%'", {}, True),
    ("'a%c' LIKE 'a\\%c'", {}, False),
    ("'a\\xc' LIKE 'a\\%c'", {}, True),
    ("'[x]' LIKE '[x]'", {}, True),
    ("'x' LIKE '[x]'", {}, False),
    ("'a*b' LIKE 'a*b'", {}, True),
    ("'axb' LIKE 'a*b'", {}, False),
    ("'axb' LIKE 'a?b'", {}, False),
    ("'中文银行' LIKE '_文%'", {}, True),
    ("'line1\nline2' LIKE 'line1%2'", {}, True),
    ("t1 LIKE t2", {"t1": "Bank of X", "t2": "%of%"}, True),
    ("t1 LIKE t2", {"t1": "a*c", "t2": "a[*]c"}, False),
    ("t1 NOT LIKE t2", {"t1": "abc", "t2": None}, None),
    # text: code-point order, A-Z case mapping only, LENGTH in characters
    ("'B' < 'a'", {}, True),
    ("'é' > 'z'", {}, True),
    ("t1 < t2", {"t1": "B", "t2": "a"}, True),
    ("t1 > t2", {"t1": "abc", "t2": "ab"}, True),
    ("LOWER('ÉA')", {}, "Éa"),
    ("UPPER(t1)", {"t1": "éa-z"}, "éA-Z"),
    ("LENGTH('中文')", {}, 2),
    ("LENGTH(t1)", {"t1": "e\u0301"}, 2),
    ("LENGTH(t1)", {"t1": ""}, 0),
    # CASE
    ("CASE WHEN NULL THEN 1 ELSE 2 END", {}, 2),
    ("CASE i1 WHEN NULL THEN 1 ELSE 2 END", {"i1": None}, 2),
    ("CASE i1 WHEN 1 THEN 'one' WHEN 2 THEN 'two' END", {"i1": 3}, None),
    ("CASE i1 WHEN 1 THEN 'one' WHEN 2 THEN 'two' END", {"i1": 2}, "two"),
    ("CASE WHEN i1 > 1 THEN n1 ELSE 0 END", {"i1": 0, "n1": 1.5}, 0.0),
    # COALESCE, NULLIF
    ("COALESCE(i1, n1)", {"i1": 3, "n1": 0.5}, 3.0),
    ("COALESCE(i1, i2, 7)", {"i1": None, "i2": None}, 7),
    ("NULLIF(3, 3)", {}, None),
    ("NULLIF(i1, 0)", {"i1": 0}, None),
    ("NULLIF(i1, 0)", {"i1": 5}, 5),
    ("NULLIF(i1, NULL)", {"i1": 5}, 5),
    # dates and the as-of date
    ("DAYS_BETWEEN(DATE '2024-01-01', DATE '2024-03-01')", {}, 60),
    ("DAYS_BETWEEN(DATE '2024-03-01', DATE '2024-01-01')", {}, -60),
    ("DAYS_BETWEEN(d1, AS_OF())", {"d1": D(2024, 6, 1)}, 29),
    ("MONTHS_BETWEEN(DATE '2024-01-31', DATE '2024-02-29')", {}, 0),
    ("MONTHS_BETWEEN(DATE '2024-01-31', DATE '2024-03-31')", {}, 2),
    ("MONTHS_BETWEEN(DATE '2024-01-31', DATE '2024-03-30')", {}, 1),
    ("MONTHS_BETWEEN(DATE '2024-01-15', DATE '2023-11-16')", {}, -1),
    ("MONTHS_BETWEEN(DATE '2024-01-15', DATE '2023-11-15')", {}, -2),
    ("YEARS_BETWEEN(DATE '2020-02-29', DATE '2021-02-28')", {}, 0),
    ("YEARS_BETWEEN(DATE '2020-02-29', DATE '2021-03-01')", {}, 1),
    ("YEARS_BETWEEN(d1, AS_OF())", {"d1": D(1990, 7, 1)}, 33),
    ("YEARS_BETWEEN(d1, AS_OF())", {"d1": D(1990, 6, 30)}, 34),
    ("YEARS_BETWEEN(AS_OF(), d1)", {"d1": D(1990, 6, 30)}, -34),
    ("YEARS_BETWEEN(d1, d2)", {"d1": None, "d2": D(2000, 1, 1)}, None),
    ("AS_OF() = DATE '2024-06-30'", {}, True),
    ("d1 < AS_OF()", {"d1": D(2024, 6, 29)}, True),
    ("COALESCE(d1, AS_OF())", {"d1": None}, AS_OF),
]


@pytest.mark.postgres
@pytest.mark.parametrize(("text", "values", "expected"), CASES, ids=[c[0] for c in CASES])
def test_known_answer_on_every_engine(
    text: str,
    values: dict[str, Any],
    expected: Any,
    python_engine: PythonEngine,
    sql_engines: list[Engine],
) -> None:
    compiled = compile_expression(text, SCHEMA)
    row = {name: values.get(name) for name in SCHEMA}
    for engine in [python_engine, *sql_engines]:
        (value,) = engine.run(compiled, [row], AS_OF)
        assert same(value, expected), f"{engine.name}: {text} gave {value!r}, not {expected!r}"


WIDE_CASES = [
    " + ".join(["i1", "i2", "n1"] * 30),
    " - ".join(["n1", "i1"] * 40),
    " || ".join(["t1", "'-'", "t2"] * 30),
    "CASE " + " ".join(f"WHEN i1 = {i} THEN {i * 1.5}" for i in range(100)) + " ELSE -1 END",
    "CASE i1 " + " ".join(f"WHEN {i} THEN '{i}'" for i in range(100)) + " END",
    "CASE i2 " + " ".join(f"WHEN {i} THEN {i}" for i in range(100)) + " ELSE n1 END",
    "COALESCE(" + ", ".join(["i2"] * 80 + ["n1", "i1"]) + ")",
]
WIDE_ROWS = [
    {"i1": 7, "i2": 3, "n1": 0.5, "t1": "a", "t2": "b"},
    {"i1": 99, "i2": None, "n1": -2.25, "t1": "", "t2": "中"},
    {"i1": None, "i2": 150, "n1": None, "t1": None, "t2": "x"},
]


@pytest.mark.postgres
@pytest.mark.parametrize("text", WIDE_CASES, ids=[t[:40] for t in WIDE_CASES])
def test_wide_sums_concatenations_cases_and_coalesces_agree(
    text: str, python_engine: PythonEngine, sql_engines: list[Engine]
) -> None:
    compiled = compile_expression(text, SCHEMA)
    rows = [{name: row.get(name) for name in SCHEMA} for row in WIDE_ROWS]
    expected = python_engine.run(compiled, rows, AS_OF)
    assert any(value is not None for value in expected)
    for engine in sql_engines:
        got = engine.run(compiled, rows, AS_OF)
        assert all(same(a, b) for a, b in zip(expected, got, strict=True)), (engine.name, got)
