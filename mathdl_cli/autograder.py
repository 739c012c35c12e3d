"""Inside Gradescope's container: grade one submission, write results.json.

``run_autograder`` (see ``autograder_files/``) runs ``python -I -m
mathdl_cli.autograder``. Every path is under ``$MATHDL_AUTOGRADER_ROOT``
(default ``/autograder``, Gradescope's layout):

* ``source/mathdl/``: what ``mathdl gradescope`` packed: ``config.json``
  (chapters, limits, hidden-check visibility), ``secret`` and ``course/``
  (exercises, graders and the chapters' references);
* ``submission/``: the student's files, searched for the chapter modules at any
  depth (the same reader as ``mathdl grade``);
* ``submission_metadata.json``: who submitted (Gradescope's layout: ``users``,
  each with ``email``, ``id``, ``name`` and, where the course set it, ``sid``);
* ``results/results.json``: written here, always, even when grading fails.

Grading goes through ``mathdl grade``'s own path (:func:`batch.runner.grade_all`
on one submission, then :func:`batch.outputs.gradescope_json`), with the
strongest isolation the container allows. When that is only a plain process
(no namespaces in the container), weak isolation is allowed explicitly and the
output says so.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

from .defaults import GRADED_MEMORY_MB

WEAK = "weak: neither bubblewrap nor namespaces can be used in this container, so student code ran as a plain process"


def root_dir() -> Path:
    return Path(os.environ.get("MATHDL_AUTOGRADER_ROOT") or "/autograder")


def submitters(path: Path) -> tuple[list[str], str]:
    """The ids of the submitters in ``submission_metadata.json``: each user's
    ``sid``, else ``email``, else Gradescope ``id`` (the order ``mathdl grade``
    uses on a Gradescope export, so a regrade there draws the same hidden
    cases). Returns the ids and a problem ("" when there is none)."""
    from .batch.submissions import MAX_METADATA_BYTES, read_bounded
    from .inert import clean

    try:
        meta = json.loads(read_bounded(path, MAX_METADATA_BYTES).decode("utf-8", "replace"))
    except (ValueError, RecursionError) as exc:
        return [], f"{path.name} could not be used: {clean(str(exc))[:200]}"
    users = meta.get("users") if isinstance(meta, dict) else None
    if not isinstance(users, list) or not users:
        return [], f"{path.name} lists no users"
    ids: list[str] = []
    for user in users:
        if not isinstance(user, dict):
            continue
        for key in ("sid", "email", "id"):
            value = user.get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                value = str(value)
            if isinstance(value, str) and value.strip():
                ident = clean(value.strip())[:200]
                if ident not in ids:
                    ids.append(ident)
                break
    return ids, "" if ids else f"no user in {path.name} has a sid, e-mail or id"


def grade(root: Path, t0: float) -> tuple[dict, list[str]]:
    """Grade ``root/submission``; the results.json document and lines for the
    instructor's log (Gradescope shows stdout to instructors only)."""
    here = root / "source" / "mathdl"
    config = json.loads((here / "config.json").read_text(encoding="utf-8"))
    secret = (here / "secret").read_text(encoding="utf-8").strip()
    if not secret:
        raise RuntimeError("the autograder was packed without a course secret")
    os.environ["MATHDL_COURSE"] = str(here / "course")  # before anything loads the course
    os.environ.pop("MATHDL_SECRET", None)

    from .batch.outputs import gradescope_json
    from .batch.runner import Options, grade_all
    from .batch.submissions import Submission
    from .catalog import load_course
    from .sandbox import probe_isolation

    course = load_course()
    ids, problem = submitters(root / "submission_metadata.json")
    notes, log = [], []
    if ids:
        student = sorted(ids)[0]
        if len(ids) > 1:
            notes.append(f"Group submission ({', '.join(ids)}): graded once, with the hidden cases drawn for {student}.")
    else:
        student = "unknown"
        log.append(f"WARNING: {problem}: graded as {student!r}, so hidden cases are those of every such submission")
    isolation = probe_isolation()
    weak = not getattr(isolation, "confined", not isolation.name.startswith("process"))
    sub = Submission(student=student, source="submission", path=root / "submission")
    options = Options(
        chapters=list(config["chapters"]),
        secret=secret,
        timeout=float(config.get("timeout", 300.0)),
        memory_mb=int(config.get("memory_mb", GRADED_MEMORY_MB)),
        workers=1,
        hide=[str(root / "source"), str(root / "results"), str(root / "submission")],
    )
    with tempfile.TemporaryDirectory(prefix="mathdl-gradescope-") as work:
        summary = grade_all([sub], course, options, Path(work))
        record = summary.records[student]
    used = record.get("isolation") or isolation.name
    log.append(f"student: {student}; isolation: {used}" + (f" ({WEAK}; allowed explicitly for Gradescope)" if weak else ""))
    doc = gradescope_json(record, hidden_visibility=config.get("hidden_visibility", "after_published"))
    doc["execution_time"] = round(time.monotonic() - t0)
    if record.get("status") == "internal_error":
        notes.append("The grader hit an error of its own on this submission (not your code): your instructor can regrade it.")
        log.append("GRADER ERROR: " + "; ".join(record.get("problems", []))[-3000:])
    if weak:
        notes.append(f"Isolation: {used} ({WEAK}).")
    doc["output"] = "\n".join([doc["output"], *notes])
    log.append(f"score: {record.get('score')} / {record.get('max_score')} ({record.get('status')}); elapsed {record.get('elapsed')} s")
    return doc, log


def failure(root: Path, t0: float, reason: str) -> dict:
    """A valid results.json when grading itself failed: zero, with a message;
    one failed test per exercise when the configuration can still be read."""
    tests = []
    try:
        config = json.loads((root / "source" / "mathdl" / "config.json").read_text(encoding="utf-8"))
        os.environ["MATHDL_COURSE"] = str(root / "source" / "mathdl" / "course")
        from .catalog import load_course

        course = load_course()
        for number, name in enumerate(config["chapters"], start=1):
            for e_number, ex in enumerate(course.chapter(name).exercises, start=1):
                tests.append({"name": f"{ex.id}: not graded", "number": f"{number}.{e_number}", "score": 0.0, "max_score": ex.points,
                              "status": "failed", "output": reason, "output_format": "text", "visibility": "visible", "tags": [ex.id]})
    except Exception:  # noqa: BLE001 - the message alone will do
        tests = []
    return {
        "score": 0.0, "execution_time": round(time.monotonic() - t0), "output": reason, "output_format": "text",
        "test_output_format": "text", "visibility": "visible", "stdout_visibility": "hidden", "tests": tests,
    }


def write_results(path: Path, doc: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8", errors="replace")
    os.replace(tmp, path)


def main() -> int:
    t0 = time.monotonic()
    root = root_dir()
    results = root / "results" / "results.json"
    try:
        doc, log = grade(root, t0)
    except BaseException:  # noqa: BLE001 - whatever happens, Gradescope gets a results.json
        print(traceback.format_exc(), flush=True)
        doc, log = failure(root, t0, "The autograder could not grade this submission (an error of the grader, not of your code). Your instructor can see why in the autograder output."), []
    try:
        write_results(results, doc)
    finally:
        for line in log:
            print(f"mathdl: {line}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
