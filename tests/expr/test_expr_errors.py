"""Errors: typed by stage, located by line and column, with a caret; all at once on request."""

from __future__ import annotations

import pickle

import pytest

from lendtag.expr import (
    MAX_LENGTH,
    MAX_NESTING,
    ExpressionError,
    ExpressionSyntaxError,
    ExpressionTypeError,
    SchemaError,
    UnknownNameError,
    UnsupportedConstructError,
    check_expression,
    compile_expression,
)

SCHEMA = {
    "debt_ratio": "number",
    "employees": "integer",
    "industry_section": "text",
    "name": "text",
    "is_listed": "boolean",
    "founded_on": "date",
    "Debt": "number",
    "debt": "integer",
}


def error_of(text: str, schema: dict[str, str] | None = None) -> ExpressionError:
    with pytest.raises(ExpressionError) as info:
        compile_expression(text, SCHEMA if schema is None else schema)
    return info.value


# -- location and rendering -------------------------------------------------------------------


def test_a_syntax_error_names_line_column_and_points_with_a_caret() -> None:
    error = error_of("debt_ratio > 0.7 AND")
    assert isinstance(error, ExpressionSyntaxError)
    assert (error.line, error.column) == (1, 18)
    assert str(error) == (
        "incomplete expression: 'AND' is missing a part\n"
        "  line 1, column 18:\n"
        "    debt_ratio > 0.7 AND\n"
        "                     ^^^"
    )


def test_errors_on_a_later_line_point_into_that_line() -> None:
    error = error_of("debt_ratio > 0.7\n  AND industry_sectoin = 'C'")
    assert isinstance(error, UnknownNameError)
    assert (error.line, error.column) == (2, 7)
    assert error.highlight == "  AND industry_sectoin = 'C'\n      ^^^^^^^^^^^^^^^^"


def test_the_caret_allows_for_wide_characters() -> None:
    error = error_of("name = '中文' AND 名称 = 1")
    assert isinstance(error, UnknownNameError)
    source_line, carets = error.highlight.split("\n")
    assert source_line == error.source
    assert carets == " " * 18 + "^^^^"


def test_to_dict_and_pickling_keep_the_structure() -> None:
    error = error_of("industry_sectoin = 'C'")
    data = error.to_dict()
    assert data["kind"] == "unknown_name"
    assert data["name"] == "industry_sectoin"
    assert data["suggestions"] == ["industry_section"]
    assert (data["line"], data["column"], data["start"], data["end"]) == (1, 1, 0, 16)
    copy = pickle.loads(pickle.dumps(error))
    assert isinstance(copy, UnknownNameError)
    assert str(copy) == str(error)
    assert copy.suggestions == ("industry_section",)


# -- unknown names and functions --------------------------------------------------------------


def test_unknown_name_suggests_the_closest_names() -> None:
    error = error_of("debt_ratoi > 0.7")
    assert isinstance(error, UnknownNameError)
    assert error.suggestions == ("debt_ratio",)
    assert "did you mean 'debt_ratio'?" in error.message
    assert not error.is_function


def test_unquoted_names_match_case_insensitively_and_quoted_ones_exactly() -> None:
    assert compile_expression("DEBT_RATIO > 1", SCHEMA).names == ("debt_ratio",)
    assert compile_expression('"Debt" > 1', SCHEMA).names == ("Debt",)
    assert compile_expression("debt > 1", SCHEMA).names == ("debt",)
    error = error_of('"DEBT_RATIO" > 1')
    assert isinstance(error, UnknownNameError)
    assert error.suggestions[0] == "debt_ratio"
    ambiguous = error_of("DEBT > 1")
    assert isinstance(ambiguous, ExpressionSyntaxError)
    assert "differ only in case" in ambiguous.message


def test_unknown_function_suggests_a_function_of_the_language() -> None:
    error = error_of("colaesce(debt_ratio, 0) > 1")
    assert isinstance(error, UnknownNameError)
    assert error.is_function
    assert error.suggestions == ("COALESCE",)
    assert (error.start, error.end) == (0, 8)
    keyword_function = error_of("LEFT(name, 2) = 'ab'")
    assert isinstance(keyword_function, UnknownNameError)
    assert keyword_function.is_function


def test_a_function_name_without_parentheses_gets_a_hint() -> None:
    error = error_of("founded_on < AS_OF")
    assert "AS_OF is a function: write AS_OF(...)" in error.message


# -- constructs outside the language ----------------------------------------------------------

UNSUPPORTED = [
    ("(SELECT 1) = 1", "sub-query", (1, 2)),
    ("employees IN (SELECT employees FROM t)", "sub-query", (1, 15)),
    ("EXISTS (SELECT 1)", "sub-query", (1, 1)),
    ("DROP TABLE customers", "drop", (1, 1)),
    ("debt_ratio > 1; DROP TABLE customers", "statement", (1, 15)),
    ("CAST(employees AS TEXT) = '1'", "cast", (1, 1)),
    ("employees::text = '1'", "cast", (1, 10)),
    ("debt_ratio > ?", "parameter", (1, 14)),
    ("debt_ratio > :limit", "parameter", (1, 14)),
    ("founded_on < CURRENT_DATE", "clock", (1, 14)),
    ("ABS(debt_ratio) OVER () > 1", "window function", (1, 17)),
    ("t.debt_ratio > 1", "qualified name", (1, 2)),
    ("is_listed IS TRUE", "IS", (1, 1)),
    ("name ILIKE 'a%'", "ilike", (1, 6)),
    ("employees % 2 = 0", "mod", (1, 11)),
    ("name LIKE 'a%' ESCAPE '!'", "escape", (1, 16)),
    ("employees BETWEEN SYMMETRIC 1 AND 3", "BETWEEN SYMMETRIC", (1, 1)),
    ("founded_on < TIMESTAMP '2024-01-01 00:00'", "timestamp", (1, 14)),
    ("founded_on < DATE('2024-01-01')", "DATE", (1, 14)),
    ("debt_ratio > .5", ".", (1, 14)),
    ("!is_listed", "!", (1, 1)),
    ("employees == 1", "==", (1, 11)),
    ("name IS DISTINCT FROM 'a'", "IS DISTINCT FROM", (1, 9)),
]


@pytest.mark.parametrize(
    ("text", "construct", "where"), UNSUPPORTED, ids=[u[0] for u in UNSUPPORTED]
)
def test_constructs_outside_the_language_are_named_and_located(
    text: str, construct: str, where: tuple[int, int]
) -> None:
    error = error_of(text)
    assert isinstance(error, ExpressionSyntaxError | UnknownNameError)
    assert error.construct is not None
    assert construct.lower() in f"{error.construct} {error.message}".lower()
    assert (error.line, error.column) == where


def test_text_after_the_expression_is_reported() -> None:
    error = error_of("debt_ratio > 1 extra")
    assert isinstance(error, ExpressionSyntaxError)
    assert error.message == "unexpected 'extra' after the expression"
    assert error.column == 16


# -- type errors ------------------------------------------------------------------------------

TYPE_ERRORS = [
    ("debt_ratio > 'high'", "cannot compare a number with text", 12),
    ("employees AND is_listed", "AND needs a boolean, not an integer", 1),
    ("NOT debt_ratio", "NOT needs a boolean", 5),
    (
        "CASE WHEN is_listed THEN 'listed' ELSE 0 END",
        "the results of CASE (THEN and ELSE) must all have one type",
        40,
    ),
    ("CASE employees WHEN 'ten' THEN 1 END", "the CASE value and its WHEN values", 21),
    ("name || employees = 'x'", "'||' needs text, not an integer", 9),
    ("employees LIKE '1%'", "LIKE needs text", 1),
    ("founded_on - founded_on > 30", "use DAYS_BETWEEN(from, to)", 1),
    ("name + 1 = 2", "|| joins text", 1),
    ("ROUND(debt_ratio, employees) > 1", "whole-number literal", 19),
    ("ROUND(debt_ratio, 2.5) > 1", "whole-number literal", 19),
    ("ROUND(debt_ratio, 16) > 1", "whole-number literal", 19),
    ("ABS(debt_ratio, 1) > 1", "ABS(x) takes 1 argument, not 2", 1),
    ("COALESCE(debt_ratio) > 1", "takes 2 or more arguments, not 1", 1),
    ("AS_OF(1) > founded_on", "takes no arguments, not 1", 1),
    ("employees IN (1, 'two')", "the value and the IN list must all have one type", 18),
    ("is_listed BETWEEN FALSE AND TRUE", "cannot be booleans", 1),
    ("is_listed < TRUE", "booleans have no order", 11),
    ("DAYS_BETWEEN(founded_on, '2024-01-01') > 1", "DAYS_BETWEEN needs a date, not text", 26),
    ("LOWER(employees) = 'a'", "LOWER needs text", 7),
    ("LEAST(is_listed, TRUE)", "cannot be booleans", 7),
    ("NULL", "NULL whatever the input", 1),
    ("COALESCE(NULL, NULL)", "NULL whatever the input", 1),
    ("founded_on < DATE '2024-02-30'", "is not a date", 14),
    ("employees > 99999999999999999999", "out of range", 13),
    ("debt_ratio > 1e999", "out of range", 14),
    ("employees > " + "9" * 5000, "out of range", 13),  # beyond int()'s digit limit
]


@pytest.mark.parametrize(
    ("text", "message", "column"), TYPE_ERRORS, ids=[t[0] for t in TYPE_ERRORS]
)
def test_type_errors_explain_what_was_expected(text: str, message: str, column: int) -> None:
    error = error_of(text)
    assert isinstance(error, ExpressionTypeError), error
    assert message in error.message
    assert error.column == column


def test_leading_zeros_do_not_count_towards_the_integer_range() -> None:
    c = compile_expression("employees > 000000000000000000000000000001", SCHEMA)
    assert c.evaluate({"employees": 2}) is True


def test_expect_demands_a_result_type() -> None:
    error = error_of_expect("debt_ratio * 2", "boolean")
    assert error.message == "expected a boolean, but the expression gives a number"
    assert compile_expression("employees + 1", SCHEMA, expect="number").type == "integer"
    assert compile_expression("NULL", SCHEMA, expect="text").type == "text"
    with pytest.raises(SchemaError):
        compile_expression("employees", SCHEMA, expect="money")


def error_of_expect(text: str, expect: str) -> ExpressionError:
    errors = check_expression(text, SCHEMA, expect=expect)
    assert len(errors) == 1
    return errors[0]


# -- all errors at once -----------------------------------------------------------------------


def test_check_expression_returns_every_error_in_text_order() -> None:
    text = "debt_ratoi > 1 AND employees = 'x' AND colaesce(1, 2) = 1 AND CAST(1) = 1"
    errors = check_expression(text, SCHEMA)
    # CAST( is screened before parsing, so a syntax-level error stands alone
    assert [type(e) for e in errors] == [UnsupportedConstructError]
    text = "debt_ratoi > 1 AND employees = 'x' AND colaesce(1, 2) = 1 AND is_listed IS TRUE"
    errors = check_expression(text, SCHEMA)
    assert [type(e) for e in errors] == [
        UnknownNameError,
        ExpressionTypeError,
        UnknownNameError,
        UnsupportedConstructError,
    ]
    assert [e.column for e in errors] == [1, 30, 40, 63]
    assert errors[-1].construct == "IS"
    with pytest.raises(UnknownNameError) as first:
        compile_expression(text, SCHEMA)
    assert str(first.value) == str(errors[0])


def test_one_error_does_not_cascade() -> None:
    errors = check_expression("(unknown_name + 1) * 2 > 3 AND unknown_name IS NULL", SCHEMA)
    assert [e.message for e in errors] == ["unknown name 'unknown_name'"] * 2


def test_token_level_errors_are_reported_together() -> None:
    errors = check_expression("employees % 2 = 0 AND name ~ 'x' AND debt_ratio == 1", SCHEMA)
    assert [e.column for e in errors] == [11, 28, 49]
    assert all(isinstance(e, UnsupportedConstructError) for e in errors)


def test_a_valid_expression_has_no_errors() -> None:
    assert check_expression("debt_ratio > 0.7", SCHEMA) == []


# -- input limits and odd input ---------------------------------------------------------------


def test_empty_text_and_comments_only_are_syntax_errors() -> None:
    for text in ("", "   \n ", "-- just a comment", "/* nothing */"):
        error = error_of(text)
        assert isinstance(error, ExpressionSyntaxError)
        assert error.message == "the expression is empty"


def test_non_text_input_is_a_syntax_error() -> None:
    errors = check_expression(42, SCHEMA)  # type: ignore[arg-type]
    assert errors[0].message == "an expression must be text, not int"


def test_unterminated_text_is_located() -> None:
    error = error_of("name = 'abc")
    assert isinstance(error, ExpressionSyntaxError)
    assert "unterminated" in error.message
    assert error.column == 8


def test_nul_characters_are_rejected() -> None:
    error = error_of("name = 'a\x00b'")
    assert error.column == 10


def test_overlong_text_is_rejected() -> None:
    text = "employees + " * (MAX_LENGTH // 12 + 1) + "1"
    assert isinstance(error_of(text), ExpressionSyntaxError)


def test_nesting_up_to_the_limit_compiles_and_deeper_is_rejected() -> None:
    deep_ok = "(" * MAX_NESTING + "employees" + ")" * MAX_NESTING + " > 1"
    assert compile_expression(deep_ok, SCHEMA).evaluate({"employees": 2}) is True
    calls = "ABS(" * (MAX_NESTING - 1) + "employees" + ")" * (MAX_NESTING - 1) + " > 1"
    assert compile_expression(calls, SCHEMA).evaluate({"employees": -2}) is True
    too_deep = "(" * (MAX_NESTING + 1) + "employees" + ")" * (MAX_NESTING + 1) + " > 1"
    error = error_of(too_deep)
    assert "nested more than" in error.message
    assert error.column == MAX_NESTING + 1


def test_long_unparenthesised_chains_of_unary_operators_are_rejected_not_crashed() -> None:
    for text in ("NOT " * 300 + "is_listed", "- " * 300 + "employees > 1", "- " * 50 + "1 > 0"):
        error = error_of(text)
        assert isinstance(error, ExpressionSyntaxError)
        assert "nested" in error.message


# -- the schema -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "schema",
    [{"x": "money"}, {"": "number"}, {1: "number"}, {"x": None}, ["x"]],
    ids=["unknown type", "empty name", "non-text name", "no type", "not a mapping"],
)
def test_a_bad_schema_raises_schema_error(schema: object) -> None:
    with pytest.raises(SchemaError):
        compile_expression("1 = 1", schema)  # type: ignore[arg-type]


def test_schema_type_names_are_case_insensitive() -> None:
    assert compile_expression("x", {"x": " Number "}).type == "number"


# -- messages that point at the mistake -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("debt_ratio > 1 ADN is_listed", "unexpected 'ADN' (did you mean 'AND'?)", 16),
        ("debt_ratio > 1 ADN", "unexpected 'ADN' (did you mean 'AND'?)", 16),
        ("(debt_ratio > 1 ADN is_listed)", "unexpected 'ADN' (did you mean 'AND'?)", 17),
        ("name LIEK 'a%'", "unexpected 'LIEK' (did you mean 'LIKE'?)", 6),
        ("is_listed ORR is_listed", "unexpected 'ORR' (did you mean 'OR'?)", 11),
        ("CASE WHEN is_listed THEN 1 ELS 2 END", "unexpected 'ELS' (did you mean 'ELSE'?)", 28),
        ("employees 1", "unexpected '1': an operator is missing between 'employees' and '1'", 11),
        ("(employees) employees > 1", "an operator is missing between ')' and 'employees'", 13),
    ],
)
def test_a_misspelled_operator_is_reported_where_it_is(
    text: str, message: str, column: int
) -> None:
    error = error_of(text)
    assert isinstance(error, ExpressionSyntaxError)
    assert message in error.message
    assert error.column == column


def test_a_call_outside_the_language_points_at_its_name() -> None:
    error = error_of("IF(is_listed, 1, 2) = 1")
    assert isinstance(error, UnsupportedConstructError)
    assert (error.column, error.start, error.end) == (1, 0, 2)
    assert error.highlight == "IF(is_listed, 1, 2) = 1\n^^"
    assert "write CASE WHEN" in error.message
    nested = error_of("employees > 1 AND (IF(is_listed, 1, 2) = 1)")
    assert nested.column == 20


@pytest.mark.parametrize(
    ("text", "where", "case_at"),
    [
        ("CASE WHEN is_listed THEN 1", 27, "line 1, column 1"),
        ("CASE WHEN is_listed THEN 1 ELSE 2", 34, "line 1, column 1"),
        ("employees > 1 AND (CASE WHEN is_listed THEN 1) = 1", 46, "line 1, column 20"),
        ("CASE WHEN is_listed\n  THEN CASE WHEN is_listed THEN 1 END", 58, "line 1, column 1"),
    ],
)
def test_a_case_without_end_says_so_in_our_words(text: str, where: int, case_at: str) -> None:
    error = error_of(text)
    assert isinstance(error, ExpressionSyntaxError)
    assert error.message == f"missing END to close the CASE at {case_at}"
    assert "Expected" not in str(error)
    assert error.start == where - 1
    assert error.construct == "CASE"


def test_did_you_mean_reads_the_same_everywhere() -> None:
    messages = [
        error_of("debt_ratoi > 1").message,
        error_of("colaesce(debt_ratio, 0) > 1").message,
        error_of("employees > 1 AND colaesce(1, 2) = 1").message,  # found by the checker
        error_of("debt_ratio > 1 ADN is_listed").message,
    ]
    assert messages[0] == "unknown name 'debt_ratoi' (did you mean 'debt_ratio'?)"
    assert messages[1] == "unknown function 'colaesce' (did you mean 'COALESCE'?)"
    assert messages[2] == "unknown function 'colaesce' (did you mean 'COALESCE'?)"
    assert messages[3] == "unexpected 'ADN' (did you mean 'AND'?)"
    several = error_of("debtratio > 1", {"debt_ratio": "number", "debt_ratios": "number"})
    assert several.message.endswith("(did you mean 'debt_ratio' or 'debt_ratios'?)")


def test_compile_raises_an_error_check_expression_lists() -> None:
    for text in (
        "(employees AND unknown_x) OR is_listed",
        "debt_ratoi > 1 AND employees = 'x'",
        "1 = AND 2 = AND",
        "employees == 1 AND name ~ 'x'",
    ):
        with pytest.raises(ExpressionError) as raised:
            compile_expression(text, SCHEMA)
        listed = [(e.start, e.message) for e in check_expression(text, SCHEMA)]
        assert (raised.value.start, raised.value.message) in listed


# -- integer overflow -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("employees = 9223372036854775807 + 1", 13),
        ("employees = -9223372036854775807 - 2", 13),
        ("employees = 3037000500 * 3037000500", 13),
        ("employees = 9223372036854775807 + 1 - 1", 13),  # a partial sum overflows on the way
        ("employees = -(-9223372036854775807 - 1)", 13),
        ("employees = (4611686018427387904 + 0) * 2", 14),
    ],
)
def test_integer_arithmetic_on_literals_that_overflows_is_an_error(text: str, column: int) -> None:
    error = error_of(text)
    assert isinstance(error, ExpressionTypeError)
    assert "overflows" in error.message and "decimal point" in error.message
    assert error.column == column


def test_integer_arithmetic_within_range_or_on_numbers_or_names_compiles() -> None:
    top = compile_expression("9223372036854775806 + 1", SCHEMA)
    assert top.evaluate({}) == 2**63 - 1
    assert compile_expression("-9223372036854775807 - 1", SCHEMA).evaluate({}) == -(2**63)
    assert compile_expression("9223372036854775807.0 + 1", SCHEMA).type == "number"
    assert compile_expression("employees + 9223372036854775807", SCHEMA).type == "integer"
