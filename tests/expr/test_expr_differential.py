"""Differential test: random well-typed expressions over random rows agree on every engine.

Each example is an expression (from ``exprgen``) and up to four rows with NULLs, zeros and
negative numbers; the Python back end, SQLite, DuckDB and PostgreSQL must give the same
value on every row. The run is derandomized, so CI sees the same examples every time;
LENDTAG_EXPR_EXAMPLES raises the count for a longer local search.
"""

from __future__ import annotations

import math
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, reject, settings

from lendtag.expr import compile_expression
from tests.expr.engines import SCHEMA, Engine, OutOfDomainError, PythonEngine, same
from tests.expr.exprgen import cases

EXAMPLES = int(os.environ.get("LENDTAG_EXPR_EXAMPLES", "2500"))

differential = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _out_of_domain(values: list[Any]) -> bool:
    return any(isinstance(v, float) and math.isinf(v) for v in values)


@pytest.mark.postgres
@pytest.mark.slow
@differential
@given(case=cases())
def test_every_engine_agrees_with_python(
    case: tuple[str, str, list[dict[str, Any]], Any],
    python_engine: PythonEngine,
    sql_engines: list[Engine],
) -> None:
    text, wanted, rows, as_of = case
    compiled = compile_expression(text, SCHEMA, expect=wanted)
    assert compiled.type in (wanted, "integer")
    expected = python_engine.run(compiled, rows, as_of)
    if _out_of_domain(expected):
        reject()
    for engine in sql_engines:
        try:
            got = engine.run(compiled, rows, as_of)
        except OutOfDomainError:
            reject()
        for index, (want, have) in enumerate(zip(expected, got, strict=True)):
            assert same(want, have), (
                f"{engine.name} disagrees with Python on row {index}: {have!r} != {want!r}\n"
                f"expression: {text}\nrow: {rows[index]}\nas of: {as_of}\n"
                f"sql: {compiled.to_sql(engine.name)}"
            )
    again = compile_expression(compiled.normalized, SCHEMA, expect=wanted)
    assert again.fingerprint == compiled.fingerprint, compiled.normalized
