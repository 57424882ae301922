"""Worst cases at the maximum length: the work of one compile is bounded, counted not timed.

bench/expr_eval.py times these texts (its fuzz figure: every compile under 100 ms). A unit
test on a shared machine cannot time them reliably, so here the work that used to grow with
the number of errors is counted instead: error objects built, "did you mean" searches run
and messages rendered. Each must stay within a bound that does not depend on the text, so
the cost of a compile is its parse plus a constant, however many mistakes the text holds.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from bench.expr_eval import SCHEMA as BENCH_SCHEMA
from bench.expr_eval import worst_case_texts

from lendtag.expr import (
    MAX_ERRORS,
    MAX_LENGTH,
    ErrorLimitError,
    ExpressionError,
    UnknownNameError,
    check_expression,
    compile_expression,
)

WORST = worst_case_texts()
ERROR_HEAVY = [
    "semicolons",
    "stray_symbols",
    "names_and_semicolons",
    "double_equals",
    "type_errors",
    "date_arithmetic",
    "unknown_functions",
    "distinct_unknown_functions",
    "misspelled_names",
    "distinct_misspellings",
    "dangling_operators",
    "empty_in_lists",
    "overflowing_literals",
    "unsupported_calls",
]


@pytest.fixture
def work(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """Counts of errors built, suggestion searches and renders while the test runs."""
    counts: Counter[str] = Counter()
    build = ExpressionError.__init__
    search = difflib.get_close_matches
    render = ExpressionError.render

    def counting_build(self: ExpressionError, *args: Any, **kwargs: Any) -> None:
        counts["errors built"] += 1
        build(self, *args, **kwargs)

    def counting_search(*args: Any, **kwargs: Any) -> list[str]:
        counts["searches"] += 1
        return search(*args, **kwargs)

    def counting_render(self: ExpressionError) -> str:
        counts["renders"] += 1
        return render(self)

    monkeypatch.setattr(ExpressionError, "__init__", counting_build)
    monkeypatch.setattr(difflib, "get_close_matches", counting_search)
    monkeypatch.setattr(ExpressionError, "render", counting_render)
    yield counts


def compile_error(text: str) -> ExpressionError | None:
    try:
        compile_expression(text, BENCH_SCHEMA)
    except ExpressionError as error:
        return error
    return None


def test_the_worst_cases_are_at_the_maximum_length() -> None:
    assert len(WORST) >= 30
    assert all(len(text) <= MAX_LENGTH for text in WORST.values())
    assert sum(len(text) >= MAX_LENGTH - 40 for text in WORST.values()) >= 25


@pytest.mark.parametrize("name", list(WORST))
def test_compile_builds_one_error_and_renders_none(name: str, work: Counter[str]) -> None:
    error = compile_error(WORST[name])
    assert work["errors built"] <= 2, work  # the error, and at most one it was reworded from
    assert work["searches"] <= 2, work
    assert work["renders"] == 0, work
    if error is not None:
        assert str(error) and work["renders"] == 1


@pytest.mark.parametrize("name", list(WORST))
def test_check_builds_at_most_the_errors_it_lists(name: str, work: Counter[str]) -> None:
    errors = check_expression(WORST[name], BENCH_SCHEMA)
    assert len(errors) <= MAX_ERRORS + 1
    assert work["errors built"] <= MAX_ERRORS + 2, work
    assert work["searches"] <= MAX_ERRORS + 1, work
    assert work["renders"] == 0, work


@pytest.mark.parametrize("name", ERROR_HEAVY)
def test_check_lists_the_limit_and_says_how_many_more(name: str) -> None:
    errors = check_expression(WORST[name], BENCH_SCHEMA)
    assert len(errors) == MAX_ERRORS + 1
    last = errors[-1]
    assert isinstance(last, ErrorLimitError)
    assert last.omitted > 0
    assert f"{last.omitted:,} more error" in last.message
    assert not any(isinstance(e, ErrorLimitError) for e in errors[:-1])
    starts = [e.start or 0 for e in errors[:-1]]
    assert starts == sorted(starts)


def test_the_count_of_errors_past_the_limit_is_exact() -> None:
    for text, total in [
        (";" * 7999, 7999),
        (" AND ".join(["employees = 'x'"] * 400), 400),
        (" + ".join(["nope"] * 700), 700),
        (" + ".join(f"fn{i}(1)" for i in range(600)), 600),
    ]:
        errors = check_expression(text, BENCH_SCHEMA)
        last = errors[-1]
        assert isinstance(last, ErrorLimitError)
        assert MAX_ERRORS + last.omitted == total
        assert last.to_dict()["omitted"] == last.omitted


def test_below_the_limit_every_error_is_listed() -> None:
    text = " + ".join(["nope"] * MAX_ERRORS)
    errors = check_expression(text, BENCH_SCHEMA)
    assert len(errors) == MAX_ERRORS
    assert all(isinstance(e, UnknownNameError) for e in errors)


def test_a_misspelling_repeated_is_searched_once(work: Counter[str]) -> None:
    errors = check_expression(" + ".join(["revenu"] * 40), BENCH_SCHEMA)
    assert len(errors) == 40
    assert all(
        e.message.startswith("unknown name 'revenu' (did you mean 'revenue'") for e in errors
    )
    assert work["searches"] == 1


@pytest.mark.parametrize(
    ("unit", "separator"),
    [(";", ""), ("@", " "), ("employees = 'x'", " AND "), ("fn(1)", " + "), ("nope", " + "),
     ("1 = AND", " ")],
)  # fmt: skip
def test_the_work_does_not_grow_with_the_number_of_errors(
    unit: str, separator: str, work: Counter[str]
) -> None:
    def cost(run: Callable[[], object]) -> int:
        before = work["errors built"] + work["searches"]
        run()
        return work["errors built"] + work["searches"] - before

    small, large = (separator.join([unit] * count) for count in (60, 300))
    assert len(large) <= MAX_LENGTH
    assert cost(lambda: compile_error(large)) == cost(lambda: compile_error(small)) <= 3
    checked = [cost(lambda t=t: check_expression(t, BENCH_SCHEMA)) for t in (small, large)]
    assert checked[0] == checked[1] <= 2 * MAX_ERRORS + 2


def test_the_caret_line_of_a_long_line_with_wide_characters() -> None:
    text = "x" * 3000 + " @ " + "中" * 2000 + " @"
    errors = check_expression(text, BENCH_SCHEMA)
    assert [e.column for e in errors] == [3002, 5005]
    carets = errors[1].highlight.split("\n")[1]
    assert carets == " " * (3000 + 3 + 4000 + 1) + "^"
    assert errors[0].render().count("\n") == 3
