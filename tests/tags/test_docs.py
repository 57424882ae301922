"""docs/tags.md documents every base column with its expression-language type."""

from __future__ import annotations

from pathlib import Path

from lendtag.tags.pit import BASE_COLUMNS

DOC = (Path(__file__).parents[2] / "docs" / "tags.md").read_text(encoding="utf-8")


def test_every_base_column_is_documented_with_its_type() -> None:
    documented = {
        line.split("|")[1].strip().strip("`"): line.split("|")[2].strip()
        for line in DOC.splitlines()
        if line.startswith("| `")
    }
    assert {name: documented.get(name) for name in BASE_COLUMNS} == BASE_COLUMNS
