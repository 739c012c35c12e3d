"""``mathdl grade`` (instructors): grade a class's submissions, safely and resumably."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..console import err, escape, fail, out
from ..inert import clean
from ._common import JsonOption, chapter_or_exit, course_or_exit


def grade_command(
    submissions: Annotated[list[Path], typer.Argument(help="Submissions (a folder or .zip per student, named by student id), folders of them, or a Gradescope export folder.")],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for grades.csv, results.jsonl, feedback/ and gradescope/.", file_okay=False)],
    chapters: Annotated[Optional[list[str]], typer.Option("--chapter", "-c", help="Chapter to grade (repeatable). Default: every chapter found in the submissions.")] = None,
    workers: Annotated[int, typer.Option("--workers", "-w", min=0, help="Submissions graded in parallel (default: the number of cores).")] = 0,
    timeout: Annotated[float, typer.Option("--timeout", min=1, help="Wall-time limit per submission, in seconds.")] = 300.0,
    memory: Annotated[int, typer.Option("--memory", min=256, help="Memory (address space) limit per submission, in MB.")] = 2048,
    secret: Annotated[Optional[str], typer.Option("--secret", envvar="MATHDL_SECRET", help="Course secret: hidden cases are drawn from it and the student id. Also read from $MATHDL_SECRET.")] = None,
    json_output: JsonOption = False,
) -> None:
    """Instructors: grade many untrusted submissions in parallel.

    Each submission runs in its own sandboxed process; references, hidden cases
    and every comparison stay in the grader. Results are appended to
    results.jsonl as each submission finishes, so an interrupted run can simply
    be started again: it grades only what is missing or changed. Writes
    grades.csv, results.jsonl, feedback/<student>.md and
    gradescope/<student>/results.json into --out.
    """
    from ..batch.outputs import write_outputs
    from ..batch.runner import Options, batch_warnings, grade_all
    from ..batch.submissions import DuplicateIds, discover, load_files, misnamed

    course = course_or_exit()
    if not course.has_solutions:
        raise fail("grading needs the references in solutions_private/", "run mathdl grade from the course repository, or set MATHDL_COURSE to it")
    warnings: list[str] = []
    try:
        subs = discover(submissions, course, warnings)
    except (FileNotFoundError, OSError) as exc:
        raise fail(str(exc), "pass submission folders or .zip files") from None
    except DuplicateIds as exc:
        raise fail(str(exc), "keep one of them (or rename one), then run mathdl grade again") from None
    if not subs:
        raise fail("no submissions found", "pass a folder holding one folder or .zip per student")
    selected = [chapter_or_exit(course, c) for c in chapters] if chapters else []
    for sub in subs:
        load_files(sub, course)
    if not selected:
        present = {name for sub in subs for name in sub.files}
        selected = [ch for ch in course.chapters if ch.filename in present]
        if not selected:
            near = sorted({n for sub in subs for ch in course.chapters if (n := misnamed(sub, ch.filename))})
            hint = f" (files named like chapter modules: {', '.join(near[:5])}: they must be named exactly)" if near else ""
            raise fail(f"no chapter module (chNN_<slug>.py) in any submission{hint}", "pass --chapter to grade a chapter anyway (every submission then scores 0 on it)")
    os.environ.pop("MATHDL_SECRET", None)  # workers get it as an argument; keep it out of every environment
    if not secret:
        err.print("[yellow]warning:[/] no --secret (or $MATHDL_SECRET): hidden cases are predictable from the student ids alone")
        secret = "mathdl-default-secret"
    hide = [out_dir.resolve(), *(p.resolve() if p.is_dir() else p.resolve().parent for p in submissions)]
    options = Options(chapters=[ch.module for ch in selected], secret=secret, timeout=timeout, memory_mb=memory, workers=workers, hide=[str(h) for h in hide])
    show = sys.stderr.isatty() and not json_output
    progress = None
    if show:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        progress = Progress(TextColumn("grading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(), console=err)
        task = progress.add_task("grade", total=len(subs))
        progress.start()

    def on_done(sub, record, reused):
        if progress is not None:
            progress.advance(task)

    try:
        summary = grade_all(subs, course, options, out_dir, on_done=on_done)
    finally:
        if progress is not None:
            progress.stop()
    paths = write_outputs(out_dir, course, summary.records)
    graded = [summary.records[s.student] for s in subs if s.student in summary.records]
    warnings += batch_warnings(subs, summary.records, course, selected)
    grader_errors = [r for r in graded if r["status"] == "internal_error"]
    isolations = sorted({r.get("isolation", "") for r in graded if r.get("isolation")})
    doc = {
        "version": 1,
        "kind": "mathdl.grade",
        "submissions": summary.total,
        "graded_now": summary.graded,
        "reused": summary.reused,
        "elapsed": round(summary.elapsed, 3),
        "isolation": isolations,
        "chapters": options.chapters,
        "outputs": {k: str(v) for k, v in paths.items()},
        "students": [{"student": r["student"], "score": r["score"], "max_score": r["max_score"], "status": r["status"]} for r in graded],
        "grader_errors": len(grader_errors),
        "warnings": warnings,
    }
    if json_output:
        print(json.dumps(doc, ensure_ascii=True))
    else:
        out.print(f"Graded {summary.graded} submission(s), reused {summary.reused} earlier result(s) in {summary.elapsed:.1f} s (isolation: {escape(', '.join(isolations) or 'none')}).")
        for key in ("gradebook", "results", "feedback", "gradescope"):
            out.print(f"  {key:<10} {escape(clean(str(paths[key])))}")
    for warning in warnings:
        err.print(f"[bold yellow]warning:[/] {escape(clean(warning))}")
    if grader_errors:
        err.print(f"[bold magenta]{len(grader_errors)} submission(s) hit a grader error (not the students' fault); run the same command again to regrade them.[/]")
    # never a silent zero: a grader error, or a batch that failed as a whole, is not success
    raise typer.Exit(1 if grader_errors or warnings else 0)


def register(app: typer.Typer) -> None:
    app.command("grade")(grade_command)
