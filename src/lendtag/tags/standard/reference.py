"""The standard catalog as Markdown, for docs/catalog.md (a test keeps the two in step).

``python -m lendtag.tags.standard.reference docs/catalog.md`` rewrites the part of the file
between the markers ``<!-- standard-catalog:start -->`` and ``<!-- standard-catalog:end -->``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from lendtag.tags.definitions import Catalog, Dimension, Label, Tag
from lendtag.tags.exchange import canonical
from lendtag.tags.standard import load_standard

START = "<!-- standard-catalog:start -->"
END = "<!-- standard-catalog:end -->"
_TYPES = {"flag": "flag", "number": "number", "category": "category"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _values(tag: Tag) -> str:
    if not tag.categories:
        return ""
    return ", ".join(f"`{c.value}` {_cell(c.name.zh)}" for c in tag.categories)


def _heading(d: Dimension, names: dict[str, Label]) -> str:
    parent = f" (under `{d.parent}` {names[d.parent].en})" if d.parent in names else ""
    return f"#### `{d.code}` {_cell(d.name.zh)} · {_cell(d.name.en)}{parent}"


def markdown(catalog: Catalog | None = None) -> str:
    """Every dimension with its tags (code, zh and en names, kind, type, values), then the
    features and the segments."""
    cat = canonical(catalog or load_standard())
    names = {d.code: d.name for d in cat.dimensions}
    n_tags = len(cat.tags)
    lines = [
        f"{len(cat.dimensions)} dimensions, {len(cat.features)} features, {n_tags} tags and "
        f"{len(cat.segments)} segments. Values of a category tag are listed best first.",
        "",
    ]
    for d in cat.dimensions:
        tags = [t for t in cat.tags if t.dimension == d.code]
        lines.append(_heading(d, names))
        lines.append("")
        if not tags:
            lines += ["(no tags of its own)", ""]
            continue
        lines.append("| tag | 中文 | English | kind | type | values |")
        lines.append("|---|---|---|---|---|---|")
        for t in tags:
            lines.append(
                f"| `{t.code}` | {_cell(t.name.zh)} | {_cell(t.name.en)} | {t.kind} | "
                f"{_TYPES[t.value_type]} | {_values(t)} |"
            )
        lines.append("")
    lines += ["#### Features", "", "| feature | 中文 | English | type |", "|---|---|---|---|"]
    for f in cat.features:
        lines.append(f"| `{f.code}` | {_cell(f.name.zh)} | {_cell(f.name.en)} | {f.type} |")
    lines += ["", "#### Segments", "", "| segment | 中文 | English |", "|---|---|---|"]
    for s in cat.segments:
        lines.append(f"| `{s.code}` | {_cell(s.name.zh)} | {_cell(s.name.en)} |")
    return "\n".join(lines) + "\n"


def replace_block(document: str, block: str) -> str:
    """``document`` with the text between the markers replaced by ``block``."""
    head, _, rest = document.partition(START)
    _, found, tail = rest.partition(END)
    if not found:
        raise ValueError(f"the document has no {START} … {END} block")
    return f"{head}{START}\n{block}{END}{tail}"


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m lendtag.tags.standard.reference docs/catalog.md", file=sys.stderr)
        return 2
    path = Path(argv[0])
    path.write_text(replace_block(path.read_text(encoding="utf-8"), markdown()), "utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
