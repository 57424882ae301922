"""`lendtag catalog …`: the standard catalog and the YAML exchange format."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from lendtag.cli.common import (
    DatabaseUrl,
    Debug,
    JsonFlag,
    core,
    emit_json,
    err_console,
    handle_errors,
    out_console,
)
from lendtag.core.catalog_ops import CatalogOperations
from lendtag.errors import InputError
from lendtag.tags.bulk import EXPORT_STATUSES

app = typer.Typer(
    help="The tag catalog as a whole: the standard catalog, YAML export and import.",
    no_args_is_help=True,
)
By = Annotated[str, typer.Option("--by", help="Who does it (recorded as author or reviewer).")]


def _summary(kinds: dict[str, int]) -> str:
    plural = {k: k if k.endswith("s") else f"{k}s" for k in kinds}
    return ", ".join(f"{n} {plural[kind]}" for kind, n in kinds.items()) or "nothing"


def _listing(title: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    table = Table("kind", "code", "version", *(["author"] if "author" in rows[0] else []))
    for r in rows:
        table.add_row(
            r["kind"], r["code"], str(r["version"]), *([r["author"]] if "author" in r else [])
        )
    table.title = title
    out_console.print(table)


@app.command("load-standard")
@handle_errors
def load_standard(
    by: Annotated[
        str,
        typer.Option("--by", help="Who loads it (the author; the reviewer is lendtag-standard)."),
    ] = "lendtag",
    database_url: DatabaseUrl = None,
    as_json: JsonFlag = False,
    debug: Debug = False,
) -> None:
    """Load and publish the standard catalog; loading again changes nothing."""
    with core(database_url) as lt:
        doc = lt.catalog_load_standard(by)
    if as_json:
        emit_json(doc)
        return
    out_console.print(
        f"standard catalog: published {_summary(doc['published'])}; "
        f"{doc['unchanged']} unchanged; {len(doc['kept'])} kept as the institution changed them",
        highlight=False,
        soft_wrap=True,
    )
    for k in doc["kept"]:
        err_console.print(f"kept {k['kind']} {k['code']} v{k['version']} ({k['reason']})")


@app.command("export")
@handle_errors
def export(
    file: Annotated[str, typer.Argument(help="File to write, or - for stdout.")] = "-",
    status: Annotated[
        str,
        typer.Option(help=f"Which versions: {', '.join(EXPORT_STATUSES)}."),
    ] = "published",
    database_url: DatabaseUrl = None,
    as_json: JsonFlag = False,
    debug: Debug = False,
) -> None:
    """Write the catalog as one lendtag-catalog/1 YAML document (stable, deterministic)."""
    with core(database_url) as lt:
        text, summary = lt.catalog_export(status)
    if file == "-":
        if as_json:
            emit_json({**summary, "file": None, "yaml": text})
        else:
            sys.stdout.write(text)
            sys.stdout.flush()
        return
    try:
        Path(file).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{file}: cannot write: {exc.strerror}") from None
    doc = {**summary, "file": file}
    if as_json:
        emit_json(doc)
    else:
        err_console.print(
            f"wrote {file}: {_summary(summary['counts'])}", highlight=False, soft_wrap=True
        )


@app.command("import")
@handle_errors
def import_(
    file: Path,
    by: By,
    submit: Annotated[
        bool, typer.Option("--submit", help="Submit every changed definition for review.")
    ] = False,
    database_url: DatabaseUrl = None,
    as_json: JsonFlag = False,
    debug: Debug = False,
) -> None:
    """Store every changed definition of a YAML file as a draft (or submit it for review).

    The whole file is checked first; every problem is reported with its line.
    """
    with core(database_url) as lt:
        doc = lt.catalog_import(file, by, submit=submit)
    if as_json:
        emit_json(doc)
        return
    _listing("drafted", doc["drafted"])
    _listing("submitted for review", doc["submitted"])
    err_console.print(
        f"{len(doc['drafted'])} drafted, {len(doc['submitted'])} submitted, "
        f"{doc['unchanged']} unchanged",
        highlight=False,
        soft_wrap=True,
    )


@app.command("publish")
@handle_errors
def publish(
    by: By,
    database_url: DatabaseUrl = None,
    as_json: JsonFlag = False,
    debug: Debug = False,
) -> None:
    """Publish every definition in review that someone other than --by wrote."""
    with core(database_url) as lt:
        doc = lt.catalog_publish(by)
    if as_json:
        emit_json(doc)
        return
    _listing(f"published by {by}", doc["published"])
    _listing("left in review (you wrote them)", doc["left_in_review"])
    err_console.print(
        f"{len(doc['published'])} published, {len(doc['left_in_review'])} left in review",
        highlight=False,
        soft_wrap=True,
    )


@app.command("validate")
@handle_errors
def validate(
    file: Path,
    with_standard: Annotated[
        bool,
        typer.Option("--with-standard", help="Check it as an extension of the standard catalog."),
    ] = False,
    as_json: JsonFlag = False,
    debug: Debug = False,
) -> None:
    """Check a catalog file (no store needed): every problem, with its line."""
    doc = CatalogOperations.catalog_validate(file, with_standard=with_standard)
    if as_json:
        emit_json(doc)
    else:
        out_console.print(
            f"{file}: valid ({_summary(doc['counts'])})", highlight=False, soft_wrap=True
        )


@app.command("schema")
@handle_errors
def schema(as_json: JsonFlag = False, debug: Debug = False) -> None:
    """Print the JSON Schema of the exchange format (it is JSON with or without --json)."""
    sys.stdout.write(
        json.dumps(CatalogOperations.catalog_schema(), indent=2, ensure_ascii=False) + "\n"
    )
    sys.stdout.flush()
