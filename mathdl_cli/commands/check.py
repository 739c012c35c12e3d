"""``mathdl check``: grade the modules of a workbook (public checks). The
command's options are defined here; its work is in ``check_run``, which the
entry point also calls without typer for the usual command lines."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ._options import DirOption, JsonOption


def check_command(
    chapter: Annotated[Optional[str], typer.Argument(help="The chapter to check (ch6, 6, backprop). Default: every chapter module in the workbook.")] = None,
    exercise: Annotated[Optional[str], typer.Argument(help="Only this exercise of the chapter (mlp_backward or ch06.mlp_backward).")] = None,
    dir: DirOption = Path("."),
    json_output: JsonOption = False,
    case: Annotated[Optional[str], typer.Option("--case", help="Only this case of the exercise (the number shown in a failure).")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the checks' random inputs. Checks whose expected values are recorded only for the default seed 0 are then skipped.")] = 0,
    plot: Annotated[bool, typer.Option("--plot", help="Also draw your curves beside the expected ones into plots/ of the workbook (exercises that have a plot).")] = False,
    notebook: Annotated[Optional[Path], typer.Option("--notebook", help="Grade the chapter's functions defined in this .ipynb's code cells (diagnostics name the cell).", dir_okay=False)] = None,
    case_without_flag: Annotated[Optional[str], typer.Argument(hidden=True, show_default=False)] = None,  # `check ch2 ridge 3`: refused, with --case
) -> None:
    """Grade your implementation and explain exactly what is wrong.

    Exit status: 0 when every check passed, 1 when something failed or is not
    started, 2 for a usage error (unknown chapter, missing module).
    """
    from .check_run import run

    run(chapter, exercise, dir, json_output, case, seed, plot, notebook, case_without_flag)


class _CheckCommand(typer.core.TyperCommand):
    """The check command, whose usage line leaves out its hidden argument."""

    def collect_usage_pieces(self, ctx) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if not getattr(param, "hidden", False):
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces


def register(app: typer.Typer) -> None:
    app.command("check", cls=_CheckCommand)(check_command)
