"""What every command shares: settings from options, JSON output, progress, one error handler."""

from __future__ import annotations

import datetime as dt
import functools
import getpass
import json
import os
import sys
import traceback
from collections.abc import Callable
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from lendtag.core import Lendtag
from lendtag.errors import InputError, LendtagError
from lendtag.settings import Settings
from lendtag.store.audit import Actor, acting_as

P = ParamSpec("P")
R = TypeVar("R")

err_console = Console(stderr=True)
out_console = Console()

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar="LENDTAG_DATABASE_URL",
        show_envvar=True,
        help="Store URL (default sqlite:///./lendtag.db).",
    ),
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]
Debug = Annotated[bool, typer.Option("--debug", help="Show tracebacks of unexpected errors.")]


def make_settings(database_url: str | None, **overrides: Any) -> Settings:
    values = {k: v for k, v in overrides.items() if v is not None}
    if database_url:
        values["database_url"] = database_url
    try:
        return Settings(**values)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InputError(f"setting {'.'.join(map(str, first['loc']))}: {first['msg']}") from exc


def core(database_url: str | None, **overrides: Any) -> Lendtag:
    return Lendtag(make_settings(database_url, **overrides))


def emit_json(doc: Any) -> None:
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, default=_default) + "\n")
    sys.stdout.flush()


def _default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def parse_day(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{option} {value!r} is not a date; expected YYYY-MM-DD") from None


def cli_actor() -> Actor:
    """Who the audit log names for a command: the operating-system user, as ``cli:NAME``."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = str(os.getuid()) if hasattr(os, "getuid") else "unknown"
    return Actor(f"cli:{name}")


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn lendtag errors into a message on stderr (and a JSON error with --json) + exit code."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        as_json = bool(kwargs.get("as_json"))
        try:
            with acting_as(cli_actor()):
                return func(*args, **kwargs)
        except LendtagError as exc:
            _report(as_json, exc.code, exc.message, exc.details)
            raise typer.Exit(exc.exit_code) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            if kwargs.get("debug"):
                traceback.print_exc()
            _report(
                as_json,
                "internal_error",
                f"unexpected {type(exc).__name__}; run again with --debug for details",
                {},
            )
            raise typer.Exit(70) from None

    return wrapper


def _report(as_json: bool, code: str, message: str, details: dict[str, Any]) -> None:
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    if as_json:
        emit_json({"error": {"code": code, "message": message, "details": details}})


class RichReporter:
    """Progress bars on stderr."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled and err_console.is_terminal
        self._progress: Progress | None = None
        self._task: Any = None

    def start(self, task: str, total: int | None) -> None:
        if not self.enabled:
            return
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            console=err_console,
            transient=True,
        )
        self._progress.start()
        self._task = self._progress.add_task(task, total=total)

    def update(self, completed: int) -> None:
        if self._progress is not None:
            self._progress.update(self._task, completed=completed)

    def finish(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def note(self, message: str) -> None:
        err_console.print(message, highlight=False)
