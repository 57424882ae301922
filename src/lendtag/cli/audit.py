"""`lendtag audit …`: verify the hash chain of the audit log, read entries."""

from __future__ import annotations

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
)

app = typer.Typer(help="The append-only, hash-chained audit log.", no_args_is_help=True)


@app.command("verify")
@handle_errors
def verify(
    database_url: DatabaseUrl = None, as_json: JsonFlag = False, debug: Debug = False
) -> None:
    """Recompute the chain; name every edited, deleted or reordered entry (exit 1 if any)."""
    with core(database_url) as lt:
        doc = lt.audit_verify()
    if as_json:
        emit_json(doc)
    elif doc["ok"]:
        err_console.print(
            f"audit log intact: {doc['entries']} entries, head {doc['head']['hash'][:16]}… "
            f"at {doc['head']['seq']}"
        )
    else:
        for p in doc["problems"]:
            err_console.print(f"[bold red]entry {p['seq']}:[/] {p['message']}", highlight=False)
    if not doc["ok"]:
        raise typer.Exit(1)


@app.command("list")
@handle_errors
def list_(
    after: Annotated[int, typer.Option(help="Entries after this sequence number")] = 0,
    limit: int = 50,
    actor: Annotated[str | None, typer.Option(help="Only this actor")] = None,
    database_url: DatabaseUrl = None,
    as_json: JsonFlag = False,
    debug: Debug = False,
) -> None:
    """Audit entries in order."""
    with core(database_url) as lt:
        rows = lt.audit_list(after=after, limit=limit, actor=actor)
    if as_json:
        emit_json(rows)
        return
    table = Table("seq", "at", "actor", "action", "object", "outcome")
    for r in rows:
        obj = f"{r['object_type'] or ''} {r['object_id'] or ''}".strip()
        table.add_row(str(r["seq"]), r["at"], r["actor"], r["action"], obj, r["outcome"])
    out_console.print(table)
