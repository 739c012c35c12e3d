"""The ``mathdl`` command line: thin commands over library functions.

Heavy modules (numpy, pytest, torch) are imported inside the commands that need
them, so ``mathdl --help`` and ``mathdl list`` start fast.
"""

from __future__ import annotations

import os
import sys

import typer

from . import __version__
from .commands import check, grade, gradescope, hint, list_, new, plot, record, status, submit, validate, watch

app = typer.Typer(
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

for module in (list_, new, check, watch, plot, hint, status, submit, validate, record, grade, gradescope):
    module.register(app)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mathdl {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    pass


def main() -> None:
    """Run the CLI, then leave without the interpreter's teardown of numpy, pytest
    and friends (about a tenth of a second): every command has already closed its
    sandboxes, pools and files, the output is flushed and the exit handlers run here."""
    try:
        app()
        code = 0
    except SystemExit as exc:
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    sys.stdout.flush()
    sys.stderr.flush()
    import atexit

    atexit._run_exitfuncs()  # os._exit skips them: sandboxes' folders and cgroups, multiprocessing's temporary folder
    os._exit(code)
