"""The instructor's outputs, rebuilt from results.jsonl after every run.

* ``grades.csv``: one row per student, one column per exercise, then total,
  max_total, status and isolation (written with the csv module; a cell that a
  spreadsheet would read as a formula is neutralised).
* ``feedback/<student>.md``: what the student may see: public checks in full,
  hidden checks as pass/fail with the quantity only. Everything a student
  controls (their id, printed output, exception messages) is inert Markdown:
  escaped inline, or inside a fence it cannot close.
* ``gradescope/<student>/results.json``: Gradescope's autograder format, with
  plain-text output.
* ``summary.md``: the class per exercise (see :mod:`.summary`).

``<student>`` is :func:`mathdl_cli.batch.submissions.file_name` of the id:
injective, so no two students share a file.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

from ..catalog import Course
from ..console import points
from ..inert import clean, csv_cell, md_block, md_code, md_inline, shorten
from ..lms import graded_chapters
from ..grading.errors import hidden_diagnostic, hidden_message
from .runner import RESULTS
from .submissions import file_name
from .summary import exercise_summary, summary_markdown

GRADEBOOK = "grades.csv"
SUMMARY = "summary.md"

MAX_FEEDBACK_CHARS = 100_000
MAX_MESSAGE_CHARS = 4_000
MAX_OUTPUT_LINES = 30
MAX_OUTPUT_CHARS = 3_000

_STATUS_WORD = {
    "passed": "passed",
    "failed": "failed",
    "error": "error",
    "timeout": "timed out",
    "not_started": "not started",
    "skipped": "skipped",
    "internal_error": "grader error (will be regraded)",
}


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8", errors="replace")
    os.replace(tmp, path)


def exercise_columns(course: Course, records: dict[str, dict]) -> list[str]:
    seen = {e["id"] for r in records.values() for e in r.get("exercises", [])}
    return [ex.id for ch in graded_chapters(course, records) for ex in ch.exercises if ex.id in seen]


def class_rows(course: Course, records: dict[str, dict]) -> list[dict]:
    """summary.md's rows (see :func:`.summary.exercise_summary`), in the gradebook's column order."""
    return exercise_summary(records, exercise_columns(course, records))


def write_gradebook(out: Path, course: Course, records: dict[str, dict]) -> Path:
    columns = exercise_columns(course, records)
    path = out / GRADEBOOK
    tmp = path.with_name(GRADEBOOK + ".tmp")
    with open(tmp, "w", newline="", encoding="utf-8", errors="replace") as fh:
        writer = csv.writer(fh)
        writer.writerow(["student", *columns, "total", "max_total", "status", "isolation"])
        for student in sorted(records):
            rec = records[student]
            scores = {e["id"]: e["score"] for e in rec.get("exercises", [])}
            row = [student, *[scores.get(c, 0.0) for c in columns], rec.get("score", 0.0), rec.get("max_score", 0.0), rec.get("status", ""), rec.get("isolation", "")]
            writer.writerow([csv_cell(cell) for cell in row])
    os.replace(tmp, path)
    return path


def _is_hidden(check: dict) -> bool:
    return check.get("visibility") == "hidden"


def _message(check: dict) -> str:
    """A check's message; a hidden check's is rebuilt from its reported
    diagnostic, so a record written by an older mathdl cannot leak either."""
    if _is_hidden(check):
        status = check.get("status", "")
        return "" if status == "passed" else hidden_message(status, hidden_diagnostic(check.get("diagnostic")))
    return shorten(clean(check.get("message", "") or ""), MAX_MESSAGE_CHARS)


def _check_lines(check: dict) -> list[str]:
    hidden = _is_hidden(check)
    status = check.get("status", "")
    mark = "✓" if status == "passed" else "✗"
    label = f"case {md_inline(str(check.get('case', '')))}" + (" (hidden)" if hidden else "")
    lines = [f"- {mark} {label}: {clean(check.get('name', ''))}: {_STATUS_WORD.get(status, md_inline(status))}"]
    if status == "passed":
        return lines
    # hidden checks carry only a fixed message from the grader (see plugin.make_result);
    # their printed output is never shown
    message = _message(check)
    if message:
        lines += ["", *md_block(message, indent="  ")]
    output = check.get("output") or ""
    if not hidden and output.strip():
        tail = "\n".join(output.splitlines()[-MAX_OUTPUT_LINES:])
        lines += ["", "  Your code printed:", "", *md_block(shorten(tail, MAX_OUTPUT_CHARS, keep="tail"), indent="  ")]
    return lines + [""]


def feedback_markdown(rec: dict, limit: int = MAX_FEEDBACK_CHARS) -> str:
    head = [f"# Feedback for {md_code(str(rec.get('student', '')))}", "", f"**Score: {points(rec.get('score', 0))} / {points(rec.get('max_score', 0))}**", ""]
    for problem in rec.get("problems", []):
        head.append(f"> Note: {md_code(problem)}")
    if rec.get("problems"):
        head.append("")
    tail = ["Public cases show the details; hidden cases, drawn for you alone, show only whether they passed."]
    parts, size, left_out = list(head), sum(len(line) + 1 for line in head), 0
    for ex in rec.get("exercises", []):
        block = [
            f"## {clean(str(ex.get('id', '')))}: {clean(ex.get('title', ''))}: {points(ex.get('score', 0))} / {points(ex.get('max_score', 0))} "
            f"({_STATUS_WORD.get(ex.get('status'), md_inline(str(ex.get('status'))))})",
            "",
        ]
        for check in ex.get("checks", []):
            lines = _check_lines(check)
            cost = sum(len(line) + 1 for line in lines)
            if size + cost > limit:  # whole blocks only: every fence opened is closed
                left_out += 1
                lines = [f"- {'✓' if check.get('status') == 'passed' else '✗'} case {md_inline(str(check.get('case', '')))}: "
                         f"{_STATUS_WORD.get(check.get('status'), 'failed')} (details left out)"]
                cost = sum(len(line) + 1 for line in lines)
            block += lines
            size += cost
        parts += block + [""]
    if left_out:
        tail.insert(0, f"(This feedback was shortened: the details of {left_out} check(s) were left out to keep it under {limit // 1000} kB.)\n")
    return "\n".join(parts + tail) + "\n"


VISIBILITIES = ("after_due_date", "after_published", "hidden", "visible")  # Gradescope's test visibilities


def gradescope_json(rec: dict, hidden_visibility: str = "after_published") -> dict:
    """Gradescope's results.json for one record: one test per check, numbered
    ``<exercise>.<check>``, tagged with the exercise id and public/hidden;
    hidden checks get ``hidden_visibility``. A passed check's points are its
    share of the exercise's recorded score, so the tests add up to ``score``."""
    tests = []
    for e_number, ex in enumerate(rec.get("exercises", []), start=1):
        checks = ex.get("checks", [])
        graded = [c for c in checks if c.get("status") != "skipped"]
        total = sum(c.get("weight", 1.0) for c in graded) or 1.0
        won = sum(c.get("weight", 1.0) for c in graded if c.get("status") == "passed")
        for c_number, c in enumerate(checks, start=1):
            hidden = _is_hidden(c)
            share = ex.get("max_score", 0.0) * c.get("weight", 1.0) / total if c in graded else 0.0
            passed = c.get("status") == "passed"
            output = _message(c)
            if not hidden and (c.get("output") or "").strip() and not passed:
                output += "\n\nYour code printed:\n" + shorten(clean(c["output"]), MAX_OUTPUT_CHARS, keep="tail")
            tests.append({
                "name": clean(f"{ex['id']} case {c.get('case')}: {c.get('name', '')}"),
                "number": f"{e_number}.{c_number}",
                "score": ex.get("score", 0.0) * c.get("weight", 1.0) / won if passed and c in graded else 0.0,
                "max_score": share,
                "status": "passed" if passed else "failed",
                "output": output,
                "output_format": "text",
                "visibility": hidden_visibility if hidden else "visible",
                "tags": [clean(str(ex.get("id", ""))), "hidden" if hidden else "public"],
            })
    return {
        "score": rec.get("score", 0.0),
        "execution_time": round(rec.get("elapsed", 0.0) or 0.0),
        "output": clean(f"mathdl: {points(rec.get('score', 0))} / {points(rec.get('max_score', 0))}" + "".join(f"\nNote: {p}" for p in rec.get("problems", []))),
        "output_format": "text",
        "test_output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def write_outputs(out: Path, course: Course, records: dict[str, dict]) -> dict[str, Path]:
    paths = {"gradebook": out / GRADEBOOK, "results": out / RESULTS, "summary": out / SUMMARY, "feedback": out / "feedback", "gradescope": out / "gradescope"}
    files = [paths["gradebook"], paths["summary"]] + [out / "feedback" / f"{file_name(s)}.md" for s in records] + [out / "gradescope" / file_name(s) / "results.json" for s in records]
    if _newer_than_results(out, files):
        return paths  # a resume that graded nothing: every output was built from these very results
    write_gradebook(out, course, records)
    _atomic_write(paths["summary"], summary_markdown(class_rows(course, records), len(records)))
    for student, rec in records.items():
        name = file_name(student)
        _atomic_write(out / "feedback" / f"{name}.md", feedback_markdown(rec))
        # compact: json's C encoder (with indent it takes the pure-Python one, ten times slower)
        _atomic_write(out / "gradescope" / name / "results.json", json.dumps(gradescope_json(rec), ensure_ascii=False))
    return paths


def _newer_than_results(out: Path, files: list[Path]) -> bool:
    """Whether every output file exists and was written after results.jsonl last
    changed (each run appends to it before writing the outputs, so an output older
    than it, or missing, means the outputs must be rebuilt)."""
    try:
        results = (out / RESULTS).stat().st_mtime_ns
        return all(f.stat().st_mtime_ns > results for f in files)
    except OSError:
        return False
