"""`lendtag users …`: people and service accounts, their roles, passwords and API tokens."""

from __future__ import annotations

import sys
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
from lendtag.errors import InputError

app = typer.Typer(help="Users, roles, passwords and API tokens.", no_args_is_help=True)
PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from standard input.")
]


def _read_password() -> str:
    text = sys.stdin.readline().rstrip("\r\n")
    if not text:
        raise InputError("no password on standard input (--password-stdin)")
    return text


@app.command("add")
@handle_errors
def add(
    name: str,
    role: Annotated[
        str,
        typer.Option(help="viewer, relationship_manager, risk_analyst, approver, auditor or admin"),
    ],
    branch: Annotated[
        list[str] | None, typer.Option(help="A branch the user works for (repeat for more)")
    ] = None,
    authority_level: Annotated[
        int | None, typer.Option(help="An approver's authority level (1 = lowest)")
    ] = None,
    password_stdin: PasswordStdin = False,
    database_url: DatabaseUrl = None,
    as_json: JsonFlag = False,
    debug: Debug = False,
) -> None:
    """Create a user; without --password-stdin it can only use API tokens."""
    password = _read_password() if password_stdin else None
    with core(database_url) as lt:
        doc = lt.users_add(
            name, role, password=password, branches=branch, authority_level=authority_level
        )
    emit_json(doc) if as_json else err_console.print(
        f"user {doc['username']} ({doc['role']}) added"
    )


@app.command("list")
@handle_errors
def list_(
    database_url: DatabaseUrl = None, as_json: JsonFlag = False, debug: Debug = False
) -> None:
    """Every user with role, branches and state."""
    with core(database_url) as lt:
        rows = lt.users_list()
    if as_json:
        emit_json(rows)
        return
    table = Table("user", "role", "level", "branches", "state")
    for r in rows:
        state = "disabled" if r["disabled"] else "locked" if r["locked"] else "active"
        table.add_row(
            r["username"],
            r["role"],
            str(r["authority_level"] or ""),
            ",".join(r["branches"]),
            state,
        )
    out_console.print(table)


@app.command("disable")
@handle_errors
def disable(
    name: str, database_url: DatabaseUrl = None, as_json: JsonFlag = False, debug: Debug = False
) -> None:
    """Disable a user: every token stops working at once."""
    with core(database_url) as lt:
        doc = lt.users_disable(name, True)
    emit_json(doc) if as_json else err_console.print(
        f"user {name} disabled; {doc['tokens_revoked']} token(s) revoked"
    )


@app.command("enable")
@handle_errors
def enable(
    name: str, database_url: DatabaseUrl = None, as_json: JsonFlag = False, debug: Debug = False
) -> None:
    """Enable a disabled user again (they log in anew)."""
    with core(database_url) as lt:
        doc = lt.users_disable(name, False)
    emit_json(doc) if as_json else err_console.print(f"user {name} enabled")


@app.command("reset")
@handle_errors
def reset(
    name: str,
    password_stdin: PasswordStdin = False,
    database_url: DatabaseUrl = None,
    as_json: JsonFlag = False,
    debug: Debug = False,
) -> None:
    """Set a new password (read from stdin); clears a lockout and ends login sessions."""
    if not password_stdin:
        raise InputError("give the new password on standard input with --password-stdin")
    with core(database_url) as lt:
        doc = lt.users_reset(name, _read_password())
    emit_json(doc) if as_json else err_console.print(f"password of {name} reset")


@app.command("token")
@handle_errors
def token(
    name: str,
    days: Annotated[int | None, typer.Option(help="Lifetime in days (default 90)")] = None,
    label: Annotated[str | None, typer.Option(help="What the token is for")] = None,
    database_url: DatabaseUrl = None,
    as_json: JsonFlag = False,
    debug: Debug = False,
) -> None:
    """Issue an API token for a user or service account; it is shown once."""
    with core(database_url) as lt:
        doc = lt.users_token(name, days=days, label=label)
    if as_json:
        emit_json(doc)
    else:
        out_console.print(doc["token"], highlight=False, soft_wrap=True)
        err_console.print(f"token for {name}, valid until {doc['expires_at']}; shown only once")
