"""docs/import.md documents every column of every kind."""

from __future__ import annotations

from pathlib import Path

from lendtag.ingest.specs import KINDS

DOC = (Path(__file__).parents[2] / "docs" / "import.md").read_text(encoding="utf-8")


def test_every_kind_and_column_is_documented() -> None:
    for kind in KINDS.values():
        section = DOC.split(f"### {kind.name}\n", 1)[1].split("### ", 1)[0]
        assert "Header: `" + ",".join(kind.header) + "`" in section
        for column in kind.columns:
            assert f"| `{column.name}` |" in section, (kind.name, column.name)
