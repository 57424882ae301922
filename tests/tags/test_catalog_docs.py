"""docs/catalog.md lists the standard catalog exactly as the shipped YAML defines it, and its
example is what an export writes."""

from __future__ import annotations

from pathlib import Path

from lendtag.tags.definitions import Catalog
from lendtag.tags.exchange import dump_catalog, read_catalog
from lendtag.tags.standard import load_standard
from lendtag.tags.standard.reference import END, START, markdown, replace_block

DOC = (Path(__file__).parents[2] / "docs" / "catalog.md").read_text(encoding="utf-8")


def test_the_standard_catalog_table_is_generated_from_the_yaml() -> None:
    block = DOC.split(START, 1)[1].split(END, 1)[0]
    assert block == "\n" + markdown(), (
        "docs/catalog.md is out of step with the standard catalog; run "
        "`python -m lendtag.tags.standard.reference docs/catalog.md`"
    )
    standard = load_standard()
    for tag in standard.tags:
        assert f"| `{tag.code}` | {tag.name.zh} | {tag.name.en} |" in block
    assert replace_block(DOC, markdown()) == DOC


def test_the_example_is_a_valid_export_excerpt() -> None:
    example = DOC.split("```yaml\n", 1)[1].split("```", 1)[0]
    parsed = read_catalog(example, "catalog.md", base=load_standard()).catalog
    standard = load_standard()
    wanted = Catalog(
        dimensions=[
            d for d in standard.dimensions if d.code in {x.code for x in parsed.dimensions}
        ],
        features=[f for f in standard.features if f.code in {x.code for x in parsed.features}],
        tags=[t for t in standard.tags if t.code in {x.code for x in parsed.tags}],
        segments=[s for s in standard.segments if s.code in {x.code for x in parsed.segments}],
    )
    assert dump_catalog(wanted) == example
