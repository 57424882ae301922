"""The public interface: compile, evaluate, SQL with the as-of date, names, type, fingerprint."""

from __future__ import annotations

import ast
import datetime
import decimal
import enum
import fractions
import json
import math
import sqlite3
from pathlib import Path

import duckdb
import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlglot import exp

from lendtag.expr import (
    DIALECTS,
    CompiledExpression,
    EvaluationError,
    ExpressionError,
    Type,
    compile_expression,
)
from tests.expr.engines import POSTGRES_URL

SCHEMA = {
    "debt_ratio": "number",
    "industry_section": "text",
    "employees": "integer",
    "is_listed": "boolean",
    "founded_on": "date",
}
AS_OF = datetime.date(2024, 6, 30)


def test_the_example_of_the_issue() -> None:
    c = compile_expression(
        "debt_ratio > 0.7 AND industry_section IN ('C', 'F')",
        {"debt_ratio": "number", "industry_section": "text"},
    )
    assert c.evaluate({"debt_ratio": 0.8, "industry_section": "C"}) is True
    assert c.evaluate({"debt_ratio": 0.5, "industry_section": "C"}) is False
    assert c.evaluate({"debt_ratio": None, "industry_section": "C"}) is None
    assert c.to_sql("sqlite") == "\"debt_ratio\" > 0.7 AND \"industry_section\" IN ('C', 'F')"
    assert set(DIALECTS) == {"sqlite", "postgres", "duckdb", "spark"}
    for dialect in DIALECTS:
        assert "industry_section" in c.to_sql(dialect)
    assert c.names == ("debt_ratio", "industry_section")
    assert c.type == Type.BOOLEAN == "boolean"
    assert len(c.fingerprint) == 64
    assert isinstance(c, CompiledExpression)


def test_names_are_the_schema_names_used_in_order_of_first_use() -> None:
    c = compile_expression("EMPLOYEES > 1 AND debt_ratio < 1 OR employees IS NULL", SCHEMA)
    assert c.names == ("employees", "debt_ratio")
    assert compile_expression("1 + 1", SCHEMA).names == ()


@pytest.mark.parametrize(
    ("text", "type_"),
    [
        ("employees + 1", "integer"),
        ("employees / 2", "number"),
        ("employees + 0.5", "number"),
        ("industry_section || 'x'", "text"),
        ("founded_on", "date"),
        ("CASE WHEN is_listed THEN 1 ELSE 2.5 END", "number"),
        ("LENGTH(industry_section)", "integer"),
        ("ROUND(employees)", "number"),
        ("is_listed", "boolean"),
    ],
)
def test_the_result_type(text: str, type_: str) -> None:
    assert compile_expression(text, SCHEMA).type == type_


# -- fingerprint and normalised text ----------------------------------------------------------


@pytest.mark.parametrize(
    "variant",
    [
        "debt_ratio>0.7 and industry_section in ('C','F')",
        "  DEBT_RATIO  >  0.70\n  AND   industry_section IN ( 'C' , 'F' )  ",
        "(debt_ratio > 0.7) AND (industry_section IN ('C', 'F')) -- a comment",
        "/* why */ ((debt_ratio > 7e-1)) And Industry_Section In ('C', 'F')",
    ],
)
def test_layout_case_comments_and_parentheses_do_not_change_the_fingerprint(variant: str) -> None:
    base = compile_expression("debt_ratio > 0.7 AND industry_section IN ('C', 'F')", SCHEMA)
    other = compile_expression(variant, SCHEMA)
    assert other.fingerprint == base.fingerprint
    assert (
        other.normalized
        == base.normalized
        == ("debt_ratio > 0.7 AND industry_section IN ('C', 'F')")
    )


def test_equivalent_spellings_share_a_fingerprint() -> None:
    pairs = [
        ("employees <> 1", "employees != 1"),
        ("NOT employees IN (1, 2)", "employees NOT IN (1, 2)"),
        ("NOT (founded_on IS NULL)", "founded_on IS NOT NULL"),
        ("(employees + 1) + 2", "employees + 1 + 2"),
        (
            "is_listed AND (employees > 1 AND debt_ratio > 1)",
            "is_listed AND employees > 1 AND debt_ratio > 1",
        ),
        ("- 5 < employees", "-5 < employees"),
    ]
    for left, right in pairs:
        assert compile_expression(left, SCHEMA).fingerprint == (
            compile_expression(right, SCHEMA).fingerprint
        ), (left, right)


def test_any_change_of_meaning_changes_the_fingerprint() -> None:
    texts = [
        "debt_ratio > 0.7",
        "debt_ratio >= 0.7",
        "debt_ratio > 0.71",
        "employees > 1",
        "employees > 1.0",
        "employees + (1 + 2) > 1",
        "employees + 1 + 2 > 1",
        "industry_section = 'C'",
        "industry_section = 'c'",
        "industry_section LIKE 'C'",
    ]
    prints = {compile_expression(t, SCHEMA).fingerprint for t in texts}
    assert len(prints) == len(texts)
    as_integer = compile_expression("debt_ratio > 0.7", {"debt_ratio": "integer"})
    assert as_integer.fingerprint != compile_expression("debt_ratio > 0.7", SCHEMA).fingerprint


def test_normalized_text_compiles_back_to_the_same_tree() -> None:
    text = (
        "case when (-employees) - (1 - 2) * 3 > 0 then 'x' || (industry_section) else NULL end"
        " like '%'"
    )
    c = compile_expression(text, SCHEMA)
    assert c.normalized == (
        "CASE WHEN -employees - (1 - 2) * 3 > 0 THEN 'x' || industry_section ELSE NULL END LIKE '%'"
    )
    assert compile_expression(c.normalized, SCHEMA).fingerprint == c.fingerprint


# -- evaluation -------------------------------------------------------------------------------


def test_a_missing_name_in_the_row_is_null() -> None:
    assert compile_expression("employees IS NULL", SCHEMA).evaluate({}) is True


def test_boolean_and_date_inputs_are_normalised() -> None:
    c = compile_expression("is_listed AND founded_on < DATE '2000-01-01'", SCHEMA)
    assert c.evaluate({"is_listed": 1, "founded_on": "1999-12-31"}) is True
    assert c.evaluate({"is_listed": 0, "founded_on": datetime.datetime(1999, 1, 1, 12)}) is False
    with pytest.raises(EvaluationError, match="is_listed must be a boolean"):
        c.evaluate({"is_listed": "yes", "founded_on": None})
    with pytest.raises(EvaluationError, match="founded_on must be a date"):
        c.evaluate({"is_listed": True, "founded_on": "31/12/1999"})


WRONG_KINDS = [
    ("debt_ratio * 2", {"debt_ratio": "2"}, "debt_ratio must be a number, got str '2'"),
    ("debt_ratio > 1", {"debt_ratio": True}, "debt_ratio must be a number, got bool True"),
    ("debt_ratio > 1", {"debt_ratio": [1]}, "debt_ratio must be a number"),
    ("employees + 1", {"employees": 1.5}, "employees must be an integer, got float 1.5"),
    ("employees + 1", {"employees": "3"}, "employees must be an integer"),
    ("employees > 1", {"employees": False}, "employees must be an integer, got bool"),
    ("employees > 1", {"employees": decimal.Decimal("2")}, "employees must be an integer"),
    ("industry_section LIKE 'C%'", {"industry_section": 3}, "must be text, got int 3"),
    ("LOWER(industry_section) = 'c'", {"industry_section": b"C"}, "must be text, got bytes"),
    ("industry_section || 'x'", {"industry_section": None, "debt_ratio": "x"}, None),
]


@pytest.mark.parametrize(("text", "row", "message"), WRONG_KINDS, ids=[w[0] for w in WRONG_KINDS])
def test_an_input_of_the_wrong_kind_is_an_evaluation_error(
    text: str, row: dict[str, object], message: str | None
) -> None:
    c = compile_expression(text, SCHEMA)
    if message is None:  # a name the expression does not read is not checked
        assert c.evaluate(row) is None
        return
    with pytest.raises(EvaluationError) as raised:
        c.evaluate(row)
    assert message in raised.value.message
    with pytest.raises(EvaluationError):
        c.explain(row)


def test_other_kinds_of_numbers_and_text_are_converted() -> None:
    class Kind(enum.StrEnum):
        C = "C"

    c = compile_expression("debt_ratio * 2", SCHEMA)
    assert c.evaluate({"debt_ratio": decimal.Decimal("1.5")}) == 3.0
    assert c.evaluate({"debt_ratio": fractions.Fraction(1, 4)}) == 0.5
    assert c.evaluate({"debt_ratio": 2}) == 4
    count = compile_expression("employees + 1", SCHEMA)
    assert count.evaluate({"employees": _Integer(41)}) == 42
    assert type(count.evaluate({"employees": _Integer(41)})) is int
    text = compile_expression("industry_section || '1'", SCHEMA)
    assert text.evaluate({"industry_section": Kind.C}) == "C1"
    assert type(text.evaluate({"industry_section": Kind.C})) is str


class _Integer(int):
    """An integer kind that is not ``int`` itself (as numpy's integers are not)."""


def test_arithmetic_too_large_for_a_double_is_an_evaluation_error() -> None:
    schema = {"employees": "integer", "debt_ratio": "number"}
    c = compile_expression("employees * employees * employees * employees + 0.5", schema)
    assert c.evaluate({"employees": 10**18}) == float(10**72) + 0.5
    huge = compile_expression("employees * employees * employees * 1.0", schema)
    row = {"employees": 10**110}  # beyond the 64-bit domain: Python ints do not overflow
    with pytest.raises(EvaluationError, match="too large for a number"):
        huge.evaluate(row)
    assert compile_expression("debt_ratio * 1e300 * 1e300", schema).evaluate(
        {"debt_ratio": 1.0}
    ) == float("inf")


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        (1e300, 15, math.inf),  # |x| * 10^n overflows: infinity, as SQLite and DuckDB give
        (-1e300, 15, -math.inf),
        (math.inf, 2, math.inf),
        (-math.inf, 0, -math.inf),
        (1e300, 0, 1e300),
        (1e300, -2, 1e300),
        (2.5, 0, 3.0),
        (-2.5, 0, -3.0),
        (1.25, 1, 1.3),
    ],
)
def test_round_handles_infinity_and_overflow_like_the_engines(
    value: float, digits: int, expected: float
) -> None:
    c = compile_expression(f"ROUND(debt_ratio, {digits})", SCHEMA)
    assert c.evaluate({"debt_ratio": value}) == expected


def test_round_of_nan_is_nan_and_of_an_overflowing_product_is_infinite() -> None:
    c = compile_expression("ROUND(debt_ratio, 15)", SCHEMA)
    assert math.isnan(c.evaluate({"debt_ratio": math.nan}))  # type: ignore[arg-type]
    product = compile_expression("ROUND(debt_ratio * 1e300, 15)", SCHEMA)
    assert product.evaluate({"debt_ratio": 1.0}) == math.inf
    assert product.evaluate({"debt_ratio": -1.0}) == -math.inf


def test_round_on_duckdb_and_sqlite_agrees_with_python_beyond_the_domain() -> None:
    c = compile_expression("ROUND(debt_ratio * 1e300, 15)", SCHEMA)
    python = c.evaluate({"debt_ratio": 1.0})
    lite = sqlite3.connect(":memory:").execute(
        f"SELECT {c.to_sql('sqlite')} FROM (SELECT 1.0 AS debt_ratio)"
    )
    duck = duckdb.connect().execute(
        f"SELECT {c.to_sql('duckdb')} FROM (SELECT 1.0::DOUBLE AS debt_ratio)"
    )
    assert python == lite.fetchone()[0] == duck.fetchone()[0] == math.inf  # type: ignore[index]


def test_as_of_is_required_when_used_and_never_read_from_the_clock() -> None:
    c = compile_expression("YEARS_BETWEEN(founded_on, AS_OF()) >= 3", SCHEMA)
    assert c.uses_as_of
    with pytest.raises(EvaluationError, match="AS_OF"):
        c.evaluate({"founded_on": datetime.date(2020, 1, 1)})
    row = {"founded_on": datetime.date(2021, 7, 1)}
    assert c.evaluate(row, as_of=AS_OF) is False
    assert c.evaluate(row, as_of="2024-07-01") is True
    assert c.evaluate(row, datetime.datetime(2024, 7, 1, 9, 30)) is True
    assert not compile_expression("employees > 1", SCHEMA).uses_as_of


def test_the_python_function_is_generated_without_user_text_as_code() -> None:
    schema = {"x'); import os; os.system('echo pwned')  # ": "integer", "y": "text"}
    c = compile_expression(
        "\"x'); import os; os.system('echo pwned')  # \" > 1 AND y = '''); boom('''", schema
    )
    tree = ast.parse(c.python_source)
    identifiers = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    assert all(name.isidentifier() and name.isascii() for name in identifiers)
    assert "import" not in {type(node).__name__.lower() for node in ast.walk(tree)}
    called = {
        node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "?")
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
    }
    converters = {"_to_number", "_to_integer", "_to_text", "_to_bool", "_to_date"}
    assert called <= {"get", "_missing_as_of", "_overflow", *converters} | {
        name for name in called if name.startswith("k")
    }, called
    constants = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)}
    assert next(iter(schema)) in constants
    assert c.evaluate({next(iter(schema)): 2, "y": "'); boom('"}) is True


# -- SQL and the as-of date -------------------------------------------------------------------


def test_unknown_dialects_and_bad_parameter_names_are_refused() -> None:
    c = compile_expression("founded_on < AS_OF()", SCHEMA)
    with pytest.raises(ValueError, match="unknown dialect"):
        c.to_sql("oracle")
    with pytest.raises(ValueError, match="identifier"):
        c.to_sql("sqlite", param="as_of; DROP TABLE t")
    with pytest.raises(ValueError, match="param_style"):
        c.to_sql("sqlite", param_style="qmark")
    assert c.to_sql("postgresql") == c.to_sql("postgres")


def test_as_of_is_a_named_parameter_or_an_explicit_date() -> None:
    c = compile_expression("founded_on < AS_OF()", SCHEMA)
    assert c.to_sql("sqlite") == '"founded_on" < :as_of'
    assert c.to_sql("duckdb") == '"founded_on" < CAST($as_of AS DATE)'
    assert c.to_sql("postgres") == '"founded_on" < CAST(:as_of AS DATE)'
    assert c.to_sql("postgres", param_style="pyformat") == (
        '"founded_on" < CAST(%(as_of)s AS DATE)'
    )
    assert c.to_sql("spark", param="run_date") == "`founded_on` < CAST(:run_date AS DATE)"
    assert c.to_sql("sqlite", as_of=AS_OF) == "\"founded_on\" < '2024-06-30'"
    assert c.to_sql("postgres", as_of=AS_OF) == "\"founded_on\" < CAST('2024-06-30' AS DATE)"
    for dialect in DIALECTS:
        assert "CURRENT" not in c.to_sql(dialect).upper()
    assert c.sql_parameters("sqlite", AS_OF) == {"as_of": "2024-06-30"}
    assert c.sql_parameters("duckdb", "2024-06-30") == {"as_of": AS_OF}
    assert compile_expression("employees > 1", SCHEMA).sql_parameters("sqlite", None) == {}
    with pytest.raises(EvaluationError):
        c.sql_parameters("sqlite", None)


def test_to_sqlglot_gives_a_tree_to_embed_in_a_query() -> None:
    c = compile_expression("employees > 10", SCHEMA)
    where = c.to_sqlglot("duckdb")
    assert isinstance(where, exp.Expr)
    query = exp.select("id").from_("customers").where(where)
    assert query.sql(dialect="duckdb") == 'SELECT id FROM customers WHERE "employees" > 10'


ROWS = [
    (1, "%a", datetime.date(2020, 1, 1)),
    (2, "b", datetime.date(2022, 6, 30)),
    (3, None, None),
]
RULE = "YEARS_BETWEEN(founded_on, AS_OF()) >= 2 OR industry_section LIKE '%a'"
EXPECTED = [True, True, None]


def test_bound_as_of_on_sqlite() -> None:
    c = compile_expression(RULE, SCHEMA)
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE t (id INTEGER, industry_section TEXT, founded_on TEXT)")
    connection.executemany(
        "INSERT INTO t VALUES (?, ?, ?)",
        [(i, s, None if d is None else d.isoformat()) for i, s, d in ROWS],
    )
    sql = f"SELECT {c.to_sql('sqlite')} FROM t ORDER BY id"
    got = [r[0] for r in connection.execute(sql, c.sql_parameters("sqlite", AS_OF))]
    assert [None if v is None else bool(v) for v in got] == EXPECTED


def test_bound_as_of_on_duckdb() -> None:
    c = compile_expression(RULE, SCHEMA)
    connection = duckdb.connect(":memory:")
    connection.execute("CREATE TABLE t (id INTEGER, industry_section VARCHAR, founded_on DATE)")
    connection.executemany("INSERT INTO t VALUES (?, ?, ?)", ROWS)
    sql = f"SELECT {c.to_sql('duckdb')} FROM t ORDER BY id"
    rows = connection.execute(sql, c.sql_parameters("duckdb", AS_OF)).fetchall()
    assert [r[0] for r in rows] == EXPECTED


@pytest.mark.postgres
def test_bound_as_of_on_postgres_with_psycopg_and_with_sqlalchemy(
    postgres_engine: object,
) -> None:
    c = compile_expression(RULE, SCHEMA)
    with psycopg.connect(POSTGRES_URL.replace("+psycopg", ""), autocommit=True) as connection:
        connection.execute(
            "CREATE TEMP TABLE t (id INTEGER, industry_section TEXT, founded_on DATE)"
        )
        with connection.cursor() as cursor:
            cursor.executemany("INSERT INTO t VALUES (%s, %s, %s)", ROWS)
            sql = f"SELECT {c.to_sql('postgres', param_style='pyformat')} FROM t ORDER BY id"
            assert "'%%a'" in sql
            cursor.execute(sql, c.sql_parameters("postgres", AS_OF))  # type: ignore[arg-type]
            assert [r[0] for r in cursor.fetchall()] == EXPECTED
    engine = create_engine(POSTGRES_URL)
    try:
        with engine.connect() as connection:
            values = ", ".join(
                f"({i}, {'NULL' if s is None else repr(s)}, "
                f"{'NULL' if d is None else repr(d.isoformat())}::date)"
                for i, s, d in ROWS
            )
            query = text(
                f"SELECT {c.to_sql('postgres')} FROM (VALUES {values})"
                " AS t (id, industry_section, founded_on) ORDER BY id"
            )
            got = connection.execute(query, c.sql_parameters("postgres", AS_OF)).scalars().all()
            assert list(got) == EXPECTED
    finally:
        engine.dispose()


def test_names_with_quotes_reach_sql_only_as_quoted_identifiers() -> None:
    evil = 'a"b; DROP TABLE t; --'
    c = compile_expression(f'"{evil.replace(chr(34), chr(34) * 2)}" > 1', {evil: "integer"})
    assert c.names == (evil,)
    assert c.to_sql("sqlite") == '"a""b; DROP TABLE t; --" > 1'
    assert c.to_sql("spark") == '`a"b; DROP TABLE t; --` > 1'
    connection = sqlite3.connect(":memory:")
    connection.execute('CREATE TABLE t ("a""b; DROP TABLE t; --" INTEGER)')
    connection.execute("INSERT INTO t VALUES (5)")
    assert connection.execute(f"SELECT {c.to_sql('sqlite')} FROM t").fetchall() == [(1,)]
    assert connection.execute("SELECT count(*) FROM t").fetchone() == (1,)


@pytest.mark.parametrize(
    "attempt",
    [
        "1); DROP TABLE customers; --",
        "employees > 1 UNION SELECT password FROM users",
        "employees > (SELECT max(employees) FROM customers)",
        "industry_section = '' OR 1=1 --'",
        "pg_sleep(10) IS NULL",
        "employees > 1 /* */ ; DELETE FROM t",
        "load_extension('evil') IS NULL",
        "employees > 1 INTO OUTFILE '/tmp/x'",
    ],
)
def test_injection_attempts_fail_to_compile_or_stay_inside_the_expression(attempt: str) -> None:
    try:
        c = compile_expression(attempt, SCHEMA)
    except ExpressionError:
        return
    assert c.names and set(c.names) <= set(SCHEMA)
    for dialect in DIALECTS:
        sql = c.to_sql(dialect).upper()
        assert not any(word in sql for word in ("SELECT", "DROP", ";", "UNION", "SLEEP"))


# -- explain ----------------------------------------------------------------------------------


def test_explain_shows_every_part_with_its_value_and_the_inputs() -> None:
    c = compile_expression("debt_ratio > 0.7 AND industry_section IN ('C', 'F')", SCHEMA)
    explanation = c.explain({"debt_ratio": 0.8, "industry_section": "K"})
    assert explanation.value is False
    assert explanation.inputs == {"debt_ratio": 0.8, "industry_section": "K"}
    assert str(explanation) == (
        "result: FALSE\n"
        "inputs: debt_ratio = 0.8, industry_section = 'K'\n"
        "how:\n"
        "  debt_ratio > 0.7 AND industry_section IN ('C', 'F')  →  FALSE\n"
        "    debt_ratio > 0.7  →  TRUE\n"
        "      debt_ratio  →  0.8\n"
        "    industry_section IN ('C', 'F')  →  FALSE\n"
        "      industry_section  →  'K'"
    )
    assert json.loads(json.dumps(explanation.to_dict()))["steps"][1] == {
        "depth": 1,
        "text": "debt_ratio > 0.7",
        "value": True,
        "kind": "expression",
    }


def test_explain_with_nulls_dates_and_the_as_of_date() -> None:
    c = compile_expression(
        "CASE WHEN DAYS_BETWEEN(founded_on, AS_OF()) > 365 THEN 'old' END", SCHEMA
    )
    explanation = c.explain({"founded_on": None}, as_of="2024-06-30")
    assert explanation.value is None
    assert explanation.as_of == AS_OF
    text_ = str(explanation)
    assert "result: NULL" in text_
    assert "as of: 2024-06-30" in text_
    assert "      AS_OF()  →  DATE '2024-06-30'" in text_
    assert "DAYS_BETWEEN(founded_on, AS_OF()) > 365  →  NULL" in text_


def test_explain_agrees_with_evaluate_on_every_part() -> None:
    c = compile_expression(
        "COALESCE(employees, 0) * 2 + LENGTH(industry_section) BETWEEN 3 AND 10", SCHEMA
    )
    row = {"employees": 2, "industry_section": "abc"}
    explanation = c.explain(row)
    for step in explanation.steps:
        part = compile_expression(step.text, SCHEMA)
        assert part.evaluate(row) == step.value, step.text


# -- long rules and the package boundary ------------------------------------------------------


def test_long_chains_and_wide_case_expressions_compile_flat() -> None:
    schema = {f"c{i}": "integer" for i in range(400)}
    conditions = " AND ".join(f"c{i} >= 0" for i in range(400))
    total = " + ".join(f"c{i}" for i in range(400))
    case = "CASE " + " ".join(f"WHEN c0 = {i} THEN {i * 10}" for i in range(250)) + " END"
    row = {f"c{i}": 1 for i in range(400)}
    assert compile_expression(conditions, schema).evaluate(row) is True
    assert compile_expression(total, schema).evaluate(row) == 400
    wide = compile_expression(case, schema)
    assert wide.evaluate({"c0": 249}) == 2490
    assert wide.evaluate({"c0": 250}) is None
    for dialect in DIALECTS:
        assert wide.to_sql(dialect).count("WHEN") == 250


def test_the_package_imports_nothing_else_of_lendtag() -> None:
    package = Path(__file__).parents[2] / "src" / "lendtag" / "expr"
    for path in package.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("lendtag.") or node.module.startswith(
                    "lendtag.expr"
                ), (path.name, node.module)
            if isinstance(node, ast.Import):
                assert all(
                    not a.name.startswith("lendtag") or a.name.startswith("lendtag.expr")
                    for a in node.names
                )
