"""A graded batch's outputs, as the attacks' ``verify(run, attack)`` read them.

A corpus runner builds one ``BatchRun`` per graded batch (``BatchRun(out_dir,
completed_process)``) and passes it to every attack's ``verify``. It reads the
outputs the way an instructor and a student would: results.jsonl (the latest
record per student), grades.csv, feedback/<file>.md and
gradescope/<file>/results.json, where <file> is the injective file name of the
student id.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from mathdl_cli.batch.submissions import file_name

_ATX = re.compile(r" {0,3}#{1,6}(\s|$)")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_BACKTICKS = re.compile(r"`+")


def student_of(attack: Any) -> str:
    """The student id an attack's submission is graded under (its folder or zip name)."""
    name = attack.folder or attack.name
    return name[:-4] if attack.zip and name.endswith(".zip") else name


@dataclass
class BatchRun:
    out: Path
    process: subprocess.CompletedProcess | None = None

    @cached_property
    def records(self) -> dict[str, dict]:
        latest = {}
        for line in (self.out / "results.jsonl").read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            latest[record["student"]] = record
        return latest

    @cached_property
    def gradebook(self) -> list[list[str]]:
        """grades.csv as rows of raw cells (the header first)."""
        with open(self.out / "grades.csv", newline="", encoding="utf-8") as fh:
            return list(csv.reader(fh))

    def record(self, attack: Any) -> dict:
        return self.records[student_of(attack)]

    def feedback(self, attack: Any) -> str:
        return (self.out / "feedback" / f"{file_name(student_of(attack))}.md").read_text(encoding="utf-8")

    def gradescope(self, attack: Any) -> dict:
        return json.loads((self.out / "gradescope" / file_name(student_of(attack)) / "results.json").read_text(encoding="utf-8"))

    def texts(self, attack: Any) -> str:
        """Everything written about this student: its results.jsonl record (as the
        decoded strings), its feedback and its Gradescope results."""
        return "\n".join([strings(self.record(attack)), self.feedback(attack), strings(self.gradescope(attack))])

    def exercise(self, attack: Any, exercise_id: str) -> dict:
        return next(e for e in self.record(attack)["exercises"] if e["id"] == exercise_id)


def strings(value: Any) -> str:
    """Every string in a JSON tree, one per line."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "\n".join(strings(v) for v in [*value.keys(), *value.values()])
    if isinstance(value, list):
        return "\n".join(strings(v) for v in value)
    return ""


def _split(text: str) -> tuple[list[str], bool]:
    """The lines outside fenced code blocks (CommonMark: a fence closes only with
    the same character, at least as long, nothing after it), and whether every
    fence was closed."""
    lines, fence = [], None
    for line in text.splitlines():
        m = _FENCE.match(line.strip())
        if fence is None:
            if m:
                fence = m.group(1)
            else:
                lines.append(line)
        elif m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not m.group(2).strip():
            fence = None
    return lines, fence is None


def outside_fences(text: str) -> list[str]:
    """The lines of Markdown that are not inside a fenced code block, without their
    code spans: what a renderer may read as markup."""
    return [without_code_spans(line) for line in _split(text)[0]]


def without_code_spans(line: str) -> str:
    """``line`` with its code spans left out (CommonMark: a run of backticks opens one,
    the next run of the same length closes it; a run never closed is text)."""
    runs = list(_BACKTICKS.finditer(line))
    out, pos, i = [], 0, 0
    while i < len(runs):
        closing = next((j for j in range(i + 1, len(runs)) if len(runs[j].group()) == len(runs[i].group())), None)
        if closing is None:
            i += 1
            continue
        out.append(line[pos : runs[i].start()])
        pos, i = runs[closing].end(), closing + 1
    return "".join(out) + line[pos:]


def markdown_structure(text: str) -> tuple[list[str], bool]:
    """The lines a renderer reads as structure outside code fences (ATX headings
    and bold score lines), and whether every fence was closed."""
    lines, closed = _split(text)
    return [line.strip() for line in lines if _ATX.match(line) or line.strip().startswith("**Score")], closed
