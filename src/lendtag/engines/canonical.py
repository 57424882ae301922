"""The stored text of a computed value, the same whichever engine computed it.

Flags are ``true``/``false``, categories their text, numbers decimal text with at most six
decimals, rounded half away from zero, without trailing zeros, integers without ``.0``
(``-0`` is ``0``). Numbers are doubles in the expression language, so the rounding is done
on the double with operations that are exact or IEEE-identical on every engine: the
integer part ``i = trunc(v)``, the fraction ``|v - i|`` (exact), ``m = floor(|v - i| * 10^6
+ 0.5)`` (one IEEE multiplication and addition), a carry when ``m`` reaches ``10^6``, and
integer formatting. SQLite, PostgreSQL, DuckDB and Python therefore write the same text
for the same double, so alternating engines never records a change that is not one.
"""

from __future__ import annotations

import math
from typing import Any

from lendtag.tags.definitions import Tag

_MICRO = 1_000_000

_TRUNC = {
    "sqlite": "CAST({v} AS INTEGER)",
    "postgresql": "CAST(TRUNC({v}) AS BIGINT)",
    "duckdb": "CAST(TRUNC({v}) AS BIGINT)",
}
_HALF_UP = {  # floor(x + 0.5) for x >= 0, as an integer
    "sqlite": "CAST({x} + 0.5 AS INTEGER)",
    "postgresql": "CAST(FLOOR({x} + 0.5) AS BIGINT)",
    "duckdb": "CAST(FLOOR({x} + 0.5) AS BIGINT)",
}
_DOUBLE = {"sqlite": "REAL", "postgresql": "DOUBLE PRECISION", "duckdb": "DOUBLE"}
_TEXT = {"sqlite": "TEXT", "postgresql": "TEXT", "duckdb": "VARCHAR"}


def _dialect(dialect: str) -> str:
    name = {"postgres": "postgresql", "sqlite3": "sqlite"}.get(dialect, dialect)
    if name not in _TRUNC:
        raise ValueError(f"no canonical text for dialect {dialect!r}")
    return name


def number_sql(dialect: str, column: str) -> str:
    """SQL giving the canonical text of the number in ``column`` (NULL stays NULL)."""
    d = _dialect(dialect)
    v = f"CAST({column} AS {_DOUBLE[d]})"
    i = _TRUNC[d].format(v=v)
    m = _HALF_UP[d].format(x=f"ABS({v} - {i}) * 1000000.0")
    carry = f"({m} = {_MICRO})"
    sign = f"CASE WHEN {v} < 0 THEN -1 ELSE 1 END"
    whole = f"(CASE WHEN {carry} THEN {i} + {sign} ELSE {i} END)"
    frac = f"(CASE WHEN {carry} THEN 0 ELSE {m} END)"
    text = _TEXT[d]
    return (
        f"CASE WHEN {column} IS NULL THEN NULL ELSE "
        f"CASE WHEN {v} < 0 AND ({whole} <> 0 OR {frac} > 0) THEN '-' ELSE '' END "
        f"|| CAST(ABS({whole}) AS {text}) || CASE WHEN {frac} > 0 THEN '.' || "
        f"RTRIM(SUBSTR(CAST({_MICRO} + {frac} AS {text}), 2), '0') ELSE '' END END"
    )


def canonical_sql(dialect: str, tag: Tag, column: str) -> str:
    """SQL turning a computed tag column into its stored text (None stays NULL)."""
    d = _dialect(dialect)
    if tag.value_type == "flag":
        return f"CASE WHEN {column} IS NULL THEN NULL WHEN {column} THEN 'true' ELSE 'false' END"
    if tag.value_type == "category":
        return f"CAST({column} AS {_TEXT[d]})"
    return number_sql(d, column)


def canonical_number(value: float) -> str:
    """The Python twin of :func:`number_sql`, operation for operation."""
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f"a tag value must be a finite number, not {v!r}")
    i = math.trunc(v)
    m = math.floor(abs(v - i) * 1000000.0 + 0.5)
    if m == _MICRO:
        i, m = i + (-1 if v < 0 else 1), 0
    sign = "-" if v < 0 and (i != 0 or m > 0) else ""
    frac = "." + str(_MICRO + m)[1:].rstrip("0") if m > 0 else ""
    return f"{sign}{abs(i)}{frac}"


def canonical_value(tag: Tag, value: Any) -> str | None:
    """The Python twin of :func:`canonical_sql`, for previews and explanations."""
    if value is None:
        return None
    if tag.value_type == "flag":
        return "true" if value else "false"
    if tag.value_type == "category":
        return str(value)
    return canonical_number(float(value))
