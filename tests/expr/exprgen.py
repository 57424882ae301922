"""Hypothesis strategies: random well-typed expressions over ``SCHEMA``, and random rows.

Expressions are generated as text (random keyword case, spacing and redundant parentheses)
for a wanted type, covering every construct of the language, with NULLs, zeros, negative
numbers, month ends and the LIKE/GLOB special characters. Integer expressions carry a bound
on their magnitude so that no integer result leaves the range where every engine is exact
(|v| < 2^52); doubles are left free (an engine's overflow error rejects the example).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

INT_LIMIT = 2**52
TEXT_ALPHABET = "aAbB%_\\*?[]中é '"
COLUMNS_BY_TYPE = {
    "integer": ("i1", "i2"),
    "number": ("n1", "n2"),
    "text": ("t1", "t2"),
    "boolean": ("b1",),
    "date": ("d1", "d2"),
}
NICE_FLOATS = [0.0, -0.0, 0.5, -0.5, 1.5, 2.5, -2.5, 1.005, 2.675, 0.1, 0.2, 0.3, 1e-3, 1234.5678]
MONTH_ENDS = [
    datetime.date(2024, 2, 29),
    datetime.date(2023, 2, 28),
    datetime.date(2024, 1, 31),
    datetime.date(2024, 3, 31),
    datetime.date(2000, 2, 29),
    datetime.date(1999, 12, 31),
    datetime.date(2024, 3, 1),
]

floats = st.one_of(
    st.sampled_from(NICE_FLOATS),
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False).filter(
        lambda x: x == 0 or abs(x) >= 1e-6
    ),
)
integers = st.one_of(st.sampled_from([0, 1, -1, 2, 7, -7, 12, 100]), st.integers(-1000, 1000))
texts = st.text(TEXT_ALPHABET, max_size=4)
dates = st.one_of(
    st.sampled_from(MONTH_ENDS), st.dates(datetime.date(1900, 1, 1), datetime.date(2100, 12, 31))
)

# Rules are mostly conditions: booleans come first, as often as the other types together.
TOP_LEVEL_TYPES = ["boolean"] * 4 + ["integer", "number", "number", "text", "date"]

VALUES: dict[str, st.SearchStrategy[Any]] = {
    "integer": integers,
    "number": floats,
    "text": texts,
    "boolean": st.booleans(),
    "date": dates,
}


def _nullable(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy, strategy)


rows = st.fixed_dictionaries(
    {
        column: _nullable(VALUES[type_])
        for type_, columns in COLUMNS_BY_TYPE.items()
        for column in columns
    }
)


@dataclass(frozen=True)
class Gen:
    text: str
    bound: float = 0.0  # magnitude bound of integers; length bound of text
    compound: bool = False


Draw = Callable[[st.SearchStrategy[Any]], Any]


def _kw(draw: Draw, word: str) -> str:
    return str(draw(st.sampled_from([word, word.lower(), word.capitalize()])))


def _sp(draw: Draw) -> str:
    return str(draw(st.sampled_from([" ", " ", " ", "  ", "\n  ", " /* c */ "])))


def _wrap(draw: Draw, gen: Gen) -> str:
    """An operand: compound ones always in parentheses, simple ones sometimes."""
    if gen.compound or draw(st.integers(0, 9)) == 0:
        return f"({gen.text})"
    return gen.text


def text_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _leaf(draw: Draw, type_: str) -> Gen:
    choice = draw(st.integers(0, 9))
    if choice == 0:
        return Gen(_kw(draw, "NULL"), 0.0)
    if choice <= 5:
        column = draw(st.sampled_from(COLUMNS_BY_TYPE[type_]))
        bound = {"integer": 1000.0, "text": 4.0}.get(type_, 0.0)
        return Gen(column.upper() if choice == 5 else column, bound)
    if type_ == "integer":
        value = draw(st.one_of(integers, st.integers(-100_000, 100_000)))
        return Gen(f"({value})" if value < 0 else str(value), float(abs(value)))
    if type_ == "number":
        number = draw(floats)
        return Gen(f"({number!r})" if str(number).startswith("-") else repr(number))
    if type_ == "text":
        value = draw(texts)
        return Gen(text_literal(value), float(len(value)))
    if type_ == "boolean":
        return Gen(_kw(draw, draw(st.sampled_from(["TRUE", "FALSE"]))))
    if choice == 9:
        return Gen(_kw(draw, "AS_OF") + "()")
    return Gen(f"{_kw(draw, 'DATE')} '{draw(dates).isoformat()}'")


def _polymorphic(draw: Draw, type_: str, depth: int, member: str | None = None) -> Gen:
    """CASE, COALESCE, NULLIF, LEAST, GREATEST producing ``type_``."""
    member = member or type_

    def arg() -> Gen:
        return draw(expression(member if draw(st.booleans()) else type_, depth - 1))

    kinds = ["case", "simple_case", "coalesce", "nullif"]
    if type_ != "boolean":
        kinds += ["least", "greatest"]
    kind = draw(st.sampled_from(kinds))
    if kind in ("coalesce", "least", "greatest"):
        args = [arg() for _ in range(draw(st.integers(2, 3)))]
        text = f"{_kw(draw, kind.upper())}({', '.join(a.text for a in args)})"
        return Gen(text, max(a.bound for a in args))
    if kind == "nullif":
        first, second = arg(), arg()
        return Gen(f"{_kw(draw, 'NULLIF')}({first.text}, {second.text})", first.bound)
    arms = [arg() for _ in range(draw(st.integers(1, 3)))]
    default = arg() if draw(st.booleans()) else None
    parts = [_kw(draw, "CASE")]
    if kind == "simple_case":
        key_type = draw(st.sampled_from(["integer", "text", "date", "number"]))
        parts.append(_wrap(draw, draw(expression(key_type, depth - 1))))
        conditions = [draw(expression(key_type, depth - 1)) for _ in arms]
    else:
        conditions = [draw(expression("boolean", depth - 1)) for _ in arms]
    for condition, arm in zip(conditions, arms, strict=True):
        parts += [_kw(draw, "WHEN"), condition.text, _kw(draw, "THEN"), arm.text]
    if default is not None:
        parts += [_kw(draw, "ELSE"), default.text]
    parts.append(_kw(draw, "END"))
    bound = max(a.bound for a in [*arms, *([default] if default else [])])
    return Gen(_sp(draw).join(parts), bound, compound=False)


def _integer(draw: Draw, depth: int) -> Gen:
    kind = draw(st.sampled_from(["arith", "arith", "neg", "abs", "length", "dates", "poly"]))
    if kind == "arith":
        left, right = draw(expression("integer", depth - 1)), draw(expression("integer", depth - 1))
        op = draw(st.sampled_from(["+", "-", "*"]))
        if op == "*" and left.bound * right.bound >= INT_LIMIT:
            op = "+"
        bound = left.bound * right.bound if op == "*" else left.bound + right.bound
        if bound >= INT_LIMIT:
            return left
        return Gen(f"{_wrap(draw, left)} {op} {_wrap(draw, right)}", bound, compound=True)
    if kind == "neg":
        operand = draw(expression("integer", depth - 1))
        return Gen(f"-{_wrap(draw, operand)}", operand.bound, compound=True)
    if kind == "abs":
        operand = draw(expression("integer", depth - 1))
        return Gen(f"{_kw(draw, 'ABS')}({operand.text})", operand.bound)
    if kind == "length":
        operand = draw(expression("text", depth - 1))
        return Gen(f"{_kw(draw, 'LENGTH')}({operand.text})", operand.bound)
    if kind == "dates":
        name, bound = draw(
            st.sampled_from(
                [("DAYS_BETWEEN", 80_000.0), ("MONTHS_BETWEEN", 3000.0), ("YEARS_BETWEEN", 300.0)]
            )
        )
        start, end = draw(expression("date", depth - 1)), draw(expression("date", depth - 1))
        return Gen(f"{_kw(draw, name)}({start.text}, {end.text})", bound)
    return _polymorphic(draw, "integer", depth)


def _number(draw: Draw, depth: int) -> Gen:
    kind = draw(st.sampled_from(["arith", "arith", "div", "neg", "abs", "round", "poly"]))
    if kind in ("arith", "div"):
        left = draw(expression(draw(st.sampled_from(["number", "integer"])), depth - 1))
        right = draw(expression("number" if kind == "arith" else "integer", depth - 1))
        if kind == "arith" and draw(st.booleans()):
            left, right = right, left
        op = "/" if kind == "div" else draw(st.sampled_from(["+", "-", "*", "/"]))
        return Gen(f"{_wrap(draw, left)} {op} {_wrap(draw, right)}", compound=True)
    if kind == "neg":
        operand = draw(expression("number", depth - 1))
        return Gen(f"- {_wrap(draw, operand)}", compound=True)
    if kind == "abs":
        return Gen(f"{_kw(draw, 'ABS')}({draw(expression('number', depth - 1)).text})")
    if kind == "round":
        operand = draw(expression(draw(st.sampled_from(["number", "integer"])), depth - 1))
        digits = draw(st.sampled_from(["", ", 0", ", 1", ", 2", ", 4", ", -1", ", -2"]))
        return Gen(f"{_kw(draw, 'ROUND')}({operand.text}{digits})")
    return _polymorphic(draw, "number", depth, member="integer")


def _text(draw: Draw, depth: int) -> Gen:
    kind = draw(st.sampled_from(["concat", "lower", "upper", "poly"]))
    if kind == "concat":
        left, right = draw(expression("text", depth - 1)), draw(expression("text", depth - 1))
        text = f"{_wrap(draw, left)} || {_wrap(draw, right)}"
        return Gen(text, left.bound + right.bound, compound=True)
    if kind in ("lower", "upper"):
        operand = draw(expression("text", depth - 1))
        return Gen(f"{_kw(draw, kind.upper())}({operand.text})", operand.bound)
    return _polymorphic(draw, "text", depth)


def _boolean(draw: Draw, depth: int) -> Gen:
    kind = draw(
        st.sampled_from(
            ["compare", "compare", "logic", "not", "in", "between", "null", "like", "poly"]
        )
    )
    if kind == "compare":
        family = draw(st.sampled_from(["numeric", "text", "date", "boolean"]))
        ops = ["=", "<>", "!="] if family == "boolean" else ["=", "<>", "!=", "<", "<=", ">", ">="]
        left, right = (draw(_family(family, depth - 1)) for _ in range(2))
        op = draw(st.sampled_from(ops))
        return Gen(f"{_wrap(draw, left)} {op} {_wrap(draw, right)}", compound=True)
    if kind == "logic":
        op = _kw(draw, draw(st.sampled_from(["AND", "OR"])))
        parts = [draw(expression("boolean", depth - 1)) for _ in range(draw(st.integers(2, 3)))]
        return Gen(f" {op} ".join(_wrap(draw, p) for p in parts), compound=True)
    if kind == "not":
        operand = draw(expression("boolean", depth - 1))
        return Gen(f"{_kw(draw, 'NOT')} {_wrap(draw, operand)}", compound=True)
    if kind == "in":
        family = draw(st.sampled_from(["numeric", "text", "date", "boolean"]))
        operand = draw(_family(family, depth - 1))
        items = [draw(_family(family, depth - 1)) for _ in range(draw(st.integers(1, 4)))]
        keyword = _kw(draw, "NOT IN") if draw(st.booleans()) else _kw(draw, "IN")
        listed = ", ".join(i.text for i in items)
        return Gen(f"{_wrap(draw, operand)} {keyword} ({listed})", compound=True)
    if kind == "between":
        family = draw(st.sampled_from(["numeric", "text", "date"]))
        operand, low, high = (draw(_family(family, depth - 1)) for _ in range(3))
        keyword = _kw(draw, "NOT BETWEEN") if draw(st.booleans()) else _kw(draw, "BETWEEN")
        text = f"{_wrap(draw, operand)} {keyword} {_wrap(draw, low)} {_kw(draw, 'AND')} "
        return Gen(text + _wrap(draw, high), compound=True)
    if kind == "null":
        type_ = draw(st.sampled_from(list(COLUMNS_BY_TYPE)))
        operand = draw(expression(type_, depth - 1))
        keyword = _kw(draw, "IS NOT NULL") if draw(st.booleans()) else _kw(draw, "IS NULL")
        return Gen(f"{_wrap(draw, operand)} {keyword}", compound=True)
    if kind == "like":
        operand = draw(expression("text", depth - 1))
        if draw(st.booleans()):
            pattern = Gen(text_literal(draw(st.text(TEXT_ALPHABET, max_size=5))))
        else:
            pattern = draw(expression("text", depth - 1))
        keyword = _kw(draw, "NOT LIKE") if draw(st.booleans()) else _kw(draw, "LIKE")
        return Gen(f"{_wrap(draw, operand)} {keyword} {_wrap(draw, pattern)}", compound=True)
    return _polymorphic(draw, "boolean", depth)


def _date(draw: Draw, depth: int) -> Gen:
    return _polymorphic(draw, "date", depth)


_BUILDERS = {
    "integer": _integer,
    "number": _number,
    "text": _text,
    "boolean": _boolean,
    "date": _date,
}


def _family(family: str, depth: int) -> st.SearchStrategy[Gen]:
    if family == "numeric":
        return st.one_of(expression("integer", depth), expression("number", depth))
    return expression(family, depth)


@st.composite
def expression(draw: Draw, type_: str, depth: int) -> Gen:
    """An expression of ``type_`` at most ``depth`` operators deep."""
    if depth <= 0 or draw(st.integers(0, 3)) == 0:
        return _leaf(draw, type_)
    return _BUILDERS[type_](draw, depth)


@st.composite
def cases(draw: Draw, max_depth: int = 4) -> tuple[str, str, list[dict[str, Any]], datetime.date]:
    """(expression text, its type, rows, as-of date)."""
    type_ = draw(st.sampled_from(TOP_LEVEL_TYPES))
    gen = draw(expression(type_, max_depth))
    if gen.text.strip().upper() == "NULL":
        gen = Gen(draw(st.sampled_from(COLUMNS_BY_TYPE[type_])))
    table = draw(st.lists(rows, min_size=1, max_size=4))
    return gen.text, type_, table, draw(dates)
