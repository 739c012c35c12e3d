"""The instructor's outputs, rebuilt from results.jsonl after every run.

* ``grades.csv``: one row per student, one column per exercise, then total,
  max_total, status and isolation (written with the csv module).
* ``feedback/<student>.md``: what the student may see: public checks in full,
  hidden checks as pass/fail with the quantity only.
* ``gradescope/<student>/results.json``: Gradescope's autograder format.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

from ..catalog import Course

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
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def exercise_columns(course: Course, records: dict[str, dict]) -> list[str]:
    seen = {e["id"] for r in records.values() for e in r.get("exercises", [])}
    return [ex.id for ex in course.all_exercises() if ex.id in seen]


def write_gradebook(out: Path, course: Course, records: dict[str, dict]) -> Path:
    columns = exercise_columns(course, records)
    path = out / "grades.csv"
    tmp = path.with_name("grades.csv.tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["student", *columns, "total", "max_total", "status", "isolation"])
        for student in sorted(records):
            rec = records[student]
            scores = {e["id"]: e["score"] for e in rec.get("exercises", [])}
            writer.writerow([student, *[scores.get(c, 0.0) for c in columns], rec.get("score", 0.0), rec.get("max_score", 0.0), rec.get("status", ""), rec.get("isolation", "")])
    os.replace(tmp, path)
    return path


def _check_line(check: dict) -> list[str]:
    hidden = check.get("visibility") == "hidden"
    status = check.get("status", "")
    mark = "✓" if status == "passed" else "✗"
    label = f"case {check.get('case')}" + (" (hidden)" if hidden else "")
    lines = [f"- {mark} {label}: {check.get('name', '')}: {_STATUS_WORD.get(status, status)}"]
    if status != "passed":
        message = check.get("message", "") or ""
        if hidden:
            # hidden cases: the verdict and the quantity, never inputs or expected values
            message = message.splitlines()[0] if message else ""
        if message:
            lines.append("")
            lines.append("  ```text")
            lines += ["  " + line for line in message.splitlines()]
            lines.append("  ```")
        if not hidden and check.get("output"):
            lines.append("  Your code printed:")
            lines.append("  ```text")
            lines += ["  " + line for line in check["output"].splitlines()[-30:]]
            lines.append("  ```")
    return lines


def feedback_markdown(rec: dict) -> str:
    lines = [f"# Feedback for {rec['student']}", "", f"**Score: {rec.get('score', 0):g} / {rec.get('max_score', 0):g}**", ""]
    for problem in rec.get("problems", []):
        lines.append(f"> Note: {problem}")
    if rec.get("problems"):
        lines.append("")
    for ex in rec.get("exercises", []):
        lines.append(f"## {ex['id']}: {ex.get('title', '')}: {ex.get('score', 0):g} / {ex.get('max_score', 0):g} ({_STATUS_WORD.get(ex['status'], ex['status'])})")
        lines.append("")
        for check in ex.get("checks", []):
            lines += _check_line(check)
        lines.append("")
    lines.append("Public cases show the details; hidden cases, drawn for you alone, show only whether they passed.")
    return "\n".join(lines) + "\n"


def gradescope_json(rec: dict) -> dict:
    tests = []
    for ex in rec.get("exercises", []):
        checks = ex.get("checks", [])
        graded = [c for c in checks if c.get("status") != "skipped"]
        total = sum(c.get("weight", 1.0) for c in graded) or 1.0
        for c in checks:
            hidden = c.get("visibility") == "hidden"
            share = ex.get("max_score", 0.0) * c.get("weight", 1.0) / total if c in graded else 0.0
            message = c.get("message", "") or ""
            if hidden and message:
                message = message.splitlines()[0]
            tests.append({
                "name": f"{ex['id']} case {c.get('case')}: {c.get('name', '')}",
                "score": share if c.get("status") == "passed" else 0.0,
                "max_score": share,
                "status": "passed" if c.get("status") == "passed" else "failed",
                "output": message,
                "visibility": "after_published" if hidden else "visible",
            })
    return {
        "score": rec.get("score", 0.0),
        "output": f"mathdl: {rec.get('score', 0):g} / {rec.get('max_score', 0):g}" + "".join(f"\nNote: {p}" for p in rec.get("problems", [])),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def write_outputs(out: Path, course: Course, records: dict[str, dict]) -> dict[str, Path]:
    paths = {"gradebook": write_gradebook(out, course, records), "results": out / "results.jsonl"}
    for student, rec in records.items():
        _atomic_write(out / "feedback" / f"{student}.md", feedback_markdown(rec))
        _atomic_write(out / "gradescope" / student / "results.json", json.dumps(gradescope_json(rec), ensure_ascii=False, indent=1))
    paths["feedback"] = out / "feedback"
    paths["gradescope"] = out / "gradescope"
    return paths
