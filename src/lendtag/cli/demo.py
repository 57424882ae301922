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
from lendtag.core import Lendtag

LOAD_ORDER = ("customers", "persons", "statements", "bureau", "loans", "schedules", "repayments")


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
    results = []
    for kind in LOAD_ORDER:
        r = lt.import_file(
            kind, getattr(files, kind), effective_date=effective, reporter=RichReporter()
        )
        results.append(r.as_dict())
    bad = lt.import_file(
        "customers",
        files.bad_customers,
        channel="branch",
        effective_date=effective,
        reporter=RichReporter(),
    )
    results.append(bad.as_dict())
    return results


@handle_errors
def demo(
    customers: Annotated[int | None, typer.Option(help="Number of enterprises.")] = None,
    seed: Annotated[int | None, typer.Option(help="Random seed.")] = None,
    out: Annotated[Path | None, typer.Option(help="Folder for the generated files.")] = None,
    database_url: DatabaseUrl = None,
    as_json: JsonFlag = False,
    debug: Debug = False,
) -> None:
    """The quick start: initialise the store, generate and load the demo portfolio, summarise."""
    from lendtag.demo import DEMO_AS_OF

    with core(database_url, demo_customers=customers, demo_seed=seed, demo_dir=out) as lt:
        s = lt.settings
        lt.init()
        files = _generate(s.demo_dir, s.demo_customers, s.demo_seed, DEMO_AS_OF)
        effective = dt.date(DEMO_AS_OF.year - 3, 1, 1)
        batches = load_demo(lt, files, effective)
        summary = lt.portfolio_summary()
    doc = {
        "database": lt.store.safe_url,
        "as_of": DEMO_AS_OF.isoformat(),
        "imports": batches,
        "summary": summary,
    }
    if as_json:
        emit_json(doc)
        return
    table = Table("file", "read", "accepted", "quarantined", title="Demo portfolio loaded")
    for b in batches:
        table.add_row(
            Path(b["source"]).name, str(b["rows_read"]), str(b["accepted"]), str(b["quarantined"])
        )
    out_console.print(table)
    sizes = Table("size class 规模", "customers", title=f"{summary['customers']} customers")
    for size, n in summary["by_size_class"].items():
        sizes.add_row(size, str(n))
    out_console.print(sizes)
    out_console.print(
        f"{summary['loans']} loans, {summary['loan_amount_yuan']:,.2f} 元; "
        f"{summary['quarantine_open']} rows in quarantine "
        "(`lendtag quarantine list`)"
    )
