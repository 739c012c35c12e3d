"""``mathdl grade`` (instructors): grade a class's submissions, safely and resumably."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..console import err, escape, fail, out
from ._common import JsonOption, chapter_or_exit, course_or_exit


def grade_command(
    submissions: Annotated[list[Path], typer.Argument(help="Submissions (a folder or .zip per student, named by student id), folders of them, or a Gradescope export folder.")],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for grades.csv, results.jsonl, feedback/ and gradescope/.", file_okay=False)],
    chapters: Annotated[Optional[list[str]], typer.Option("--chapter", "-c", help="Chapter to grade (repeatable). Default: every chapter found in the submissions.")] = None,
    workers: Annotated[int, typer.Option("--workers", "-w", min=0, help="Submissions graded in parallel (default: the number of cores).")] = 0,
    timeout: Annotated[float, typer.Option("--timeout", min=1, help="Wall-time limit per submission, in seconds.")] = 300.0,
    memory: Annotated[int, typer.Option("--memory", min=256, help="Memory (address space) limit per submission, in MB.")] = 2048,
    secret: Annotated[Optional[str], typer.Option("--secret", envvar="MATHDL_SECRET", help="Course secret: hidden cases are drawn from it and the student id. Also read from $MATHDL_SECRET.")] = None,
    allow_weak_isolation: Annotated[bool, typer.Option("--allow-weak-isolation", help="Grade even if the machine only allows a plain process (no namespaces): student code can then read what its user can read. See the README's Isolation section.")] = False,
    json_output: JsonOption = False,
) -> None:
    """Instructors: grade many untrusted submissions in parallel.

    Each submission runs in its own sandboxed process; references, hidden cases
    and every comparison stay in the grader. Results are appended to
    results.jsonl as each submission finishes, so an interrupted run can simply
    be started again: it grades only what is missing or changed. Writes
    grades.csv, results.jsonl, feedback/<student>.md and
    gradescope/<student>/results.json into --out.

    Exit status: 0 when every submission was graded (whatever its score), 1
    when a submission hit a grader error (run the command again to regrade
    it), 2 for a usage error or when the machine cannot confine student code.
    """
    from ..batch.outputs import write_outputs
    from ..batch.runner import Options, grade_all
    from ..batch.submissions import discover, load_files

    course = course_or_exit()
    if not course.has_solutions:
        raise fail("grading needs the references in solutions_private/", "run mathdl grade from the course repository, or set MATHDL_COURSE to it")
    try:
        subs = discover(submissions, course)
    except FileNotFoundError as exc:
        raise fail(str(exc), "pass submission folders or .zip files") from None
    if not subs:
        raise fail("no submissions found", "pass a folder holding one folder or .zip per student")
    if chapters:
        selected = [chapter_or_exit(course, c) for c in chapters]
    else:
        for sub in subs:
            load_files(sub, course)
        present = {name for sub in subs for name in sub.files}
        selected = [ch for ch in course.chapters if ch.filename in present]
        for sub in subs:
            sub.files, sub.problems = {}, []
        if not selected:
            raise fail("no chapter module (chNN_<slug>.py) in any submission", "pass --chapter to grade a chapter anyway (every submission then scores 0 on it)")
    isolation = _isolation_or_exit(allow_weak_isolation)
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
    isolations = sorted({r.get("isolation", "") for r in graded if r.get("isolation")})
    doc = {
        "version": 1,
        "kind": "mathdl.grade",
        "submissions": summary.total,
        "graded_now": summary.graded,
        "reused": summary.reused,
        "elapsed": round(summary.elapsed, 3),
        "isolation": isolations,
        "internal_errors": [r["student"] for r in graded if r["status"] == "internal_error"],
        "chapters": options.chapters,
        "outputs": {k: str(v) for k, v in paths.items()},
        "students": [{"student": r["student"], "score": r["score"], "max_score": r["max_score"], "status": r["status"]} for r in graded],
    }
    problems = doc["internal_errors"]
    if json_output:
        print(json.dumps(doc, ensure_ascii=False))
    else:
        out.print(f"Graded {summary.graded} submission(s), reused {summary.reused} earlier result(s) in {summary.elapsed:.1f} s (isolation: {escape(', '.join(isolations) or 'none')}).")
        for key in ("gradebook", "results", "feedback", "gradescope"):
            out.print(f"  {key:<10} {escape(str(paths[key]))}")
    if problems:
        err.print(
            f"[bold magenta]{len(problems)} submission(s) hit a grader error (not the students' fault; they score 0 for now): "
            f"{escape(', '.join(problems[:10]))}{' ...' if len(problems) > 10 else ''}.[/] "
            "The reason is in their feedback and in results.jsonl; run the same command again to regrade them."
        )
    if not isolation.confined:
        err.print(f"[yellow]warning:[/] student code ran in a plain process ({escape(isolation.name)}): it could read what its user can read")
    raise typer.Exit(1 if problems else 0)


def _isolation_or_exit(allow_weak: bool):
    """The confinement the machine allows (probed by starting a confined child);
    a plain process only when the instructor asked for it."""
    from ..sandbox import IsolationUnavailable, probe_isolation
    from ..sandbox.probe import HOW_TO_CONFINE, notes

    try:
        isolation = probe_isolation()
    except IsolationUnavailable as exc:
        raise fail(str(exc), "fix the isolation named above, or unset MATHDL_ISOLATION to let mathdl choose") from None
    if not isolation.confined and not allow_weak:
        why = "".join(f"\n  {n}" for n in notes)
        raise fail(
            f"this machine only allows a plain process for student code ({isolation.name}): a submission could read "
            f"the references, the other submissions and anything else its user can read, and leave processes behind.{why}",
            f"{HOW_TO_CONFINE}; or pass --allow-weak-isolation to grade anyway",
        )
    return isolation


def register(app: typer.Typer) -> None:
    app.command("grade")(grade_command)
