"""One word per submission for grades.csv, results.jsonl and ``--json``, and
what was found against what was expected.

The words, first match wins:

* ``internal_error``: the grader failed on it (not the student's fault; a rerun regrades it);
* ``missing``: none of the chapter modules graded is in the submission (an empty folder, a misnamed file);
* ``passed``: every exercise passed;
* ``partial``: some points, not all;
* ``not_started``: every exercise still raises NotImplementedError (the stubs as given);
* ``timeout``: no points, and the time limit was hit;
* ``error``: no points, and the code could not run (a syntax or import error, an exception);
* ``failed``: no points: the code ran and gave wrong answers.
"""

from __future__ import annotations

from ..inert import one_line

SUBMISSION_STATUSES = ("passed", "partial", "failed", "not_started", "missing", "error", "timeout", "internal_error")


def _status(ex) -> str:
    return ex["status"] if isinstance(ex, dict) else ex.status


def _score(ex) -> float:
    return ex["score"] if isinstance(ex, dict) else ex.score


def submission_status(exercises: list, missing: int = 0, chapters: int = 0) -> str:
    """``exercises``: the ExerciseResult (or their JSON) of the chapter modules
    present; ``missing`` of the ``chapters`` modules graded were not in the submission."""
    statuses = [_status(e) for e in exercises]
    if "internal_error" in statuses:
        return "internal_error"
    if missing and missing >= chapters:
        return "missing"
    if statuses and not missing and all(s == "passed" for s in statuses):
        return "passed"
    if sum(_score(e) for e in exercises) > 0:
        return "partial"
    if statuses and all(s in ("not_started", "skipped") for s in statuses):
        return "not_started"
    for status in ("timeout", "error"):
        if status in statuses:
            return status
    return "failed"


def found_and_expected(sub, expected: list[str]) -> dict:
    """What the submission held and what the grader looked for: every file name
    seen, the modules expected, those missing and, for each, the closest name held."""
    from .submissions import misnamed

    missing = [name for name in expected if name not in sub.files]
    closest = {name: near for name in missing if (near := misnamed(sub, name))}
    return {"found": sorted({*sub.files, *sub.seen}), "expected": list(expected), "missing": missing, "closest": closest}


def describe_files(files: dict) -> str:
    """One line for the terminal: ``missing ch06_backprop.py (holds ch6_backprop.py)`` or ``empty``."""
    if not files or not files.get("missing"):
        return ""
    found = files.get("found", [])
    parts = []
    for name in files["missing"]:
        near = files.get("closest", {}).get(name)
        parts.append(f"{name} missing" + (f" (closest: {near})" if near else ""))
    held = f"holds {', '.join(found[:4])}" + (" ..." if len(found) > 4 else "") if found else "empty"
    return "; ".join(parts) + f"; {held}"


def counts(records: list[dict]) -> dict[str, int]:
    """How many submissions have each status, in the order of SUBMISSION_STATUSES."""
    found = {s: 0 for s in SUBMISSION_STATUSES}
    for rec in records:
        status = rec.get("status") or "failed"
        found[status] = found.get(status, 0) + 1
    return {s: n for s, n in found.items() if n}


def problem_lines(records: list[dict], limit: int = 20) -> list[str]:
    """One line per submission that needs a look: missing files (with what it
    held), and the submission's own problems (a misnamed module, an unreadable zip)."""
    lines = []
    for rec in sorted(records, key=lambda r: r.get("student", "")):
        said = describe_files(rec.get("files") or {})
        notes = [p for p in rec.get("problems", []) if p]
        if rec.get("status") in ("missing", "internal_error") or said or notes:
            lines.append(one_line(f"{rec.get('student')}: {rec.get('status')}" + (f": {said}" if said else "") + "".join(f"; {p}" for p in notes[:2])))
    if len(lines) > limit:
        lines = lines[:limit] + [f"... and {len(lines) - limit} more (see results.jsonl)"]
    return lines


def interrupted(subs: list, out, options_key: str) -> str:
    """What an interrupted ``mathdl grade`` says: how many submissions are saved,
    and the command (this one, as typed) that grades the rest."""
    import shlex
    import sys

    from .runner import read_results

    records = read_results(out)
    saved = sum(1 for sub in subs if (r := records.get(sub.student)) and r.get("options") == options_key
                and r.get("fingerprint") == sub.fingerprint() and r.get("status") != "internal_error")
    words, secret = [], False
    args = iter(sys.argv[1:])
    for word in args:  # the secret is never printed: it comes back from the environment
        if word == "--secret" or word.startswith("--secret="):
            secret = True
            if word == "--secret":
                next(args, None)
            continue
        words.append(shlex.quote(word))
    again = " ".join(["mathdl", *words, *(['--secret "$MATHDL_SECRET"'] if secret else [])])
    return (f"interrupted: {saved} of {len(subs)} submission(s) are graded and saved in {out / 'results.jsonl'}; "
            f"the same command grades the rest (the saved ones are reused):\n  {again}"
            + ("\n  (with MATHDL_SECRET set to the course secret)" if secret else ""))
