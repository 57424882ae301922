"""The `lendtag` command."""

from __future__ import annotations

import typer

from lendtag import __version__
from lendtag.cli import audit, catalog, data, demo, segments, serve, tags, users

app = typer.Typer(
    help="lendtag: customer tags and credit decisions for corporate lending.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("init")(data.init)
app.command("import")(data.import_)
app.command("demo-data")(demo.demo_data)
app.command("demo")(demo.demo)
app.add_typer(data.customers_app, name="customers")
app.add_typer(data.quarantine_app, name="quarantine")
app.add_typer(data.batches_app, name="batches")
app.add_typer(tags.app, name="tags")
app.add_typer(segments.app, name="segments")
app.add_typer(users.app, name="users")
app.add_typer(audit.app, name="audit")
app.command("serve")(serve.serve)
app.add_typer(catalog.app, name="catalog")


def _version(value: bool) -> None:
    if value:
        typer.echo(__version__)
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """lendtag: customer tags and credit decisions for corporate lending."""


def main() -> None:
    app()
