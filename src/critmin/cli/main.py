"""The ``critmin`` command. Exit codes: 0 ok, 1 error, 2 bad usage."""

from __future__ import annotations

import sys

import typer

from critmin import __version__
from critmin.cli import assess, db, demo, deposits, econ, geochem, prospect, supply, users, workflow
from critmin.cli.serve import serve

app = typer.Typer(
    name="critmin",
    help="critmin: critical minerals from rock to supply security.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(assess.app, name="assess")
app.add_typer(db.app, name="db")
app.add_typer(demo.app, name="demo")
app.add_typer(deposits.app, name="deposits")
app.add_typer(econ.app, name="econ")
app.add_typer(geochem.app, name="geochem")
app.add_typer(prospect.app, name="prospect")
app.add_typer(supply.app, name="supply")
app.add_typer(users.app, name="users")
app.add_typer(workflow.app, name="workflow")
app.command("run")(workflow.run)
app.command("provenance")(workflow.provenance)
app.command("rerun")(workflow.rerun)
app.command("serve")(serve)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"critmin {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Show the version and exit.")) -> None:
    """critmin: critical minerals from rock to supply security."""


def main() -> None:
    """Console-script entry point."""
    sys.exit(app())


if __name__ == "__main__":
    main()
