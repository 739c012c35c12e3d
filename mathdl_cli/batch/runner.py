"""Grade many submissions in parallel, resumably, and never lose a result.

Each submission is graded by a worker process of the grader (trusted side),
which runs the graders in instructor mode against one sandboxed child holding
only that submission's files. Every finished submission is appended at once to
``results.jsonl`` (one line, written with a single ``write`` on an O_APPEND file
and fsynced), so a killed run loses nothing and a rerun grades only what is
missing or changed. Outputs are rebuilt from ``results.jsonl`` at the end.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
import traceback
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from ..catalog import Chapter, Course, load_course
from ..defaults import GRADED_MEMORY_MB
from ..inert import one_line
from .submissions import Submission, load_files, missing_module
from .verdict import found_and_expected, submission_status

if TYPE_CHECKING:  # the pool's modules are imported only when a pool is needed (not on a resume)
    from concurrent.futures import Future, ProcessPoolExecutor

    from ..sandbox.zygote import ZygoteHandle

RESULTS = "results.jsonl"
IN_PROCESS = 2  # batches this small are graded in this process, without a worker pool
# what a pool's forkserver imports once, so that each worker starts with it (not pytest:
# workers run the checks without a pytest session, and importing it delays every worker's start)
PRELOAD = ["mathdl_cli.grading.session", "mathdl_cli.grading.fastpath", "mathdl_cli.batch.runner", "numpy"]


@dataclass
class Options:
    chapters: list[str]  # chapter modules to grade
    secret: str
    timeout: float = 300.0  # per submission, seconds of wall time
    memory_mb: int = GRADED_MEMORY_MB
    workers: int = 0
    hide: list[str] = field(default_factory=list)  # folders children must not see
    isolation: str = ""  # the probed isolation (its description, JSON) for worker processes; not part of key()

    def key(self) -> str:
        """What a stored result depends on besides the files (for resumption)."""
        import hashlib

        raw = json.dumps({"chapters": self.chapters, "secret": hashlib.sha256(self.secret.encode()).hexdigest()}, sort_keys=True)
        return hashlib.sha256(raw.encode()).hexdigest()[:16]


def hidden_seed_for(secret: str, student: str):
    from ..grading.state import stable_seed

    return lambda exercise: stable_seed("mathdl-hidden", secret, student, exercise.id)


def grade_submission(sub: Submission, options: Options) -> dict:
    """Grade one submission (runs in a worker). Returns the JSON-lines record."""
    from ..grading.session import run_checks
    from ..results import CheckResult, ExerciseResult
    from ..sandbox import Limits

    t0 = time.perf_counter()
    course = load_course()
    chapters = [course.chapter(name) for name in options.chapters]
    modules: dict[Chapter, bytes] = {ch: sub.files[ch.filename] for ch in chapters if ch.filename in sub.files}
    exercises: list[ExerciseResult] = []
    isolation = ""
    if modules:
        report = run_checks(
            course,
            modules,
            mode="instructor",
            hidden_seed=hidden_seed_for(options.secret, sub.student),
            limits=Limits(memory_mb=options.memory_mb, cpu_seconds=int(options.timeout) + 5),
            target=sub.student,
            time_budget=options.timeout,
            hide=[Path(p) for p in options.hide],
            zygote=True,
            fast=True,
            ahead=True,
        )
        exercises = report.exercises
        isolation = report.isolation
    present = list(exercises)
    problems = list(sub.problems)
    others = [name for name in sub.files if name not in {ch.filename for ch in chapters}]
    for ch in chapters:
        if ch.filename in sub.files:
            continue
        message, problem = missing_module(sub, ch.filename, others)
        if problem:
            problems.append(problem)
        for ex in ch.exercises:
            exercises.append(
                ExerciseResult(
                    id=ex.id, chapter=ch.number, title=ex.title, points=ex.points,
                    checks=[CheckResult(exercise=ex.id, name="submission file", case="0", visibility="public", weight=1.0,
                                        status="error", message=message, diagnostic={"kind": "missing", "quantity": ch.filename})],
                )
            )
    order = {ex.id: i for i, ex in enumerate(ex for ch in course.numbered({ch.number for ch in chapters}) for ex in ch.exercises)}
    exercises.sort(key=lambda e: order.get(e.id, 0))
    score = round(sum(e.score for e in exercises), 4)
    max_score = round(sum(e.max_score for e in exercises), 4)
    return {
        "version": 1,
        "student": sub.student,
        "source": sub.source,
        "fingerprint": sub.fingerprint(),
        "options": options.key(),
        # a grader error (a child that could not start, say) is regraded by the next run
        "status": submission_status(present, missing=len(chapters) - len(modules), chapters=len(chapters)),
        "files": found_and_expected(sub, [ch.filename for ch in chapters]),
        "score": score,
        "max_score": max_score,
        "isolation": isolation or "none (no file to run)",
        "problems": problems,
        "exercises": [e.to_json() for e in exercises],
        "elapsed": round(time.perf_counter() - t0, 3),
        "graded_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }


def _failed_record(sub: Submission, options: Options, message: str) -> dict:
    """Fail closed: a submission the grader could not grade gets zero, flagged."""
    course = load_course()
    exercises = []
    for name in options.chapters:
        ch = course.chapter(name)
        for ex in ch.exercises:
            exercises.append({
                "id": ex.id, "chapter": ch.number, "title": ex.title, "status": "internal_error", "score": 0.0, "max_score": ex.points,
                "checks": [{"name": "grading", "case": "0", "visibility": "public", "weight": 1.0, "status": "internal_error",
                            "message": message, "rerun": "", "output": "", "warnings": [], "diagnostic": None, "duration": 0.0}],
            })
    return {
        "version": 1, "student": sub.student, "source": sub.source, "fingerprint": sub.fingerprint(), "options": options.key(),
        "status": "internal_error", "score": 0.0, "max_score": sum(e["max_score"] for e in exercises), "isolation": "",
        "problems": list(sub.problems) + [message], "exercises": exercises, "elapsed": 0.0,
        "graded_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }


_finalizer = None


def _worker(sub: Submission, options: Options) -> dict:
    global _finalizer
    if _finalizer is None:  # pool workers skip atexit: remove this worker's cgroups as it ends
        import multiprocessing.util

        from ..sandbox import cleanup

        _finalizer = multiprocessing.util.Finalize(None, cleanup, exitpriority=10)
    if options.isolation:  # a pool's forkserver may have started before the isolation was probed
        from ..sandbox.probe import INHERITED

        os.environ[INHERITED] = options.isolation
    record = _grade_or_record_failure(sub, options)
    if record.get("status") == "internal_error":
        # a grader error is often passing (a child slow to start on a loaded
        # machine): grade once more before recording it for the next run
        record = _grade_or_record_failure(sub, options)
    return record


def _grade_or_record_failure(sub: Submission, options: Options) -> dict:
    try:
        return grade_submission(sub, options)
    except Exception:  # never lose the submission: record the grader's failure
        return _failed_record(sub, options, "internal grading error (regrade this submission): " + traceback.format_exc(limit=3)[-1500:])


def read_results(out: Path) -> dict[str, dict]:
    """The latest complete record per student in ``out``'s store."""
    return read_store(out / RESULTS)


def read_store(path: Path) -> dict[str, dict]:
    """The latest complete record per student; torn or foreign lines are skipped."""
    latest: dict[str, dict] = {}
    if not path.exists():
        return latest
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and isinstance(record.get("student"), str):
                latest[record["student"]] = record
    return latest


def append_result(out: Path, record: dict) -> None:
    # backslashreplace: a lone surrogate that reached a record must not stop the batch
    line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8", "backslashreplace")
    fd = os.open(out / RESULTS, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass
class BatchSummary:
    total: int
    graded: int
    reused: int
    records: dict[str, dict]
    elapsed: float


def _repair_tail(out: Path) -> None:
    """A run killed mid-write may leave a partial last line: end it, so the next
    record starts on a line of its own (the partial line is then skipped)."""
    path = out / RESULTS
    if path.exists() and path.stat().st_size:
        with open(path, "rb+") as fh:
            fh.seek(-1, os.SEEK_END)
            if fh.read(1) != b"\n":
                fh.write(b"\n")


def grade_all(
    subs: list[Submission],
    course: Course,
    options: Options,
    out: Path,
    on_done: Callable[[Submission, dict, bool], None] | None = None,
    prepare: Callable[[], object] | None = None,
) -> BatchSummary:
    """Grade every submission not already graded with the same files and options.
    ``prepare`` (the command's isolation check) runs only if something is left to grade."""
    t0 = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    _repair_tail(out)
    previous = read_results(out)
    todo: list[Submission] = []
    reused = 0
    for sub in subs:
        load_files(sub, course)
        old = previous.get(sub.student)
        if old and old.get("fingerprint") == sub.fingerprint() and old.get("options") == options.key() and old.get("status") != "internal_error":
            reused += 1
            if on_done:
                on_done(sub, old, True)
        else:
            todo.append(sub)
    graded = 0
    zygote: ZygoteHandle | None = None
    if todo:  # a resume with nothing left to grade starts no child: nothing to probe
        from ..sandbox import hand_down, probe_isolation

        if len(todo) > IN_PROCESS and _start_method() == "forkserver":
            _start_forkserver()  # its imports overlap with the probe
        ahead = _zygote_ahead(course, options)  # so does the zygote's start-up
        if prepare is not None:
            prepare()
        isolation = probe_isolation()  # probed once, here (or by prepare), for every worker
        hand_down(isolation)
        options = replace(options, isolation=json.dumps(isolation.describe()))
        zygote = _shared(ahead, isolation)
    workers = options.workers or os.cpu_count() or 1
    workers = max(1, min(workers, len(todo) or 1))
    if len(todo) <= IN_PROCESS:  # a pool's start costs more than grading these here
        for sub in todo:
            record = _worker(sub, options)
            append_result(out, record)
            graded += 1
            if on_done:
                on_done(sub, record, False)
        todo = []
    pending = list(reversed(todo))
    attempts: dict[str, int] = {}
    if pending:
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures.process import BrokenProcessPool
    while pending:
        with _pool(workers, zygote) as pool:
            running: dict[Future, Submission] = {}
            broken = False
            while (pending or running) and not broken:
                while pending and len(running) < workers * 2:
                    sub = pending.pop()
                    running[pool.submit(_worker, sub, options)] = sub
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for fut in done:
                    sub = running.pop(fut)
                    try:
                        record = fut.result()
                    except BrokenProcessPool:
                        # a worker died (killed by something, or out of memory): every
                        # submission in flight is retried once in a fresh pool
                        broken = True
                        attempts[sub.student] = attempts.get(sub.student, 0) + 1
                        if attempts[sub.student] < 2:
                            pending.append(sub)
                            continue
                        record = _failed_record(sub, options, "the grading worker died twice while grading this submission")
                    except Exception as exc:  # noqa: BLE001
                        record = _failed_record(sub, options, f"internal grading error: {type(exc).__name__}: {exc}")
                    append_result(out, record)
                    graded += 1
                    if on_done:
                        on_done(sub, record, False)
            if broken:
                pending.extend(running.values())
    records = read_results(out) if graded else previous
    return BatchSummary(total=len(subs), graded=graded, reused=reused, records=records, elapsed=time.perf_counter() - t0)


def batch_warnings(subs: list[Submission], records: dict[str, dict], course: Course, chapters: list[Chapter]) -> list[str]:
    """What the instructor must hear about before trusting the gradebook: a
    chapter whose module no submission holds (with the chapters they do hold and
    the ``--chapter`` that fits), or every submission scoring 0 the same way."""
    from collections import Counter

    from .submissions import misnamed

    out = []
    for ch in chapters:
        if any(ch.filename in sub.files for sub in subs):
            continue
        held = Counter(name for sub in subs for name in sub.files)
        near = Counter(n for n in (misnamed(sub, ch.filename) for sub in subs) if n)
        text = f"no submission holds {ch.filename}: every submission scores 0 on chapter {ch.number}."
        if held:
            by_name = {c.filename: c for c in course.chapters if c.filename in held}
            listing = ", ".join(f"{name} ({n})" for name, n in held.most_common(5))
            fits = " ".join(f"--chapter {by_name[name].short}" for name, _ in held.most_common(3) if name in by_name)
            text += f" The submissions hold {listing}: did you mean {fits}?"
        if near:
            name, n = near.most_common(1)[0]
            text += f" {sum(near.values())} submission(s) hold a file named like it (e.g. {one_line(name)}): it must be named {ch.filename} exactly."
        out.append(text)
    graded = [records[s.student] for s in subs if s.student in records]
    if not out and len(graded) >= 2 and all(r.get("score", 0) == 0 for r in graded):
        signatures = {_first_failure(r) for r in graded}
        if len(signatures) == 1:
            status, line = signatures.pop()
            out.append(f"every submission ({len(graded)}) scored 0 the same way ({status}: {line}); check the set-up before trusting these grades.")
    return out


_NOT_FOUND = re.compile(r"could not be imported: ModuleNotFoundError: No module named '([A-Za-z_][A-Za-z0-9_.]{0,100})'")


def missing_modules_line(graded: list[dict]) -> str:
    """One line for the instructor (not a warning: each is that student's mistake, told in
    their feedback) when submissions could not be imported for a module this machine
    lacks: which, how many, and how to allow a library the course permits; else ""."""
    from collections import Counter

    per_record = [_modules_not_found(r) for r in graded]
    missing = Counter(name for names in per_record for name in names)
    if not missing:
        return ""
    listing = ", ".join(f"{name} ({n})" for name, n in missing.most_common(8))
    students = sum(1 for names in per_record if names)
    return (f"{students} submission(s) could not be imported for a module this machine does not have: {listing}; "
            "if the course allows a library, pip install it here and grade again into a new --out folder.")


def _modules_not_found(record: dict) -> set[str]:
    """The modules outside the standard library, numpy and torch whose absence stopped a
    record's chapter modules importing (read from the import checks' messages: a dotted
    name of letters, digits and _ only). A standard module missing is the machine's
    fault, for the every-submission warning to name."""
    from ..provided import is_provided

    found = set()
    for ex in record.get("exercises", []):
        for check in ex.get("checks", [])[:1]:  # an import error is the same in every check
            if (check.get("diagnostic") or {}).get("kind") == "import" and (m := _NOT_FOUND.search(check.get("message") or "")):
                if not is_provided(m.group(1)):
                    found.add(m.group(1))
    return found


def _first_failure(record: dict) -> tuple[str, str]:
    for problem in record.get("problems", [])[:1]:
        return "problem", problem
    for ex in record.get("exercises", []):
        for check in ex.get("checks", []):
            if check.get("status") != "passed":
                message = (check.get("message") or "").strip()
                return check.get("status", ""), message.splitlines()[0][:300] if message else ""
    return "", ""


def _start_method() -> str:
    """How the pool starts its workers: ``fork`` where it is safe (Linux, and no
    other thread in this process, whose locks a fork would copy held): each
    worker is then a copy of this process, which has imported everything it
    needs (a forkserver imports it all again, about 0.1 s of CPU per run), and
    the modules that own processes and folders forget them in the copy (their
    ``register_at_fork`` hooks). Otherwise (the progress bar's thread, say) a
    forkserver, which imports PRELOAD once for every worker."""
    import threading

    return "fork" if sys.platform.startswith("linux") and threading.active_count() == 1 else "forkserver"


def _context():
    import multiprocessing

    if _start_method() == "fork":
        return multiprocessing.get_context("fork")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


def _start_forkserver() -> None:
    """Start the pool's forkserver now: it imports PRELOAD in the background."""
    from multiprocessing import forkserver

    _context()
    try:
        forkserver.ensure_running()
    except OSError:
        pass  # the pool starts it itself (and says why it cannot)


def _pool(workers: int, zygote: ZygoteHandle | None = None) -> ProcessPoolExecutor:
    from concurrent.futures import ProcessPoolExecutor

    if zygote is None:
        return ProcessPoolExecutor(max_workers=workers, mp_context=_context())
    return ProcessPoolExecutor(max_workers=workers, mp_context=_context(), initializer=_adopt, initargs=(zygote,))


def _adopt(zygote: ZygoteHandle) -> None:
    from ..sandbox.zygote import adopt

    adopt(zygote)


def _zygote_ahead(course: Course, options: Options):
    """The zygote of the isolation the probe will most likely choose, for the
    chapters graded, started now so that its start-up overlaps with the probe
    (None where that isolation does not fork, or its zygote cannot start: the
    workers then start their own, as they would anyway)."""
    from ..catalog import preload_for
    from ..sandbox.probe import likely
    from ..sandbox.zygote import shared_zygote

    try:
        isolation = likely()
        if isolation is None or not isolation.forks:
            return None
        return shared_zygote(preload_for([course.chapter(name) for name in options.chapters]), isolation)
    except Exception:  # noqa: BLE001 - a guess that failed costs nothing: the probe decides
        return None


def _shared(zygote, isolation) -> ZygoteHandle | None:
    """The zygote started ahead, for the workers, if the probe chose its isolation;
    else it is stopped."""
    from ..sandbox.zygote import stop_zygote, zygote_key

    if zygote is None:
        return None
    if zygote.key != zygote_key(zygote.preload, isolation) or not zygote.alive():
        stop_zygote(zygote)
        return None
    return zygote.handle()
