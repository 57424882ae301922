"""Fuzz: whatever the text, compiling it raises ExpressionError or succeeds, nothing else.

Three generators: arbitrary Unicode text, soups of the language's own tokens mixed with SQL
keywords and symbols from outside it (closer to the parser's edge cases), and mutations of
valid expressions. Each text also goes through ``check_expression``, which must return a
list of ExpressionError holding the error ``compile_expression`` raised. Compile times are
measured by bench/expr_eval.py and bounded by counting in test_expr_limits.py, not timed here.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lendtag.expr import ErrorLimitError, ExpressionError, check_expression, compile_expression
from tests.expr.engines import SCHEMA

fuzz = settings(
    max_examples=1500,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

TOKENS = [
    *SCHEMA,
    "AND", "OR", "NOT", "IN", "BETWEEN", "IS", "NULL", "TRUE", "FALSE", "CASE", "WHEN",
    "THEN", "ELSE", "END", "LIKE", "DATE", "AS_OF()", "COALESCE", "NULLIF", "ABS", "ROUND",
    "LEAST", "GREATEST", "LOWER", "UPPER", "LENGTH", "DAYS_BETWEEN", "MONTHS_BETWEEN",
    "YEARS_BETWEEN", "(", ")", ",", "+", "-", "*", "/", "=", "<>", "!=", "<", "<=", ">", ">=",
    "||", "0", "1", "-1", "2.5", "1e309", "99999999999999999999", "'a'", "'%_'", "''",
    "'2024-02-29'", "'2024-13-01'", '"i1"', '"x""y"', "SELECT", "FROM", ";", "::", "?", ":x",
    "$1", "@x", "%", "^", "~", "!", "==", "[", "]", "{", "}", ".", "*", "AS", "OVER",
    "CAST", "INTERVAL", "TIMESTAMP", "EXISTS", "ESCAPE", "ILIKE", "SIMILAR", "TO", "--", "/*",
    "*/", "'", '"', "`", "\\", "\n", "中文", "ø", "\x00", "SYMMETRIC", "DISTINCT", "FROM",
    "CURRENT_DATE", "now()", "x'AB'", "N'x'", "E'x'", "$$x$$", "0x1F", "1_000", ".5", "5.",
]  # fmt: skip

VALID = [
    "i1 > 0 AND t1 IN ('a', 'b')",
    "CASE WHEN n1 > 0.5 THEN 'x' ELSE t2 END || 'y'",
    "ROUND(n1 / NULLIF(i2, 0), 2) BETWEEN -1 AND 1",
    "YEARS_BETWEEN(d1, AS_OF()) >= 3 OR b1 IS NULL",
    "COALESCE(LEAST(i1, i2), GREATEST(i1, 0)) * -2",
    "LOWER(t1) LIKE '%a_' AND NOT (d1 < DATE '2024-02-29')",
]


def _must_only_raise_expression_errors(text: str) -> None:
    raised: ExpressionError | None = None
    try:
        compile_expression(text, SCHEMA)
    except ExpressionError as error:
        raised = error
        assert str(error)
        assert error.message
        if error.start is not None:
            assert 0 <= error.start <= len(text)
            assert error.line is not None and error.column is not None
    errors = check_expression(text, SCHEMA)
    assert isinstance(errors, list)
    assert all(isinstance(e, ExpressionError) for e in errors)
    assert (raised is None) == (errors == [])
    if raised is not None and not isinstance(errors[-1], ErrorLimitError):
        # compile stops at the first error it meets: one that check_expression lists
        assert (raised.start, raised.message) in [(e.start, e.message) for e in errors]


@fuzz
@given(st.text(max_size=200))
def test_arbitrary_text(text: str) -> None:
    _must_only_raise_expression_errors(text)


@fuzz
@given(st.lists(st.sampled_from(TOKENS), max_size=30), st.sampled_from([" ", "", "\n"]))
def test_token_soup(tokens: list[str], separator: str) -> None:
    _must_only_raise_expression_errors(separator.join(tokens))


@fuzz
@given(
    st.sampled_from(VALID),
    st.lists(
        st.tuples(st.integers(0, 200), st.integers(0, 3), st.sampled_from(TOKENS)), max_size=4
    ),
)
def test_mutated_valid_expressions(text: str, edits: list[tuple[int, int, str]]) -> None:
    for position, removed, inserted in edits:
        position %= len(text) + 1
        text = text[:position] + inserted + text[position + removed :]
    _must_only_raise_expression_errors(text)


@fuzz
@given(st.integers(1, 80), st.sampled_from(["(", "ABS(", "CASE WHEN b1 THEN ", "NOT ", "- "]))
def test_deep_nesting(depth: int, opener: str) -> None:
    closer = {"(": ")", "ABS(": ")", "CASE WHEN b1 THEN ": " END"}.get(opener, "")
    _must_only_raise_expression_errors(opener * depth + "i1" + closer * depth)
