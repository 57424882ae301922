"""The functions of the language: names, argument counts and a one-line description each."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Function:
    name: str
    min_args: int
    max_args: int | None  # None: any number from min_args up
    signature: str
    summary: str


FUNCTIONS: dict[str, Function] = {
    f.name: f
    for f in (
        Function("COALESCE", 2, None, "COALESCE(x, y, ...)", "the first argument that is not NULL"),
        Function("NULLIF", 2, 2, "NULLIF(x, y)", "NULL when x = y, otherwise x"),
        Function("ABS", 1, 1, "ABS(x)", "absolute value"),
        Function(
            "ROUND",
            1,
            2,
            "ROUND(x[, n])",
            "x rounded to n decimal places (n a whole-number literal), halves away from zero",
        ),
        Function("LEAST", 2, None, "LEAST(x, y, ...)", "the smallest argument, ignoring NULLs"),
        Function(
            "GREATEST", 2, None, "GREATEST(x, y, ...)", "the largest argument, ignoring NULLs"
        ),
        Function("LOWER", 1, 1, "LOWER(text)", "text with A-Z turned into a-z"),
        Function("UPPER", 1, 1, "UPPER(text)", "text with a-z turned into A-Z"),
        Function("LENGTH", 1, 1, "LENGTH(text)", "number of characters"),
        Function(
            "DAYS_BETWEEN", 2, 2, "DAYS_BETWEEN(from, to)", "days from the first date to the second"
        ),
        Function(
            "MONTHS_BETWEEN",
            2,
            2,
            "MONTHS_BETWEEN(from, to)",
            "complete months from the first date to the second",
        ),
        Function(
            "YEARS_BETWEEN",
            2,
            2,
            "YEARS_BETWEEN(from, to)",
            "complete years from the first date to the second (an age)",
        ),
        Function("AS_OF", 0, 0, "AS_OF()", "the as-of date of the evaluation"),
    )
}

ROUND_MIN_DIGITS = -15
ROUND_MAX_DIGITS = 15
