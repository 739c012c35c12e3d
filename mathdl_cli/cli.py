"""The ``mathdl`` command line: thin commands over library functions.

Heavy modules (numpy, pytest, torch) are imported inside the commands that need
them, so ``mathdl --help`` and ``mathdl list`` start fast.
"""

from __future__ import annotations

import sys

import typer

from . import __version__

# command name -> its module in mathdl_cli.commands (imported only when needed)
COMMANDS = {
    "list": "list_", "new": "new", "check": "check", "watch": "watch", "plot": "plot", "hint": "hint", "status": "status",
    "submit": "submit", "validate": "validate", "record": "record", "grade": "grade", "gradescope": "gradescope",
}


def _typer() -> typer.Typer:
    return typer.Typer(
        name="mathdl",
    help=(
        "A workbook and grader for the mathematics of deep learning.\n\n"
        "Students: `mathdl new ch6` writes the chapter's module of stubs, you implement the "
        "functions, and `mathdl check ch6` tells you exactly what is right and what is wrong. "
        "Instructors: `mathdl validate` proves the graders, `mathdl grade` grades a class."
    ),
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mathdl {__version__}")
        raise typer.Exit()


def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    pass


def build_app(only: str | None = None) -> typer.Typer:
    """The CLI with every command, or with the one command ``only``: a run that
    names its command imports that command's module alone, and typer turns only
    its signature into options (together ~60 ms less for ``mathdl check``)."""
    import importlib

    app = _typer()
    for name, module in COMMANDS.items():
        if only is None or name == only:
            importlib.import_module(f".commands.{module}", __package__).register(app)
    app.callback()(_root)
    return app


def __getattr__(name: str):
    if name == "app":  # the whole CLI, built on first use (tests, typer's CliRunner)
        built = globals()["app"] = build_app()
        return built
    raise AttributeError(name)


def run_typer() -> None:
    """Run the command line through typer (a run that names its command builds that command alone).
    ``mathdl help [COMMAND]`` is ``mathdl [COMMAND] --help``, as git and pip have it."""
    if sys.argv[1:2] == ["help"]:
        sys.argv[1:] = [*sys.argv[2:3], "--help"]
    named = sys.argv[1] if len(sys.argv) > 1 else None
    build_app(named if named in COMMANDS else None)()

