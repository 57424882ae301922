"""The exchange format: every problem with its file and line, deterministic writing, schema."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from lendtag.tags.definitions import Catalog
from lendtag.tags.errors import CatalogError
from lendtag.tags.exchange import (
    canonical,
    catalog_json_schema,
    dump_catalog,
    load_catalog_file,
    read_catalog,
    render_json_schema,
)
from lendtag.tags.standard import load_standard

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_FILE = ROOT / "docs" / "catalog.schema.json"

HEAD = """\
format: lendtag-catalog/1
dimensions:
  - code: risk
    name: {zh: 风险, en: Risk}
"""


def tag_yaml(code: str, expression: str, *, value_type: str = "flag", extra: str = "") -> str:
    body = textwrap.indent(expression.rstrip("\n"), "      ")
    return (
        f"  - code: {code}\n"
        f"    name: {{zh: {code}, en: {code}}}\n"
        f"    description: {{zh: 说明, en: about}}\n"
        f"    dimension: risk\n"
        f"    kind: rule\n"
        f"    value_type: {value_type}\n"
        f"{extra}"
        f"    expression: |\n{body}\n"
        f"    owner: risk-team\n"
        f"    purpose: [credit_risk_assessment]\n"
    )


def manual_yaml(code: str) -> str:
    return (
        f"  - code: {code}\n"
        f"    name: {{zh: {code}, en: {code}}}\n"
        f"    description: {{zh: 人工, en: manual}}\n"
        f"    dimension: risk\n"
        f"    kind: manual\n"
        f"    value_type: flag\n"
        f"    owner: risk-team\n"
        f"    purpose: [marketing]\n"
    )


def problems(text: str, file: str = "c.yaml", **kw: Any) -> list[dict[str, Any]]:
    with pytest.raises(CatalogError) as info:
        read_catalog(text, file, **kw)
    errors: list[dict[str, Any]] = info.value.details["errors"]
    assert {tuple(sorted(e)) for e in errors} == {
        ("code", "column", "field", "file", "kind", "line", "message")
    }
    return errors


def where(errors: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(e["line"], e["kind"], e["code"], e["field"]) for e in errors]


def line_of(text: str, fragment: str) -> int:
    """1-based line of the first line of ``text`` containing ``fragment``."""
    return next(i for i, line in enumerate(text.split("\n"), 1) if fragment in line)


# -- errors with file and line -----------------------------------------------------------


def test_an_unknown_name_is_reported_at_its_own_line_with_a_suggestion() -> None:
    text = (
        HEAD
        + "features:\n"
        + "  - code: debt_ratio\n"
        + "    name: {zh: 资产负债率, en: Debt ratio}\n"
        + "    type: number\n"
        + "    expression: st_total_liabilities / NULLIF(st_total_assets, 0)\n"
        + "tags:\n"
        + tag_yaml(
            "leverage_band",
            "CASE\n  WHEN debt_ratio > 0.7 THEN 'high'\n"
            "  WHEN debt_ration IS NOT NULL THEN 'low'\nEND",
            value_type="category",
            extra="    categories:\n"
            "      - {value: low, name: {zh: 低, en: Low}}\n"
            "      - {value: high, name: {zh: 高, en: High}}\n",
        )
    )
    [error] = problems(text, "catalog.yaml")
    line = line_of(text, "WHEN debt_ration")
    assert where([error]) == [(line, "tag", "leverage_band", "expression")]
    assert error["column"] == text.split("\n")[line - 1].index("debt_ration") + 1
    assert error["message"].startswith(
        "unknown name 'debt_ration' (did you mean 'debt_ratio'"
    ) and error["message"].endswith("(expression line 3, column 8)")
    with pytest.raises(CatalogError) as info:
        read_catalog(text, "catalog.yaml")
    assert info.value.message.startswith(
        f"catalog.yaml:{line}: tag leverage_band: expression: unknown name 'debt_ration'"
    )


def test_every_problem_is_reported_at_once_in_file_order() -> None:
    text = (
        HEAD
        + "  - code: risk\n"
        + "    name: {zh: 风险, en: Risk again}\n"
        + "  - code: sub\n"
        + "    name: {zh: 子, en: Sub}\n"
        + "    parent: rsik\n"
        + "features:\n"
        + "  - code: revenue\n"
        + "    name: {zh: 收入, en: Revenue}\n"
        + "    type: number\n"
        + "    expression: st_revenue\n"
        + "  - code: Bad\n"
        + "    name: {zh: 坏, en: Bad}\n"
        + "    type: numbr\n"
        + "    expression: '1'\n"
        + "tags:\n"
        + tag_yaml("t1", "t2 AND st_revenue > 1").replace("dimension: risk", "dimension: finance")
        + tag_yaml("t2", "t3 OR watch")
        + tag_yaml("t3", "t1")
        + tag_yaml("t4", "bad > 1")
        + manual_yaml("watch")
        + manual_yaml("junk").replace("[marketing]", "[marketing, selling]")
        + "    colour: red\n"
        + "segments:\n"
        + "  - code: s1\n"
        + "    name: {zh: 段, en: Segment}\n"
        + '    expression: "t1 = 1"\n'
        + "    owner: risk-team\n"
        + "    purpose: [marketing]\n"
    )
    errors = problems(text)
    assert where(errors) == [
        (5, "dimension", "risk", "code"),
        (9, "dimension", "sub", "parent"),
        (11, "feature", "revenue", "code"),
        (15, "feature", "Bad", "code"),
        (17, "feature", "Bad", "type"),
        (line_of(text, "dimension: finance"), "tag", "t1", "dimension"),
        (line_of(text, "t2 AND st_revenue") - 1, "tag", "t1", "expression"),  # the cycle
        (line_of(text, "t3 OR watch") - 1, "tag", "t2", "expression"),  # the manual tag
        (line_of(text, "purpose: [marketing, selling]"), "tag", "junk", "purpose.1"),
        (line_of(text, "colour: red"), "tag", "junk", "colour"),
        (line_of(text, '"t1 = 1"'), "segment", "s1", "expression"),
    ]
    messages = [e["message"] for e in errors]
    assert messages[0] == "dimension 'risk' is defined twice (first at line 3)"
    assert messages[1] == "unknown dimension 'rsik' (did you mean 'risk'?)"
    assert messages[2] == "'revenue' is the name of a base column"
    assert messages[3].startswith("expected a code: a lower-case letter") and "'Bad'" in messages[3]
    assert "(got 'numbr')" in messages[4]
    assert messages[5] == "unknown dimension 'finance' (known dimensions: risk, sub)"
    assert messages[6] == "definitions depend on each other in a cycle: t1 → t2 → t3 → t1"
    assert messages[7].startswith("manual tag(s) watch cannot be used")
    assert "(got 'selling')" in messages[8]
    assert messages[9].startswith("unknown field (expected one of: code, name,")
    assert messages[10].startswith("cannot compare")
    # t4 reads 'bad', the feature that failed to parse: not reported again as unknown
    assert not any(e["code"] == "t4" for e in errors)


def test_a_category_the_tag_does_not_declare_is_found_before_any_run() -> None:
    text = (
        HEAD
        + "tags:\n"
        + tag_yaml(
            "band",
            "CASE WHEN bu_inquiries_6m > 5 THEN 'hihg'\n     ELSE 'low' END",
            value_type="category",
            extra="    categories:\n"
            "      - {value: low, name: {zh: 低, en: Low}}\n"
            "      - {value: high, name: {zh: 高, en: High}}\n",
        )
    )
    [error] = problems(text)
    assert error["line"] == line_of(text, "'hihg'")
    assert error["message"].startswith(
        "'hihg' is not one of the tag's categories (low, high) (did you mean 'high'?)"
    )


def test_a_definition_cannot_refer_to_itself() -> None:
    [error] = problems(HEAD + "tags:\n" + tag_yaml("loop", "loop OR TRUE"))
    assert error["message"].startswith("a definition cannot refer to itself")


def test_dimensions_that_are_their_own_ancestors() -> None:
    text = (
        "dimensions:\n"
        "  - {code: aa, name: {zh: 甲, en: A}, parent: bb}\n"
        "  - {code: bb, name: {zh: 乙, en: B}, parent: cc}\n"
        "  - {code: cc, name: {zh: 丙, en: C}, parent: aa}\n"
    )
    [error] = problems(text)
    assert where([error]) == [(2, "dimension", "aa", "parent")]
    assert error["message"] == "dimensions are their own ancestors: aa → bb → cc → aa"


def test_expression_position_in_a_single_line_quoted_scalar() -> None:
    text = (
        HEAD
        + "tags:\n"
        + tag_yaml("xx", "TRUE").replace(
            "    expression: |\n      TRUE\n", "    expression: 'bu_lender_count > nope'\n"
        )
    )
    [error] = problems(text)
    line = line_of(text, "nope")
    assert (error["line"], error["column"]) == (line, text.split("\n")[line - 1].index("nope") + 1)


@pytest.mark.parametrize(
    ("text", "line", "field", "start"),
    [
        ("format: lendtag-catalog/1\ntags: [\n", 3, None, "not valid YAML: "),
        ("", 1, None, "empty document: expected a mapping with the keys format,"),
        ("- a\n", 1, None, "expected a mapping with the keys"),
        ("format: lendtag-catalog/2\n", 1, "format", "'lendtag-catalog/2' is not a format"),
        ("format: lendtag-catalog/1\nfeaturs: []\n", 2, "featurs", "unknown key (did you mean"),
        ("tags: {a: 1}\n", 1, "tags", "expected a list of tags"),
        (HEAD + "    name: {zh: 又, en: again}\n", 5, "name", "key 'name' is written twice"),
    ],
)
def test_document_problems(text: str, line: int, field: str | None, start: str) -> None:
    [error] = problems(text)
    assert (error["line"], error["kind"], error["field"]) == (line, "document", field)
    assert error["message"].startswith(start)


def test_an_item_that_is_not_a_mapping() -> None:
    [error] = problems("dimensions:\n  - just text\n")
    assert where([error]) == [(2, "dimension", None, None)]
    assert error["message"] == "item 1 is not a mapping of fields (got str)"


def test_a_file_may_use_the_names_of_the_catalog_it_extends(tmp_path: Path) -> None:
    path = tmp_path / "ext.yaml"
    path.write_text(
        "tags:\n"
        + tag_yaml("very_leveraged", "debt_ratio > 0.9 AND restricted_industry").replace(
            "dimension: risk", "dimension: financial_leverage"
        ),
        encoding="utf-8",
    )
    parsed = load_catalog_file(path, base=load_standard())
    assert [t.code for t in parsed.catalog.tags] == ["very_leveraged"]
    assert ("tag", "very_leveraged") in parsed.fingerprints
    with pytest.raises(CatalogError) as info:
        load_catalog_file(path)
    messages = [e["message"] for e in info.value.details["errors"]]
    assert messages[0].startswith("unknown dimension 'financial_leverage'")
    assert any(m.startswith("unknown name 'debt_ratio'") for m in messages)


def test_a_missing_file_and_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="no such file"):
        load_catalog_file(tmp_path / "none.yaml")
    (tmp_path / "gbk.yaml").write_bytes("format: 风险".encode("gb18030"))
    with pytest.raises(CatalogError, match="not UTF-8"):
        load_catalog_file(tmp_path / "gbk.yaml")


# -- writing -----------------------------------------------------------------------------


def test_dump_read_dump_is_byte_identical_and_keeps_every_definition() -> None:
    standard = load_standard()
    text = dump_catalog(standard)
    again = read_catalog(text, "export.yaml").catalog
    assert dump_catalog(again) == text
    assert again == canonical(standard)
    assert {t.code for t in again.tags} == {t.code for t in standard.tags}


def test_writing_does_not_depend_on_the_order_definitions_come_in() -> None:
    standard = load_standard()
    shuffled = Catalog(
        dimensions=list(reversed(standard.dimensions)),
        features=list(reversed(standard.features)),
        tags=standard.tags[1::2] + standard.tags[::2],
        segments=list(reversed(standard.segments)),
    )
    assert dump_catalog(shuffled) == dump_catalog(standard)


def test_canonical_order_is_the_dimension_tree_then_codes() -> None:
    ordered = canonical(load_standard())
    dims = [d.code for d in ordered.dimensions]
    for d in ordered.dimensions:
        if d.parent is not None:
            assert dims.index(d.parent) < dims.index(d.code)
    rank = {code: i for i, code in enumerate(dims)}
    keys = [(rank[t.dimension], t.code) for t in ordered.tags]
    assert keys == sorted(keys)
    assert [f.code for f in ordered.features] == sorted(f.code for f in ordered.features)


def test_awkward_strings_survive_the_round_trip() -> None:
    odd = [
        "CASE\n  WHEN x > 1 THEN 'a'  \nEND",  # a trailing space: not a literal block
        "yes",
        "# not a comment",
        "a: b",
        "'quoted'",
        "1_000",
        "trailing newline\n",
        "  leading spaces",
    ]
    cat = Catalog.model_validate(
        {
            "dimensions": [
                {"code": f"d{i}", "name": {"zh": text, "en": text}} for i, text in enumerate(odd)
            ]
        }
    )
    back = read_catalog(dump_catalog(cat), "odd.yaml").catalog
    assert [d.name.zh for d in back.dimensions] == [d.name.zh for d in canonical(cat).dimensions]


def test_multi_line_expressions_are_written_as_literal_blocks() -> None:
    text = dump_catalog(load_standard())
    assert "  expression: |-\n    CASE\n" in text or "  expression: |\n    CASE\n" in text
    assert "  name: {zh: 资产负债率, en: Debt ratio}\n" in text
    assert text.startswith("# lendtag-catalog/1") and "\nformat: lendtag-catalog/1\n" in text


# -- the published JSON Schema -------------------------------------------------------------


def test_the_checked_in_json_schema_is_the_generated_one() -> None:
    expected = render_json_schema()
    actual = SCHEMA_FILE.read_text(encoding="utf-8") if SCHEMA_FILE.exists() else ""
    assert actual == expected, (
        "docs/catalog.schema.json is out of date; regenerate it with\n"
        "    .venv/bin/lendtag catalog schema > docs/catalog.schema.json"
    )


def test_the_schema_describes_every_section_and_forbids_unknown_fields() -> None:
    schema = catalog_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert set(schema["properties"]) == {"format", "dimensions", "features", "tags", "segments"}
    assert schema["properties"]["format"]["const"] == "lendtag-catalog/1"
    for name in ("Dimension", "Feature", "Tag", "Segment", "Category", "Label"):
        assert schema["$defs"][name]["additionalProperties"] is False
    assert json.loads(render_json_schema()) == schema
