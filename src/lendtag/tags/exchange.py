"""The catalog exchange format: one ``lendtag-catalog/1`` YAML document in, the same out.

Reading reports every problem at once, each with its file and line (``catalog.yaml:57:
tag leverage_band: expression: unknown name 'debt_ration' (did you mean 'debt_ratio'?)``),
as a :class:`CatalogError` whose ``details["errors"]`` lists ``{file, line, kind, code,
field, message, column}``. Writing is deterministic: a canonical order of definitions,
the model's order of fields, so an export imported elsewhere exports to the same bytes.
The JSON Schema of the format (``docs/catalog.schema.json``) is generated from the models.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import yaml
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError
from yaml.nodes import MappingNode, Node, SequenceNode

from lendtag.tags.checks import Fingerprints, check_catalog
from lendtag.tags.definitions import Catalog, Dimension, Feature, Segment, Tag
from lendtag.tags.errors import CatalogError
from lendtag.tags.yaml_source import Located, Problem, child, compose, duplicate_keys, line_at

FORMAT = "lendtag-catalog/1"
SECTIONS: tuple[tuple[str, str, type[BaseModel]], ...] = (
    ("dimensions", "dimension", Dimension),
    ("features", "feature", Feature),
    ("tags", "tag", Tag),
    ("segments", "segment", Segment),
)
KEYS = ("format", *(s for s, _, _ in SECTIONS))
HEADER = f"# {FORMAT}: a lendtag tag catalog (format: docs/catalog.md)\n"


@dataclass(frozen=True)
class CatalogFile:
    """A catalog read from a file: the definitions, where each one is, their fingerprints."""

    catalog: Catalog
    located: Located
    fingerprints: Fingerprints


def read_catalog(text: str, file: str = "<catalog>", *, base: Catalog | None = None) -> CatalogFile:
    """Parse and check a catalog document; raise :class:`CatalogError` with every problem.

    With ``base`` (e.g. the published catalog of a store) the document is checked as it
    would be once merged over it: its definitions may use the base's names.
    """
    located = Located(file, text.split("\n"))
    node, data, problem = compose(text, file)
    if problem is not None:
        raise_problems([problem], file)
    catalog, broken, problems = _structure(node, data, located)
    more, fingerprints = check_catalog(catalog, located, base=base, broken=broken)
    problems += more
    if problems:
        raise_problems(sorted(problems, key=lambda p: (p.line is None, p.line or 0)), file)
    return CatalogFile(catalog, located, fingerprints)


def load_catalog_file(
    path: Path, *, base: Catalog | None = None, name: str | None = None
) -> CatalogFile:
    """:func:`read_catalog` of a UTF-8 file (``name`` is how problems refer to it)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CatalogError(f"{path}: no such file", details={"file": str(path)}) from None
    except UnicodeDecodeError as exc:
        raise CatalogError(
            f"{path}: not UTF-8 text (byte {exc.start}); save the catalog as UTF-8",
            details={"file": str(path)},
        ) from None
    return read_catalog(text, name or str(path), base=base)


def raise_problems(problems: Sequence[Problem], file: str) -> NoReturn:
    lines = [p.render() for p in problems]
    head = (
        lines[0]
        if len(lines) == 1
        else f"{len(lines)} problems in {file}:\n" + "\n".join("  " + line for line in lines)
    )
    raise CatalogError(head, details={"file": file, "errors": [p.as_dict() for p in problems]})


def _structure(
    node: Node | None, data: Any, located: Located
) -> tuple[Catalog, set[str], list[Problem]]:
    """Validate the document's shape and every item; keep the valid items."""
    file = located.file
    problems: list[Problem] = []
    broken: set[str] = set()
    models: dict[str, list[BaseModel]] = {section: [] for section, _, _ in SECTIONS}
    expected = "a mapping with the keys " + ", ".join(KEYS)
    if node is None:
        problems.append(
            Problem(file, 1, "document", None, None, f"empty document: expected {expected}")
        )
        return Catalog(), broken, problems
    if not isinstance(node, MappingNode) or not isinstance(data, dict):
        problems.append(
            Problem(file, line_at(node, []), "document", None, None, f"expected {expected}")
        )
        return Catalog(), broken, problems
    for key, first, again in duplicate_keys(node):
        problems.append(
            Problem(
                file,
                again,
                "document",
                None,
                key,
                f"key {key!r} is written twice in one mapping (first at line {first}); "
                "YAML would keep only the last",
            )
        )
    for key in data:
        if key not in KEYS:
            close = difflib.get_close_matches(str(key), KEYS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f" (expected {', '.join(KEYS)})"
            problems.append(
                Problem(
                    file,
                    line_at(node, [str(key)]),
                    "document",
                    None,
                    str(key),
                    f"unknown key{hint}",
                )
            )
    if "format" in data and data["format"] != FORMAT:
        problems.append(
            Problem(
                file,
                line_at(node, ["format"]),
                "document",
                None,
                "format",
                f"{data['format']!r} is not a format this version reads; expected {FORMAT!r}",
            )
        )
    for section, kind, model in SECTIONS:
        items = data.get(section)
        seq, line = child(node, section)
        if items is None or seq is None:
            continue
        if not isinstance(items, list) or not isinstance(seq, SequenceNode):
            problems.append(
                Problem(file, line, "document", None, section, f"expected a list of {section}")
            )
            continue
        for i, (item_node, item) in enumerate(zip(seq.value, items, strict=True)):
            parsed = _item(kind, model, i, item_node, item, located, problems, broken)
            if parsed is not None:
                models[section].append(parsed)
    catalog = Catalog.model_construct(  # the items are validated one by one above
        dimensions=models["dimensions"],
        features=models["features"],
        tags=models["tags"],
        segments=models["segments"],
    )
    return catalog, broken, problems


def _item(
    kind: str,
    model: type[BaseModel],
    index: int,
    node: Node,
    item: Any,
    located: Located,
    problems: list[Problem],
    broken: set[str],
) -> BaseModel | None:
    file = located.file
    if not isinstance(item, dict):
        problems.append(
            Problem(
                file,
                line_at(node, []),
                kind,
                None,
                None,
                f"item {index + 1} is not a mapping of fields (got {type(item).__name__})",
            )
        )
        return None
    code = item.get("code") if isinstance(item.get("code"), str) else None
    if code is not None:
        located.add(kind, code, node)
    try:
        return model.model_validate(item)
    except PydanticValidationError as exc:
        if code is not None:
            broken.add(code)
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            problems.append(
                Problem(
                    file,
                    line_at(node, loc),
                    kind,
                    code,
                    ".".join(str(p) for p in loc) or None,
                    _pydantic_message(model, err),
                )
            )
        return None


def _pydantic_message(model: type[BaseModel], err: Any) -> str:
    kind = err["type"]
    loc = err["loc"]
    if kind == "extra_forbidden":
        fields = ", ".join(model.model_fields) if len(loc) == 1 else None
        return "unknown field" + (f" (expected one of: {fields})" if fields else "")
    if kind == "missing":
        return "required field is missing"
    if kind == "string_pattern_mismatch" and loc and loc[-1] in ("code", "parent", "dimension"):
        return (
            "expected a code: a lower-case letter, then 1 to 62 lower-case letters, digits "
            f"or _ (got {err.get('input')!r})"
        )
    message = str(err["msg"]).removeprefix("Value error, ")
    value = err.get("input")
    if loc and isinstance(value, str | int | float | bool) and not isinstance(value, dict):
        message += f" (got {value!r})"
    return message


# -- writing ---------------------------------------------------------------------------


def canonical(catalog: Catalog) -> Catalog:
    """Definitions in a stable order: the dimension tree depth first, siblings by code;
    features by code; tags by their dimension's place in the tree, then code; segments by
    code."""
    children: dict[str | None, list[Dimension]] = {}
    codes = {d.code for d in catalog.dimensions}
    for d in catalog.dimensions:
        parent = d.parent if d.parent in codes else None
        children.setdefault(parent, []).append(d)
    ordered: list[Dimension] = []
    pending = sorted(children.get(None, []), key=lambda d: d.code, reverse=True)
    while pending:
        d = pending.pop()
        if d in ordered:
            continue
        ordered.append(d)
        pending += sorted(children.get(d.code, []), key=lambda c: c.code, reverse=True)
    ordered += sorted((d for d in catalog.dimensions if d not in ordered), key=lambda d: d.code)
    rank = {d.code: i for i, d in enumerate(ordered)}
    return Catalog(
        dimensions=ordered,
        features=sorted(catalog.features, key=lambda f: f.code),
        tags=sorted(catalog.tags, key=lambda t: (rank.get(t.dimension, len(rank)), t.code)),
        segments=sorted(catalog.segments, key=lambda s: s.code),
    )


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


class _Flow(dict[str, Any]):
    """A mapping written on one line (``{zh: 资产负债率, en: Debt ratio}``)."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_flow(dumper: yaml.SafeDumper, value: _Flow) -> yaml.MappingNode:
    return dumper.represent_mapping("tag:yaml.org,2002:map", value.items(), flow_style=True)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(_Flow, _represent_flow)


def _labels_inline(value: Any) -> Any:
    if isinstance(value, dict):
        inner = {k: _labels_inline(v) for k, v in value.items()}
        return _Flow(inner) if set(inner) == {"zh", "en"} else inner
    if isinstance(value, list):
        return [_labels_inline(v) for v in value]
    return value


def dump_catalog(catalog: Catalog) -> str:
    """The catalog as a ``lendtag-catalog/1`` YAML document, in canonical order."""
    data = _labels_inline(canonical(catalog).model_dump(mode="json", exclude_none=True))
    text = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=4096,
    )
    # a blank line before each section and each top-level item; structural lines are the
    # only ones that start in column 0 (scalar continuation lines are always indented)
    out: list[str] = []
    for line in text.splitlines():
        top = line.startswith("- ") or line[:1].isalpha()
        if top and out and out[-1] != "" and not out[-1].endswith(":"):
            out.append("")
        out.append(line)
    return HEADER + "\n".join(out) + "\n"


def catalog_json_schema() -> dict[str, Any]:
    """The JSON Schema of the exchange format, from the pydantic models."""
    schema = Catalog.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"lendtag catalog ({FORMAT})",
        **{k: v for k, v in schema.items() if k != "title"},
    }


def render_json_schema() -> str:
    return json.dumps(catalog_json_schema(), indent=2, ensure_ascii=False) + "\n"
