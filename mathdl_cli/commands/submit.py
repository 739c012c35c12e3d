"""``mathdl submit``: pack the workbook's chapter modules into a zip to hand in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..console import Exit, err, escape, fail, out, print_json
from ..inert import clean
from ._common import course_or_exit, workbook_chapters
from ._options import DirOption, JsonOption


def submit_command(
    chapter: Annotated[Optional[str], typer.Argument(help="The chapter to hand in (ch6, 6, backprop). Default: every chapter module in the workbook.")] = None,
    dir: DirOption = Path("."),
    out_file: Annotated[Path, typer.Option("--out", "-o", help="The zip to write.", dir_okay=False)] = Path("submission.zip"),
    force: Annotated[bool, typer.Option("--force", help="Replace --out if it exists.")] = False,
    json_output: JsonOption = False,
) -> None:
    """Pack your chapter modules (and a manifest) into a zip to upload.

    The modules must import: a syntax error is refused with its line. The public
    checks run once, and their score goes into the manifest. Exit status: 0 when
    the zip was written, 2 when it was not.
    """
    from ..submit import SubmitError, pack
    from ..workbook import save_progress

    course = course_or_exit()
    chapters = workbook_chapters(course, chapter, dir, "submit", out=out_file if out_file != Path("submission.zip") else None, force=force)
    try:
        packed = pack(course, dir, chapters, out_file, force=force)
    except SubmitError as exc:
        raise fail(str(exc), exc.next_step) from None
    except RuntimeError as exc:
        err.print(f"[bold magenta]internal error:[/] {escape(clean(str(exc)))}")
        raise Exit(1) from None
    if packed.report is not None:
        save_progress(dir, packed.report)
    if json_output:
        print_json(packed.to_json())
        return
    score = packed.manifest.get("public_score")
    out.print(f"[bold]Wrote {escape(clean(str(out_file)))}[/]")
    for name, digest in packed.files.items():
        out.print(f"  {escape(name)}  sha256 {digest[:16]}…")
    if score:
        out.print(f"  public score {score['score']:g} / {score['max_score']:g} (hidden cases are graded by your instructor)")
    out.print(f"Upload {escape(clean(out_file.name))} as it is to your course's assignment page (Gradescope: drop the zip on the assignment); do not unpack or rename the modules inside.")
    for problem in packed.problems:
        err.print(f"[yellow]warning:[/] {escape(clean(problem))}")


def register(app: typer.Typer) -> None:
    app.command("submit")(submit_command)
