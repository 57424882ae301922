"""Golden files: each expression with the SQL expected for every dialect, as readable pairs.

A file in tests/expr/golden holds blocks separated by blank lines::

    # what the block shows
    expression: debt_ratio > 0.7
    sqlite:   "debt_ratio" > 0.7
    postgres: "debt_ratio" > CAST(0.7 AS DOUBLE PRECISION)
    ...

After an intended change of the generated SQL, rewrite the files with
``LENDTAG_UPDATE_GOLDEN=1 pytest tests/expr/test_expr_golden.py`` and review the diff.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp

from lendtag.expr import DIALECTS, compile_expression

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("LENDTAG_UPDATE_GOLDEN") == "1"

SCHEMA = {
    "debt_ratio": "number",
    "current_ratio": "number",
    "revenue": "number",
    "total_assets": "number",
    "net_profit": "number",
    "employees": "integer",
    "overdue_days": "integer",
    "loan_count": "integer",
    "industry_section": "text",
    "industry_code": "text",
    "region": "text",
    "rating": "text",
    "name": "text",
    "is_listed": "boolean",
    "has_guarantee": "boolean",
    "founded_on": "date",
    "last_review_on": "date",
    "maturity_date": "date",
    "Registered Capital (万元)": "number",
}


@dataclass
class Block:
    comments: list[str]
    expression: str
    sql: dict[str, str] = field(default_factory=dict)


def read_blocks(path: Path) -> list[Block]:
    blocks: list[Block] = []
    for chunk in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in chunk.strip("\n").split("\n") if line.strip()]
        if not lines:
            continue
        comments = [line for line in lines if line.startswith("#")]
        fields = {
            key.strip(): value.strip()
            for key, _, value in (line.partition(":") for line in lines if not line.startswith("#"))
        }
        block = Block(comments, fields.pop("expression"))
        block.sql = {dialect: fields[dialect] for dialect in DIALECTS if dialect in fields}
        blocks.append(block)
    return blocks


def write_blocks(path: Path, blocks: list[Block]) -> None:
    chunks = []
    for block in blocks:
        lines = [*block.comments, f"expression: {block.expression}"]
        lines += [f"{(d + ':').ljust(10)}{block.sql[d]}" for d in DIALECTS]
        chunks.append("\n".join(lines))
    path.write_text("\n\n".join(chunks) + "\n", encoding="utf-8")


FILES = sorted(GOLDEN.glob("*.txt"))


def test_golden_files_exist() -> None:
    assert len(FILES) >= 5
    assert sum(len(read_blocks(f)) for f in FILES) >= 60


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_generated_sql_matches_the_golden_file(path: Path) -> None:
    blocks = read_blocks(path)
    mismatches = []
    for block in blocks:
        compiled = compile_expression(block.expression, SCHEMA)
        actual = {d: compiled.to_sql(d) for d in DIALECTS}
        if UPDATE:
            block.sql = actual
            continue
        for dialect in DIALECTS:
            if block.sql.get(dialect) != actual[dialect]:
                mismatches.append(
                    f"{block.expression}\n  {dialect} expected: {block.sql.get(dialect)}"
                    f"\n  {dialect} actual:   {actual[dialect]}"
                )
    if UPDATE:
        write_blocks(path, blocks)
    assert not mismatches, "\n".join(mismatches)


def test_every_spark_golden_line_is_valid_spark_sql() -> None:
    """No Spark in CI: sqlglot's Spark reader stands in. Every line must parse as Spark SQL,
    call only functions Spark knows, and read back to the same text."""
    lines = [block.sql["spark"] for path in FILES for block in read_blocks(path)]
    assert len(lines) >= 60
    for sql in lines:
        tree = sqlglot.parse_one(sql, read="spark")
        unknown = [node.name for node in tree.find_all(exp.Anonymous)]
        assert not unknown, (sql, unknown)
        assert tree.sql(dialect="spark") == sql
