"""`lendtag init`, `import`, `batches`, `quarantine …` and `customers …`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from lendtag.cli.common import (
    DatabaseUrl,
    Debug,
    JsonFlag,
    RichReporter,
    core,
    emit_json,
    err_console,
    handle_errors,
    out_console,
    parse_day,
)
from lendtag.errors import InputError
from lendtag.ingest.specs import CHANNELS, KINDS

quarantine_app = typer.Typer(
    help="Rows that failed validation: list them, release corrected ones.", no_args_is_help=True
)
customers_app = typer.Typer(help="Enterprise customers.", no_args_is_help=True)
batches_app = typer.Typer(help="Import batches.", no_args_is_help=True)


@handle_errors
def init(database_url: DatabaseUrl = None, as_json: JsonFlag = False, debug: Debug = False) -> None:
    """Create the database schema, or migrate it to this version. Safe to run again."""
    with core(database_url) as lt:
        result = lt.init()
    if as_json:
        emit_json(result)
    else:
        state = "migrated" if result["changed"] else "already up to date"
        err_console.print(f"{result['database']}: schema {result['revision']} ({state})")


@handle_errors
def import_(
    kind: Annotated[
        str, typer.Argument(help="customers|persons|statements|bureau|loans|schedules|repayments")
    ],
    file: Annotated[Path, typer.Argument(help="CSV (UTF-8 or GB18030), XLSX or JSON Lines")],
    channel: Annotated[
        str | None,
        typer.Option(help="Channel of rows whose channel cell is empty: " + ", ".join(CHANNELS)),
    ] = None,
    effective_date: Annotated[
        str | None,
        typer.Option(help="Date customer attribute changes take effect (default: today)."),
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option(help="Text encoding of CSV/JSONL (default: detect UTF-8 / GB18030)."),
    ] = None,
    sheet: Annotated[str | None, typer.Option(help="XLSX sheet (default: the first).")] = None,
    database_url: DatabaseUrl = None,
    as_json: JsonFlag = False,
    debug: Debug = False,
) -> None:
    """Validate and load one file; bad rows go to the quarantine."""
    if kind not in KINDS:
        raise InputError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    if channel is not None and channel not in CHANNELS:
        raise InputError(f"--channel {channel!r} is not one of {', '.join(CHANNELS)}")
    with core(database_url) as lt:
        result = lt.import_file(
            kind,
            file,
            channel=channel,
            effective_date=parse_day(effective_date, "--effective-date"),
            encoding=encoding,
            sheet=sheet,
            reporter=RichReporter(),
        )
    if as_json:
        emit_json(
            {
                "batch_id": result.batch_id,
                "accepted": result.accepted,
                "quarantined": result.quarantined,
                "inserted": result.inserted,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "superseded": result.superseded,
                "rows_read": result.rows_read,
            }
        )
    else:
        err_console.print(
            f"batch {result.batch_id}: {result.rows_read} rows read, {result.accepted} accepted "
            f"({result.inserted} new, {result.updated} changed, {result.unchanged} unchanged), "
            f"{result.quarantined} quarantined",
            highlight=False,
        )


@batches_app.command("list")
@handle_errors
def batches_list(
    limit: int = 50,
    database_url: DatabaseUrl = None,
    as_json: JsonFlag = False,
    debug: Debug = False,
) -> None:
    """Recent import batches, newest first."""
    with core(database_url) as lt:
        rows = lt.list_batches(limit)
    if as_json:
        emit_json(rows)
        return
    table = Table(
        "id", "kind", "source", "status", "read", "accepted", "quarantined", "new", "changed"
    )
    for r in rows:
        table.add_row(
            *(
                str(r[c])
                for c in (
                    "id",
                    "kind",
                    "source",
                    "status",
                    "rows_read",
                    "accepted",
                    "quarantined",
                    "inserted",
                    "updated",
                )
            )
        )
    out_console.print(table)


@quarantine_app.command("list")
@handle_errors
def quarantine_list(
    status: Annotated[str, typer.Option(help="open, released or all")] = "open",
    kind: Annotated[str | None, typer.Option(help="Only rows of this kind of file")] = None,
    batch: Annotated[int | None, typer.Option(help="Only rows of this batch")] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many rows")] = None,
    database_url: DatabaseUrl = None,
    as_json: JsonFlag = False,
    debug: Debug = False,
) -> None:
    """Rows that failed validation, with file, row, column, value and reason."""
    if status not in ("open", "released", "all"):
        raise InputError(f"--status {status!r}: expected open, released or all")
    with core(database_url) as lt:
        rows = lt.quarantine_list(status=status, kind=kind, batch_id=batch, limit=limit)
    if as_json:
        emit_json(rows)
        return
    table = Table("id", "file", "row", "column", "value", "reason", "status")
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["file"],
            str(r["row"]),
            r["column"] or "",
            r["value"] or "",
            r["reason"],
            r["status"],
        )
    out_console.print(table)


@quarantine_app.command("release")
@handle_errors
def quarantine_release(
    qid: Annotated[int, typer.Argument(metavar="ID", help="Quarantine id from `list`")],
    set_: Annotated[
        list[str] | None, typer.Option("--set", help="A correction COLUMN=VALUE (repeatable)")
    ] = None,
    effective_date: Annotated[str | None, typer.Option(help="For customer rows.")] = None,
    database_url: DatabaseUrl = None,
    as_json: JsonFlag = False,
    debug: Debug = False,
) -> None:
    """Re-validate a quarantined row with corrections and load it if it is now valid."""
    corrections: dict[str, str] = {}
    for item in set_ or []:
        column, sep, value = item.partition("=")
        if not sep or not column.strip():
            raise InputError(f"--set {item!r}: expected COLUMN=VALUE")
        corrections[column.strip().lower()] = value
    with core(database_url) as lt:
        result = lt.quarantine_release(
            qid, corrections, effective_date=parse_day(effective_date, "--effective-date")
        )
    if as_json:
        emit_json({"id": qid, "status": "released", **result.as_dict()})
    else:
        err_console.print(f"row {qid} released into batch {result.batch_id}")


@customers_app.command("list")
@handle_errors
def customers_list(
    size: Annotated[str | None, typer.Option(help="large|medium|small|micro|unclassified")] = None,
    section: Annotated[str | None, typer.Option(help="GB/T 4754 section letter")] = None,
    branch: Annotated[str | None, typer.Option(help="Branch code")] = None,
    search: Annotated[str | None, typer.Option(help="Part of the name or credit code")] = None,
    limit: int = 100,
    offset: int = 0,
    database_url: DatabaseUrl = None,
    as_json: JsonFlag = False,
    debug: Debug = False,
) -> None:
    """Customers with their industry and size class."""
    with core(database_url) as lt:
        rows = lt.customers_list(
            size_class=size,
            section=section,
            branch=branch,
            search=search,
            limit=limit,
            offset=offset,
        )
    if as_json:
        emit_json(rows)
        return
    table = Table("credit code", "name", "industry", "size", "region", "branch")
    for r in rows:
        table.add_row(
            r["credit_code"],
            r["name"],
            r["industry_code"] or "",
            r["size_class"],
            r["region_code"] or "",
            r["branch"] or "",
        )
    out_console.print(table)


@customers_app.command("show")
@handle_errors
def customers_show(
    credit_code: str,
    as_of: Annotated[str | None, typer.Option(help="Attributes as they were on YYYY-MM-DD")] = None,
    database_url: DatabaseUrl = None,
    as_json: JsonFlag = False,
    debug: Debug = False,
) -> None:
    """One customer in full: attributes, size reasoning, parties (masked), statements, loans."""
    with core(database_url) as lt:
        doc = lt.customer_show(credit_code, parse_day(as_of, "--as-of"))
    if as_json:
        emit_json(doc)
        return
    table = Table("field", "value", show_header=False)
    for key in (
        "credit_code",
        "name",
        "industry_code",
        "industry_section",
        "size_class",
        "size_reason",
        "region_code",
        "established_on",
        "registered_capital",
        "employees",
        "revenue",
        "total_assets",
        "channel",
        "branch",
        "external_rating",
        "effective_from",
    ):
        table.add_row(key, "" if doc.get(key) is None else str(doc[key]))
    table.add_row("related parties", str(len(doc["related_parties"])))
    table.add_row("loans", str(len(doc["loans"])))
    out_console.print(table)
