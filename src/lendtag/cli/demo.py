"""`lendtag demo-data` (generate the demo portfolio) and `lendtag demo` (the quick start)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

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
from lendtag.cli.serve import run_server
from lendtag.core import Lendtag
from lendtag.core.quickstart import LOAD_ORDER, build_demo, load_files

__all__ = ["LOAD_ORDER", "demo", "demo_data", "load_demo"]


def _generate(out: Path, customers: int, seed: int, as_of: dt.date) -> Any:
    from lendtag.demo import generate_portfolio

    reporter = RichReporter()
    state = {"task": ""}

    def progress(task: str, done: int, total: int) -> None:
        if task != state["task"]:
            reporter.finish()
            reporter.start(f"generate {task}", total)
            state["task"] = task
        reporter.update(done)

    files = generate_portfolio(out, customers=customers, seed=seed, as_of=as_of, progress=progress)
    reporter.finish()
    return files


@handle_errors
def demo_data(
    customers: Annotated[int, typer.Option(help="Number of enterprises.")] = 2000,
    seed: Annotated[
        int, typer.Option(help="Random seed; the same seed gives the same files.")
    ] = 20260630,
    out: Annotated[Path, typer.Option(help="Folder to write the CSV files into.")] = Path(
        "demo-data"
    ),
    as_of: Annotated[str | None, typer.Option(help="Date the portfolio is seen from.")] = None,
    as_json: JsonFlag = False,
    debug: Debug = False,
) -> None:
    """Generate a realistic, deterministic demo portfolio as import files."""
    from lendtag.demo import DEMO_AS_OF

    files = _generate(out, customers, seed, parse_day(as_of, "--as-of") or DEMO_AS_OF)
    doc = {
        "out": str(out),
        "files": {k: str(getattr(files, k)) for k in (*LOAD_ORDER, "bad_customers")},
        "counts": files.counts,
    }
    if as_json:
        emit_json(doc)
    else:
        for name, count in files.counts.items():
            err_console.print(f"{name}: {count} rows")


def load_demo(lt: Lendtag, files: Any, effective: dt.date) -> list[dict[str, Any]]:
    """Import every demo file in dependency order, then the file of bad rows."""
    return load_files(lt, files, effective, RichReporter)


@handle_errors
def demo(
    customers: Annotated[int | None, typer.Option(help="Number of enterprises.")] = None,
    seed: Annotated[int | None, typer.Option(help="Random seed.")] = None,
    out: Annotated[Path | None, typer.Option(help="Folder for the generated files.")] = None,
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the API afterwards (default: yes).")
    ] = True,
    host: Annotated[str | None, typer.Option(help="Address to serve on (127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port to serve on (8000).")] = None,
    database_url: DatabaseUrl = None,
    as_json: JsonFlag = False,
    debug: Debug = False,
) -> None:
    """The quick start: a store with the demo book, the standard tags, users; then the API."""
    from lendtag.demo import DEMO_AS_OF

    with core(database_url, demo_customers=customers, demo_seed=seed, demo_dir=out) as lt:
        s = lt.settings
        result = build_demo(
            lt,
            s.demo_dir,
            customers=s.demo_customers,
            seed=s.demo_seed,
            as_of=DEMO_AS_OF,
            generate=_generate,
            reporter=RichReporter,
        )
        url = lt.store.safe_url
    doc = {"database": url, "as_of": DEMO_AS_OF.isoformat(), **result.as_dict()}
    bind, listen = host or s.api_host, port or s.api_port
    if serve:
        doc["api"] = f"http://{bind}:{listen}/api/v1"
    if as_json:
        emit_json(doc)
    else:
        _print_summary(doc)
    if serve:
        run_server(database_url, host, port, None)


def _print_summary(doc: dict[str, Any]) -> None:
    table = Table("file", "read", "accepted", "quarantined", title="Demo portfolio loaded")
    for b in doc["imports"]:
        table.add_row(
            Path(b["source"]).name, str(b["rows_read"]), str(b["accepted"]), str(b["quarantined"])
        )
    out_console.print(table)
    summary = doc["summary"]
    sizes = Table("size class 规模", "customers", title=f"{summary['customers']} customers")
    for size, n in summary["by_size_class"].items():
        sizes.add_row(size, str(n))
    out_console.print(sizes)
    out_console.print(
        f"{summary['loans']} loans, {summary['loan_amount_yuan']:,.2f} 元; "
        f"{summary['quarantine_open']} rows in quarantine "
        "(`lendtag quarantine list`)"
    )
    tags = doc["tags"]
    runs = ", ".join(f"{r['as_of']} ({r['changed']:,} changes)" for r in doc["runs"]) or "none new"
    out_console.print(
        f"{tags['published_tags']} published tags 标签, {tags['current_values']:,} current "
        f"values; tag runs: {runs} (`lendtag tags list`, `lendtag tags show CODE`)"
    )
    users = Table("user 用户", "role 角色", "branches", title="Demo users (password below)")
    for u in doc["users"]:
        users.add_row(u["username"], u["role"], ", ".join(u["branches"]))
    out_console.print(users)
    out_console.print(
        f"password for every demo user: [bold]{doc['password']}[/] (new on every `lendtag demo`)"
    )
    if "api" in doc:
        out_console.print(
            f"API: {doc['api']} · OpenAPI: {doc['api'].removesuffix('/api/v1')}/docs "
            "(POST /api/v1/auth/token with a demo user for a token)"
        )
