"""`lendtag segments …`: named groups of customers, live counts, members, history, export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

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
    parse_day,
)

app = typer.Typer(
    help="Segments: groups of customers defined over tags and features.", no_args_is_help=True
)
OnDate = Annotated[
    str | None, typer.Option("--as-of", help="Members on that date YYYY-MM-DD (default: now).")
]


@app.command("list")
@handle_errors
def list_(
    database_url: DatabaseUrl = None, as_json: JsonFlag = False, debug: Debug = False
) -> None:
    """Published segments with their current member counts (as of the last tag run)."""
    with core(database_url) as lt:
        rows = lt.segments_list()
    if as_json:
        emit_json(rows)
        return
    table = Table("segment", "名称", "name", "members", "expression")
    for r in rows:
        table.add_row(
            r["code"], r["name"]["zh"], r["name"]["en"], str(r["members"]), r["expression"]
        )
    out_console.print(table)


@app.command("count")
@handle_errors
def count(
    expression: Annotated[
        str, typer.Argument(help="A boolean expression over tags and features, or a segment code")
    ],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="YYYY-MM-DD (default: today)")
    ] = None,
    database_url: DatabaseUrl = None,
    as_json: JsonFlag = False,
    debug: Debug = False,
) -> None:
    """How many customers an expression selects, computed live over the whole portfolio."""
    day = parse_day(as_of, "--as-of") or dt.date.today()
    with core(database_url) as lt:
        doc = lt.segments_count(expression, day)
    if as_json:
        emit_json(doc)
        return
    out_console.print(
        f"{doc['members']} of {doc['customers']} customers as of {doc['as_of']}: "
        f"{doc['expression']}",
        highlight=False,
    )


@app.command("members")
@handle_errors
def members(
    code: str,
    as_of: OnDate = None,
    limit: Annotated[int | None, typer.Option(help="Show at most this many")] = None,
    database_url: DatabaseUrl = None,
    as_json: JsonFlag = False,
    debug: Debug = False,
) -> None:
    """The members of a segment, now or on a past date."""
    with core(database_url) as lt:
        rows = lt.segments_members(code, parse_day(as_of, "--as-of"))
    shown = rows[:limit] if limit is not None else rows
    if as_json:
        emit_json({"segment": code, "as_of": as_of, "members": len(rows), "rows": shown})
        return
    table = Table("credit code", "name", "size", "industry", "branch", "since")
    for r in shown:
        table.add_row(
            r["credit_code"],
            r["name"],
            r["size_class"],
            r["industry_code"] or "",
            r["branch"] or "",
            r["member_since"],
        )
    out_console.print(table)
    err_console.print(f"{len(rows)} members")


@app.command("history")
@handle_errors
def history(
    code: str,
    credit_code: Annotated[str | None, typer.Argument(help="Only this customer")] = None,
    database_url: DatabaseUrl = None,
    as_json: JsonFlag = False,
    debug: Debug = False,
) -> None:
    """When customers entered and left a segment."""
    with core(database_url) as lt:
        rows = lt.segments_history(code, credit_code)
    if as_json:
        emit_json(rows)
        return
    table = Table("credit code", "entered", "left", "run")
    for r in rows:
        table.add_row(r["credit_code"], r["entered"], r["left"] or "", str(r["run_id"]))
    out_console.print(table)


@app.command("export")
@handle_errors
def export(
    code: str,
    file: Path,
    fmt: Annotated[
        str | None, typer.Option("--format", help="csv, xlsx or parquet (default: from FILE)")
    ] = None,
    as_of: OnDate = None,
    database_url: DatabaseUrl = None,
    as_json: JsonFlag = False,
    debug: Debug = False,
) -> None:
    """Write a segment's members to CSV, XLSX or Parquet (no personal data is exported)."""
    with core(database_url) as lt:
        doc = lt.segments_export(code, file, fmt, parse_day(as_of, "--as-of"))
    if as_json:
        emit_json(doc)
        return
    err_console.print(f"{doc['members']} members of {code} written to {doc['file']}")
