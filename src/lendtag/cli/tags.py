"""`lendtag tags …`: runs, questions about values, manual values and the definition lifecycle."""

from __future__ import annotations

import datetime as dt
import json
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

app = typer.Typer(
    help="Tags on customers: run, show, explain, preview, history.", no_args_is_help=True
)
AsOf = Annotated[str | None, typer.Option("--as-of", help="Date YYYY-MM-DD (default: today).")]
By = Annotated[str, typer.Option("--by", help="Who does it (recorded).")]
Kind = Annotated[str, typer.Option("--kind", help="dimension, feature, tag or segment")]


def _day(value: str | None, option: str) -> dt.date:
    return parse_day(value, option) or dt.date.today()


@app.command("run")
@handle_errors
def run(
    as_of: AsOf = None,
    engine: Annotated[
        str | None,
        typer.Option(
            help="Where to compute: the store's own engine (sqlite or postgres, the "
            "default) or duckdb (in-process, for large portfolios; docs/engines.md)."
        ),
    ] = None,
    only: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated tag codes (segments and retired tags wait for a full run)"
        ),
    ] = None,
    database_url: DatabaseUrl = None,
    as_json: JsonFlag = False,
    debug: Debug = False,
) -> None:
    """Compute every published tag as of a date and write only the changes."""
    codes = [c.strip() for c in only.split(",") if c.strip()] if only else None
    with core(database_url) as lt:
        r = lt.tags_run(_day(as_of, "--as-of"), only=codes, engine=engine, reporter=RichReporter())
    if as_json:
        emit_json(
            {
                "run_id": r.run_id,
                "as_of": r.as_of,
                "customers": r.customers,
                "tags": r.tags,
                "changed": r.changed,
            }
        )
    else:
        expired = f" ({r.expired} manual values expired)" if r.expired else ""
        err_console.print(
            f"run {r.run_id} as of {r.as_of} ({r.engine}): {r.customers} customers, "
            f"{r.tags} tags, {r.changed} values changed{expired}"
        )


@app.command("show")
@handle_errors
def show(
    credit_code: str,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="The tags the customer carried on that date")
    ] = None,
    database_url: DatabaseUrl = None,
    as_json: JsonFlag = False,
    debug: Debug = False,
) -> None:
    """The tags of one customer, now or on a past date."""
    with core(database_url) as lt:
        rows = lt.tags_show(credit_code, parse_day(as_of, "--as-of"))
    if as_json:
        emit_json({"credit_code": credit_code.upper(), "as_of": as_of, "tags": rows})
        return
    table = Table("tag", "标签", "value", "值", "since", "source")
    for r in rows:
        name = r["name"] or {"zh": "", "en": ""}
        label = r["value_name"] or {"zh": "", "en": ""}
        table.add_row(r["tag"], name["zh"], r["value"], label["zh"], r["since"], r["source"])
    out_console.print(table)


@app.command("history")
@handle_errors
def history(
    credit_code: str,
    tag: Annotated[str | None, typer.Argument()] = None,
    database_url: DatabaseUrl = None,
    as_json: JsonFlag = False,
    debug: Debug = False,
) -> None:
    """Every value a customer's tags had, with the period and the run that produced it."""
    with core(database_url) as lt:
        rows = lt.tags_history(credit_code, tag)
    if as_json:
        emit_json(rows)
        return
    table = Table("tag", "value", "from", "to", "run", "source", "closed by", "why")
    for r in rows:
        table.add_row(
            r["tag"],
            r["value"],
            r["valid_from"],
            r["valid_to"] or "",
            str(r["run_id"] or ""),
            r["source"],
            r["closed_by"] or "",
            r["close_reason"] or "",
        )
    out_console.print(table)


@app.command("explain")
@handle_errors
def explain(
    credit_code: str,
    tag: str,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Explain the value carried on that date")
    ] = None,
    database_url: DatabaseUrl = None,
    as_json: JsonFlag = False,
    debug: Debug = False,
) -> None:
    """Why a customer carries a tag value: definition, expression, inputs, deciding clause."""
    with core(database_url) as lt:
        doc = lt.tags_explain(credit_code, tag, parse_day(as_of, "--as-of"))
    if as_json:
        emit_json(doc)
        return
    out_console.print(
        f"[bold]{doc['tag']}[/] = {doc['value']} since {doc['since']} ({doc['source']})",
        highlight=False,
    )
    if doc["source"] == "manual":
        out_console.print(f"set by {doc.get('set_by')}: {doc['reason']}", highlight=False)
        return
    d = doc["definition"]
    out_console.print(
        f"definition v{d['version']} ({d['fingerprint'][:12]}): {d['expression']}", highlight=False
    )
    out_console.print(f"decided by: {doc['decided_by']}", highlight=False)
    for name, value in doc["inputs"].items():
        out_console.print(f"  {name} = {value}", highlight=False)
        feature = doc["features"].get(name)
        if feature:
            inputs = ", ".join(f"{k} = {v}" for k, v in feature["inputs"].items())
            out_console.print(f"    = {feature['expression']}  ({inputs})", highlight=False)


@app.command("preview")
@handle_errors
def preview(
    file: Path,
    as_of: AsOf = None,
    database_url: DatabaseUrl = None,
    as_json: JsonFlag = False,
    debug: Debug = False,
) -> None:
    """A draft tag's distribution over the portfolio and how many customers would change."""
    with core(database_url) as lt:
        docs = lt.tags_preview(file, _day(as_of, "--as-of"))
    if as_json:
        emit_json(docs if len(docs) != 1 else docs[0])
        return
    for doc in docs:
        out_console.print(
            f"[bold]{doc['tag']}[/] over {doc['customers']} customers as of "
            f"{doc['as_of']}: {doc['would_change']} would change",
            highlight=False,
        )
        for value, n in doc["distribution"].items():
            out_console.print(f"  {value}: {n}", highlight=False)


@app.command("migration")
@handle_errors
def migration(
    tag: str,
    from_: Annotated[str, typer.Option("--from", help="YYYY-MM-DD")],
    to: Annotated[str, typer.Option("--to", help="YYYY-MM-DD")],
    database_url: DatabaseUrl = None,
    as_json: JsonFlag = False,
    debug: Debug = False,
) -> None:
    """Transition matrix of a tag between two dates."""
    with core(database_url) as lt:
        doc = lt.tags_migration(tag, _day(from_, "--from"), _day(to, "--to"))
    if as_json:
        emit_json(doc)
        return
    table = Table(f"{doc['from']} \\ {doc['to']}", *doc["states"])
    for state, row in zip(doc["states"], doc["matrix"], strict=True):
        table.add_row(state, *(str(n) for n in row))
    out_console.print(table)


@app.command("list")
@handle_errors
def list_(
    database_url: DatabaseUrl = None, as_json: JsonFlag = False, debug: Debug = False
) -> None:
    """Published tags with coverage and value counts."""
    with core(database_url) as lt:
        rows = lt.tags_list()
    if as_json:
        emit_json(rows)
        return
    table = Table("tag", "标签", "name", "dimension", "type", "coverage")
    for r in rows:
        cov = "" if r["coverage"] is None else f"{r['coverage']:.1%}"
        table.add_row(
            r["code"], r["name"]["zh"], r["name"]["en"], r["dimension"], r["value_type"], cov
        )
    out_console.print(table)


@app.command("runs")
@handle_errors
def runs(
    limit: int = 20,
    database_url: DatabaseUrl = None,
    as_json: JsonFlag = False,
    debug: Debug = False,
) -> None:
    """Recent tag runs."""
    with core(database_url) as lt:
        rows = lt.tags_runs(limit)
    if as_json:
        emit_json(rows)
        return
    table = Table("run", "as of", "status", "customers", "tags", "changed")
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["as_of"],
            r["status"],
            str(r["customers"]),
            str(r["tags"]),
            str(r["changed"]),
        )
    out_console.print(table)


@app.command("set")
@handle_errors
def set_(
    credit_code: str,
    tag: str,
    value: str,
    by: By,
    reason: Annotated[str, typer.Option(help="Why (recorded)")],
    expires: Annotated[str | None, typer.Option(help="Expiry date YYYY-MM-DD")] = None,
    on: Annotated[str | None, typer.Option(help="Effective date (default today)")] = None,
    database_url: DatabaseUrl = None,
    as_json: JsonFlag = False,
    debug: Debug = False,
) -> None:
    """Set a manual tag on a customer, with a reason and an optional expiry."""
    with core(database_url) as lt:
        doc = lt.tags_set(
            credit_code,
            tag,
            value,
            by=by,
            reason=reason,
            on=parse_day(on, "--on"),
            expires_on=parse_day(expires, "--expires"),
        )
    emit_json(doc) if as_json else err_console.print(f"{tag} = {doc['value']} on {credit_code}")


@app.command("clear")
@handle_errors
def clear(
    credit_code: str,
    tag: str,
    by: By,
    reason: Annotated[str, typer.Option(help="Why (recorded)")],
    on: Annotated[str | None, typer.Option(help="Effective date (default today)")] = None,
    database_url: DatabaseUrl = None,
    as_json: JsonFlag = False,
    debug: Debug = False,
) -> None:
    """Clear a manual tag from a customer."""
    with core(database_url) as lt:
        doc = lt.tags_clear(credit_code, tag, by=by, reason=reason, on=parse_day(on, "--on"))
    emit_json(doc) if as_json else err_console.print(f"{tag} cleared on {credit_code}")


@app.command("draft")
@handle_errors
def draft(
    file: Path,
    author: Annotated[str, typer.Option(help="The author")],
    kind: Kind = "tag",
    database_url: DatabaseUrl = None,
    as_json: JsonFlag = False,
    debug: Debug = False,
) -> None:
    """Store a definition from a YAML file as a draft (a new version if one is published)."""
    import yaml

    try:
        body = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"{file}: {exc}") from None
    with core(database_url) as lt:
        doc = lt.definition_draft(kind, body, author)
    emit_json(doc) if as_json else err_console.print(json.dumps(doc, ensure_ascii=False))


def _step(step: str) -> None:
    @app.command(step)
    @handle_errors
    def command(
        code: str,
        by: By,
        kind: Kind = "tag",
        note: Annotated[str | None, typer.Option(help="Why (for reject)")] = None,
        database_url: DatabaseUrl = None,
        as_json: JsonFlag = False,
        debug: Debug = False,
    ) -> None:
        with core(database_url) as lt:
            doc = lt.definition_step(step, kind, code, by, note)
        emit_json(doc) if as_json else err_console.print(
            f"{kind} {code} v{doc['version']}: {step} by {by}"
        )

    command.__doc__ = {
        "submit": "Send a draft to review.",
        "publish": "Publish a definition in review (the reviewer must not be its author).",
        "reject": "Send a definition in review back to draft.",
        "retire": "Retire a published definition.",
    }[step]


for _name in ("submit", "publish", "reject", "retire"):
    _step(_name)


@app.command("versions")
@handle_errors
def versions(
    code: str,
    kind: Kind = "tag",
    database_url: DatabaseUrl = None,
    as_json: JsonFlag = False,
    debug: Debug = False,
) -> None:
    """Every version of a definition with its status, author, reviewer and fingerprint."""
    with core(database_url) as lt:
        rows = lt.definition_versions(kind, code)
    if as_json:
        emit_json(rows)
        return
    table = Table("version", "status", "author", "reviewer", "fingerprint")
    for r in rows:
        table.add_row(
            str(r["version"]), r["status"], r["author"], r["reviewer"] or "", r["fingerprint"][:12]
        )
    out_console.print(table)
