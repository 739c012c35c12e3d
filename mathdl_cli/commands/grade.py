"""``mathdl grade`` (instructors): grade a class's submissions, safely and resumably."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..console import Exit, err, escape, fail, out
from ..defaults import GRADED_MEMORY_MB
from ..inert import clean
from ._common import chapters_or_exit, course_or_exit
from ._options import JsonOption


def grade_command(
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for grades.csv, results.jsonl, feedback/ and gradescope/.", file_okay=False)],
    submissions: Annotated[Optional[list[Path]], typer.Argument(help="Submissions (a folder or .zip per student, named by student id), folders of them, or a Gradescope export folder.", show_default=False)] = None,
    chapters: Annotated[Optional[list[str]], typer.Option("--chapter", "-c", help="Chapter to grade (repeatable). Default: every chapter found in the submissions.")] = None,
    workers: Annotated[int, typer.Option("--workers", "-w", min=0, help="Submissions graded in parallel (default: the number of cores).")] = 0,
    timeout: Annotated[float, typer.Option("--timeout", min=1, help="Wall-time limit per submission, in seconds.")] = 300.0,
    memory: Annotated[int, typer.Option("--memory", min=256, help="Memory (address space) limit per submission, in MB.")] = GRADED_MEMORY_MB,
    secret: Annotated[Optional[str], typer.Option("--secret", envvar="MATHDL_SECRET", help="Course secret: hidden cases are drawn from it and the student id. Also read from $MATHDL_SECRET.")] = None,
    allow_weak_isolation: Annotated[bool, typer.Option("--allow-weak-isolation", help="Grade even if the machine only allows a plain process (no namespaces): student code can then read what its user can read. See the README's Isolation section.")] = False,
    roster: Annotated[Optional[Path], typer.Option("--roster", help="An LMS roster export (Canvas gradebook export, Moodle grades or participants CSV): also write canvas.csv, moodle.csv and not_in_roster.csv.", dir_okay=False)] = None,
    roster_key: Annotated[Optional[str], typer.Option("--roster-key", help="The roster column holding the student ids (default: the identifier column matching the most of them).")] = None,
    assignment: Annotated[Optional[list[str]], typer.Option("--assignment", help="LMS assignment name, one per chapter graded (Canvas: 'Title (id)' targets an existing assignment). Default: 'mathdl chNN <slug>'.")] = None,
    no_submission: Annotated[str, typer.Option("--no-submission", help="Cell of a roster student without a submission: empty (no grade) or zero.")] = "empty",
    shard: Annotated[Optional[str], typer.Option("--shard", help="Grade only shard K of N (K/N, K from 0 to N-1), chosen by a hash of the student id; merge the shards' --out folders with --merge.")] = None,
    merge: Annotated[bool, typer.Option("--merge", help="The arguments are stores to merge (the --out folders of earlier runs or shards): one record per student, the latest wins; --out gets every output rebuilt. Nothing is graded.")] = False,
    json_output: JsonOption = False,
) -> None:
    """Instructors: grade many untrusted submissions in parallel.

    Each submission runs in its own sandboxed process; references, hidden cases
    and every comparison stay in the grader. Results are appended to
    results.jsonl as each submission finishes, so an interrupted run can simply
    be started again: it grades only what is missing or changed. Writes
    grades.csv, results.jsonl, feedback/<student>.md and
    gradescope/<student>/results.json into --out; with --roster also canvas.csv,
    moodle.csv and not_in_roster.csv. On a cluster, --shard K/N grades one
    share of the class and --merge joins the shards' --out folders.

    Exit status: 0 when every submission was graded (whatever its score), 1
    when a submission hit a grader error (run the command again to regrade
    it) or the batch drew a warning (e.g. every submission zero the same way),
    2 for a usage error or when the machine cannot confine student code.
    """
    from ..batch.outputs import class_rows, write_outputs
    from ..batch.runner import RESULTS, Options, batch_warnings, grade_all, missing_modules_line
    from ..batch.shards import parse_shard, shard_of
    from ..batch.submissions import DuplicateIds, NotASubmission, discover, load_files, misnamed
    from ..batch.summary import hardest_line
    from ..suggest import command
    from ..batch.verdict import counts, problem_lines

    course = course_or_exit()
    selected = chapters_or_exit(course, chapters, lambda fixed: f"pass {' '.join('--chapter ' + c for c in fixed)}, the rest of the command as it was") if chapters else []
    lms = _roster_or_exit(roster, no_submission)
    if merge:
        if not submissions or shard:
            raise fail("--merge takes the stores to merge as arguments, and no --shard", "run: mathdl grade --merge OUT1 OUT2 ... --out OUT")
        _merge_and_exit(submissions, out_dir, course, lms, dict(key=roster_key, names=assignment, no_submission=no_submission), json_output)
    if not submissions:
        raise fail("no submissions given", "pass submission folders or .zip files (or --merge OUT1 OUT2 ... to merge stores)")
    _out_outside_submissions_or_exit(out_dir, submissions)
    try:
        part = parse_shard(shard) if shard else None
    except ValueError as exc:
        raise fail(str(exc), "run one shard per index: --shard 0/N, --shard 1/N, ..., --shard N-1/N") from None
    if not course.has_solutions:
        raise fail("grading needs the references in solutions_private/", "run mathdl grade from the course repository, or set MATHDL_COURSE to it")
    warnings: list[str] = []
    try:
        subs = discover(submissions, course, warnings)
    except NotASubmission as exc:
        if exc.chapter:  # `mathdl grade ch2 subs/ --out o`: the same command, the chapter where it goes
            rest = [str(s) for s in submissions if str(s) != exc.argument] or ["SUBMISSIONS"]
            raise fail(str(exc), "run: " + command("grade", *rest, chapter=exc.chapter, out=out_dir)) from None
        raise fail(str(exc), exc.todo) from None
    except OSError as exc:
        raise fail(f"the submissions could not be read: {exc}", "pass submission folders or .zip files that this user can read") from None
    except DuplicateIds as exc:
        raise fail(str(exc), "keep one of them (or rename one), then run mathdl grade again") from None
    if not subs:
        raise fail("no submissions found", "pass a folder holding one folder or .zip per student")
    for sub in subs:
        load_files(sub, course)
    if not selected:
        present = {name for sub in subs for name in sub.files}
        selected = course.numbered({n for n, module in course.module_names().items() if f"{module}.py" in present})
        if not selected:
            near = sorted({n for sub in subs for ch in course.chapters if (n := misnamed(sub, ch.filename))})
            hint = f" (files named like chapter modules: {', '.join(near[:5])}: they must be named exactly)" if near else ""
            raise fail(f"no chapter module (chNN_<slug>.py) in any submission{hint}", "pass --chapter to grade a chapter anyway (every submission then scores 0 on it)")
    everyone = subs  # the chapters above, and the batch's warnings, are about the whole class, in every shard
    _hold_or_exit(out_dir)  # the first write to --out
    if part is not None:
        subs = [sub for sub in subs if shard_of(sub.student, part[1]) == part[0]]
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / RESULTS).touch()  # an empty shard still leaves a store to merge
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

        progress = Progress(TextColumn("grading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(), console=err.console)
        task = progress.add_task("grade", total=len(subs))
        progress.start()

    def on_done(sub, record, reused):
        if progress is not None:
            progress.advance(task)

    probed = []
    try:
        # the isolation is probed only when something is left to grade (not on a finished resume)
        summary = grade_all(subs, course, options, out_dir, on_done=on_done, prepare=lambda: probed.append(_isolation_or_exit(allow_weak_isolation)))
    except KeyboardInterrupt:
        if progress is not None:
            progress.stop()
        from ..batch.verdict import interrupted

        err.print(escape(clean(interrupted(subs, out_dir, options.key()))))
        raise Exit(130) from None
    finally:
        if progress is not None:
            progress.stop()
    paths = write_outputs(out_dir, course, summary.records)
    gradebooks = _gradebooks_or_exit(out_dir, course, summary.records, lms, roster_key, assignment, no_submission, paths, warnings)
    graded = [summary.records[s.student] for s in subs if s.student in summary.records]
    warnings += batch_warnings(everyone, summary.records, course, selected)
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
        "students": [_student_json(r) for r in graded],
        "statuses": counts(graded),
        "problems": problem_lines(graded, limit=10**6),
        "grader_errors": len(grader_errors),
        "internal_errors": [r["student"] for r in grader_errors],
        "warnings": warnings,
        "missing_modules": (missing := missing_modules_line(graded)),
        "exercises": (exercises := class_rows(course, summary.records)),
        **({"shard": f"{part[0]}/{part[1]}"} if part is not None else {}),
        **({"roster": gradebooks} if gradebooks is not None else {}),
    }
    for isolation in probed:
        if not isolation.confined:
            err.print(f"[yellow]warning:[/] student code ran in a plain process ({escape(isolation.name)}): it could read what its user can read")
    headline = f"Graded {summary.graded} submission(s), reused {summary.reused} earlier result(s) in {summary.elapsed:.1f} s (isolation: {', '.join(isolations) or 'none'})."
    by_status = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in doc["statuses"].items())
    headline += f"\n{len(graded)} submission(s): {by_status}." + "".join(f"\n  {line}" for line in problem_lines(graded))
    if missing:
        headline += f"\n{missing}"
    if hardest := hardest_line(exercises):
        headline += f"\n{hardest}"
    _report_and_exit(doc, headline, paths, warnings, len(grader_errors), json_output)


def _student_json(rec: dict) -> dict:
    files = rec.get("files") or {}
    return {"student": rec["student"], "score": rec["score"], "max_score": rec["max_score"], "status": rec["status"],
            "found": files.get("found", []), "missing": files.get("missing", []), "closest": files.get("closest", {}), "problems": rec.get("problems", [])}


def _report_and_exit(doc: dict, headline: str, paths: dict, warnings: list[str], grader_errors: int, json_output: bool) -> None:
    if json_output:
        print(json.dumps(doc, ensure_ascii=True))
    else:
        out.print(escape(clean(headline)))
        for key in paths:
            out.print(f"  {key:<13} {escape(clean(str(paths[key])))}")
    for warning in warnings:
        err.print(f"[bold yellow]warning:[/] {escape(clean(warning))}")
    if grader_errors:
        err.print(f"[bold magenta]{grader_errors} submission(s) hit a grader error (not the students' fault); run the same command again to regrade them.[/]")
    # never a silent zero: a grader error, or a batch that failed as a whole, is not success
    raise Exit(1 if grader_errors or warnings else 0)


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


def _hold_or_exit(out_dir: Path) -> None:
    from ..batch.lock import OutputBusy, hold

    try:
        hold(out_dir)
    except OutputBusy as exc:
        raise fail(f"{exc}: two runs on one --out would grade everything twice", "wait for it to finish, or give this run an --out of its own (each shard its own)") from None
    except OSError as exc:
        raise fail(f"--out {out_dir} cannot be written: {exc.strerror or exc}", "choose an --out folder you can write to") from None


def _out_outside_submissions_or_exit(out_dir: Path, submissions: list[Path]) -> None:
    """--out inside a submissions folder would make its outputs (feedback/,
    gradescope/) students of the next run, or write into a student's folder."""
    from ..suggest import command

    out = out_dir.resolve()
    for path in submissions:
        where = path.resolve()
        if where.is_dir() and (out == where or where in out.parents):
            beside = where.parent / f"{where.name or 'submissions'}-grades"
            raise fail(
                f"--out {out_dir} is inside the submissions {path}: its outputs would be graded as students "
                "(or written into a student's folder)",
                "put the outputs beside the submissions: " + command("grade", *submissions, out=beside),
            )


def _roster_or_exit(roster: Path | None, no_submission: str):
    from ..lms import RosterError, read_roster

    if no_submission not in ("empty", "zero"):
        raise fail(f"--no-submission must be empty or zero, not {no_submission!r}", "pass --no-submission empty (no grade) or --no-submission zero")
    if roster is None:
        return None
    try:
        return read_roster(roster)
    except RosterError as exc:
        raise fail(str(exc), "export the roster again from the LMS as CSV (Canvas: Grades > Export; Moodle: Grades > Export > Plain text file)") from None


def _gradebooks_or_exit(out_dir: Path, course, records: dict, lms, key, names, no_submission: str, paths: dict, warnings: list[str]) -> dict | None:
    """canvas.csv and moodle.csv when a roster was given; their summary for --json."""
    from ..lms import RosterError, write_gradebooks

    if lms is None:
        return None
    try:
        result = write_gradebooks(out_dir, course, records, lms, key=key, names=names, no_submission=no_submission)
    except RosterError as exc:
        raise fail(str(exc), "fix the option named above; grades.csv and results.jsonl are already written") from None
    paths.update(result.paths)
    warnings += result.warnings
    return result.summary()


def _merge_and_exit(stores: list[Path], out_dir: Path, course, lms, gradebook_options: dict, json_output: bool) -> None:
    """``--merge``: join the stores into --out, rebuild every output, exit."""
    from ..batch.lock import writer
    from ..batch.outputs import class_rows, write_outputs
    from ..batch.shards import merge_stores
    from ..batch.summary import hardest_line

    _hold_or_exit(out_dir)
    for store in stores:
        if store.is_dir() and (who := writer(store)):
            raise fail(f"{store} is still being graded into ({who})", "merge once every shard has finished")
    try:
        records, warnings = merge_stores(stores, out_dir)
    except OSError as exc:
        raise fail(f"the stores could not be merged: {exc}", "pass the --out folders of the shards") from None
    paths = write_outputs(out_dir, course, records)
    gradebooks = _gradebooks_or_exit(out_dir, course, records, lms, gradebook_options["key"], gradebook_options["names"], gradebook_options["no_submission"], paths, warnings)
    grader_errors = [s for s, r in records.items() if r.get("status") == "internal_error"]
    doc = {
        "version": 1, "kind": "mathdl.grade", "merged": [str(s) for s in stores], "submissions": len(records),
        "outputs": {k: str(v) for k, v in paths.items()},
        "students": [{"student": r["student"], "score": r.get("score"), "max_score": r.get("max_score"), "status": r.get("status")} for r in records.values()],
        "grader_errors": len(grader_errors), "warnings": warnings,
        "exercises": (exercises := class_rows(course, records)),
        **({"roster": gradebooks} if gradebooks is not None else {}),
    }
    hardest = hardest_line(exercises)
    _report_and_exit(doc, f"Merged {len(stores)} store(s): {len(records)} student(s)." + (f"\n{hardest}" if hardest else ""), paths, warnings, len(grader_errors), json_output)


def register(app: typer.Typer) -> None:
    app.command("grade")(grade_command)
