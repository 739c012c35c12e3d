"""Gradebooks an LMS imports: ``canvas.csv`` and ``moodle.csv`` from a roster.

The roster is the LMS's own export of the class, read as it is:

* Canvas: the gradebook export (Grades > Export), whose first columns are
  ``Student, ID, SIS User ID, SIS Login ID[, Integration ID], Section``,
  followed by a ``Points Possible`` row (and, in some courses, a ``Muted`` or
  ``Manual Posting`` row) before the students.
* Moodle: a grade export or the participants download, with ``First name``,
  ``Last name`` (or ``Surname``), ``Email address``, ``ID number``,
  ``Username`` among its columns.
* Any other CSV with a header row and a column of student ids.

A graded student is matched to a roster row by one column (``key``): the one
named by the instructor, else the identifier column holding the most of the
graded ids. Both files get one assignment column per chapter graded, with the
chapter's points (not a percentage).

The import rules below come from the LMS sources themselves:

Canvas (canvas-lms, ``app/models/gradebook_importer.rb``, class
``GradebookImporter``):

* the header is valid when the first cell contains ``Student`` and the second
  ``ID``; the third and fourth cells are recognised as ``SIS User ID`` and
  ``SIS Login ID`` (an ``Integration ID`` and a ``Root Account`` column may
  follow), and the last student-information column must be ``Section``
  (``header?``, ``update_column_count``); every later column is an assignment;
* a student row is matched by the Canvas user id in ``ID``, else by ``SIS User
  ID`` or ``SIS Login ID``, else by name (``process_student``);
* an assignment header ``Title (123)`` names the existing assignment with id
  123; any other header is matched by exact title, else creates a new
  assignment (``parse_assignments``, ``Assignment.title_and_id``, whose
  pattern is ``/\\A(.*)\\s\\((\\d+)\\)\\z/``): so a default assignment name must
  never end in a number in parentheses;
* a row whose first cell contains ``Points Possible`` sets the points of new
  assignments (``check_for_non_student_row``, ``process_pp``);
* the delimiter is ``,`` unless ``;`` splits the first lines more evenly
  (``identify_delimiter``), and a number may use a decimal comma;
* an empty cell means no grade (``no_score?`` treats ``""`` and ``-`` alike).

Moodle (``grade/import/csv/classes/load_data.php``, class
``gradeimport_csv_load_data``):

* headers are trimmed; the instructor maps one column to a user field:
  ``id``, ``idnumber``, ``email`` or ``username`` (``map_user_data_with_value``);
* a row whose user is not found, or whose identifier is blank, aborts the
  whole import (``check_user_exists``, ``usermappingerrorusernotfound``): so
  moodle.csv holds only students of the roster that have an identifier;
* a line with one field or fewer is skipped (``count($line) <= 1``);
* a grade ``-`` is no grade for existing and new grade items (``''`` only for
  existing ones), and a grade above ``gradepointmax`` (100 unless raised) is
  refused (``insert_grade_record``).
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .catalog import Chapter, Course
from .inert import clean, csv_cell

MAX_ROSTER_BYTES = 16_000_000
CANVAS_INFO = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
# identifier columns, in the order preferred when several match equally well
ID_COLUMNS = (
    "SIS User ID", "SIS Login ID", "ID number", "Username", "Email address", "Email",
    "Student ID", "SID", "ID", "Login ID", "User ID",
)
# Moodle's user fields a column can be mapped to, by the column names its exports use
MOODLE_FIELDS = {"email address": "Email address", "email": "Email address", "id number": "ID number", "username": "Username"}
MOODLE_MAX_GRADE = 100.0  # gradepointmax unless the site raised it
_CANVAS_ID_SUFFIX = re.compile(r"\s\((\d+)\)\Z")
_NON_STUDENT = re.compile(r"^\s*(Muted|Manual Posting.*)?\s*$", re.I)


class RosterError(ValueError):
    """The roster cannot be used; the message says why and what to change."""


@dataclass
class Roster:
    path: Path
    header: list[str]
    rows: list[dict[str, str]]
    kind: str  # canvas | moodle | csv

    def name(self, row: dict[str, str]) -> str:
        if row.get("Student"):
            return row["Student"]
        first = row.get("First name", "")
        last = row.get("Last name") or row.get("Surname") or ""
        return f"{last}, {first}" if last and first else (last or first or row.get("Name", ""))


@dataclass
class GradebookResult:
    key: str  # the roster column students were matched by
    matched: list[str] = field(default_factory=list)  # student ids found in the roster
    not_in_roster: list[str] = field(default_factory=list)  # graded, but no roster row
    no_submission: list[str] = field(default_factory=list)  # roster rows with no graded submission (their names)
    not_graded: list[str] = field(default_factory=list)  # matched, but a grader error: left empty
    warnings: list[str] = field(default_factory=list)
    paths: dict[str, Path] = field(default_factory=dict)
    roster: Roster | None = None

    def summary(self) -> dict:
        """For ``mathdl grade --json`` (``roster``)."""
        return {
            "file": str(self.roster.path) if self.roster else "", "kind": self.roster.kind if self.roster else "", "key": self.key,
            "matched": len(self.matched), "no_submission": self.no_submission, "not_in_roster": self.not_in_roster, "not_graded": self.not_graded,
        }


def read_roster(path: Path) -> Roster:
    """Read an LMS roster export (UTF-8, with or without a byte-order mark;
    comma, semicolon or tab separated). Raises RosterError."""
    from .batch.submissions import read_bounded

    try:
        data = read_bounded(path, MAX_ROSTER_BYTES)
    except ValueError as exc:
        raise RosterError(f"{path} {exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterError(f"{path} is not UTF-8 text (export it again as UTF-8 CSV)") from None
    lines = text.splitlines()
    if not lines:
        raise RosterError(f"{path} is empty")
    delimiter = _delimiter(lines[:3])
    table = [row for row in csv.reader(io.StringIO(text), delimiter=delimiter) if any(cell.strip() for cell in row)]
    header = [clean(h).strip() for h in table[0]]
    if len(header) < 2 or len(set(header)) < len(header):
        raise RosterError(f"{path}: the first row must name every column once (it reads {header[:8]})")
    canvas = "Student" in header[0] and "ID" in header[1] and "Section" in header
    rows = []
    for raw in table[1:]:
        first = raw[0] if raw else ""
        if canvas and ("Points Possible" in first or all(_NON_STUDENT.match(c) for c in raw)):
            continue  # Canvas's own description rows, not students
        rows.append({h: clean(raw[i]).strip() if i < len(raw) else "" for i, h in enumerate(header)})
    lowered = {h.lower() for h in header}
    kind = "canvas" if canvas else "moodle" if {"first name", "email address"} <= lowered or "id number" in lowered else "csv"
    return Roster(path=path, header=header, rows=rows, kind=kind)


def _delimiter(lines: list[str]) -> str:
    """The separator that splits the first lines into the same, largest number of fields."""
    best, count = ",", 0
    for sep in (",", ";", "\t"):
        counts = {len(next(csv.reader([line], delimiter=sep), [])) for line in lines}
        if len(counts) == 1 and (n := counts.pop()) > count:
            best, count = sep, n
    return best


def _norm(value: str) -> str:
    value = value.strip()
    return value.casefold() if "@" in value else value  # e-mail addresses are case-insensitive


def choose_key(roster: Roster, students: list[str], key: str | None = None) -> str:
    """The roster column the graded ids are matched with: ``key`` when given,
    else the identifier column holding the most of them."""
    if key:
        if key not in roster.header:
            raise RosterError(f"{roster.path} has no column {key!r}; its columns: {', '.join(roster.header)}")
        return key
    wanted = {_norm(s) for s in students}
    candidates = [c for c in ID_COLUMNS if c in roster.header]
    candidates += [h for h in roster.header if h not in candidates and h.lower() in {c.lower() for c in ID_COLUMNS}]
    if not candidates:
        raise RosterError(f"{roster.path} has no identifier column ({', '.join(ID_COLUMNS)}); name one with --roster-key")
    hits = {c: sum(_norm(row.get(c, "")) in wanted for row in roster.rows) for c in candidates}
    return max(candidates, key=lambda c: (hits[c], -candidates.index(c)))


def chapter_scores(course: Course, record: dict) -> dict[int, float]:
    """A record's points per chapter (only the chapters it was graded on)."""
    scores: dict[int, float] = {}
    for ex in record.get("exercises", []):
        number = ex.get("chapter")
        if isinstance(number, int):
            scores[number] = scores.get(number, 0.0) + float(ex.get("score", 0.0) or 0.0)
    return {n: round(s, 4) for n, s in scores.items()}


def graded_chapters(course: Course, records: dict[str, dict]) -> list[Chapter]:
    seen = {ex.get("chapter") for rec in records.values() for ex in rec.get("exercises", [])}
    return course.numbered(seen)


def assignment_names(chapters: list[Chapter], names: list[str] | None) -> list[str]:
    """One LMS assignment name per chapter: the instructor's, else ``mathdl chNN <slug>``
    (never ending in ``(digits)``, which Canvas reads as an assignment id)."""
    names = list(names or [])
    if names and len(names) != len(chapters):
        raise RosterError(
            f"{len(names)} --assignment name(s) for {len(chapters)} chapter(s) graded "
            f"({', '.join(ch.short for ch in chapters)}): give one per chapter, in that order"
        )
    return names or [f"mathdl ch{ch.number:02d} {ch.slug}" for ch in chapters]


def _points(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def write_gradebooks(
    out: Path,
    course: Course,
    records: dict[str, dict],
    roster: Roster,
    *,
    key: str | None = None,
    names: list[str] | None = None,
    no_submission: str = "empty",
) -> GradebookResult:
    """Write canvas.csv, moodle.csv and not_in_roster.csv into ``out``.

    ``no_submission`` (``empty`` or ``zero``) is the cell of a roster student
    without a graded submission. A student whose grading hit a grader error
    gets an empty cell, never a zero, and is listed in ``not_graded``."""
    if no_submission not in ("empty", "zero"):
        raise RosterError(f"--no-submission must be empty or zero, not {no_submission!r}")
    chapters = graded_chapters(course, records)
    columns = assignment_names(chapters, names)
    totals = [round(sum(ex.points for ex in ch.exercises), 4) for ch in chapters]
    key = choose_key(roster, list(records), key)
    result = GradebookResult(key=key, roster=roster)
    by_key: dict[str, str] = {}
    for student in sorted(records):
        by_key.setdefault(_norm(student), student)
    first_row: dict[str, int] = {}
    cells: list[list[str] | None] = []  # per roster row: one cell per chapter, None when no submission
    for i, row in enumerate(roster.rows):
        value = _norm(row.get(key, ""))
        student = by_key.get(value) if value else None
        if student is not None and value in first_row:
            result.warnings.append(f"the roster has two rows with {key} {row.get(key)!r}: the grade goes to the first only")
            student = None
        if student is None:
            cells.append(None)
            if value not in first_row:
                result.no_submission.append(roster.name(row) or row.get(key, "") or f"row {i + 2}")
            continue
        first_row[value] = i
        result.matched.append(student)
        rec = records[student]
        if rec.get("status") == "internal_error":
            result.not_graded.append(student)
            cells.append([""] * len(chapters))
            continue
        scores = chapter_scores(course, rec)
        cells.append([_points(scores[ch.number]) if ch.number in scores else "" for ch in chapters])
    result.not_in_roster = sorted(set(records) - set(result.matched))
    missing = "0" if no_submission == "zero" else ""
    result.paths["canvas"] = _write_csv(out / "canvas.csv", _canvas_rows(roster, columns, totals, cells, missing))
    moodle_rows, skipped = _moodle_rows(roster, key, columns, cells, "0" if no_submission == "zero" else "-")
    result.paths["moodle"] = _write_csv(out / "moodle.csv", moodle_rows)
    result.paths["not_in_roster"] = _write_csv(
        out / "not_in_roster.csv",
        [["student", "total", "max_total", "status"]]
        + [[csv_cell(s), records[s].get("score", 0.0), records[s].get("max_score", 0.0), records[s].get("status", "")] for s in result.not_in_roster],
    )
    if result.not_in_roster:
        shown = ", ".join(result.not_in_roster[:10]) + (" ..." if len(result.not_in_roster) > 10 else "")
        result.warnings.append(f"{len(result.not_in_roster)} graded submission(s) match no roster row by {key} and are in no LMS file: {shown} (see not_in_roster.csv)")
    if result.not_graded:
        result.warnings.append(f"{len(result.not_graded)} student(s) hit a grader error: their LMS cells are left empty until they are regraded")
    if skipped:
        result.warnings.append(f"{skipped} roster row(s) have no {key} and are left out of moodle.csv (Moodle would abort the import on them)")
    if any(t > MOODLE_MAX_GRADE for t in totals):
        result.warnings.append(f"a chapter is worth more than {MOODLE_MAX_GRADE:g} points: Moodle refuses such grades unless gradepointmax is raised")
    return result


def _canvas_rows(roster: Roster, columns: list[str], totals: list[float], cells: list, missing: str) -> list[list]:
    header = [*CANVAS_INFO, *(csv_cell(c) for c in columns)]
    rows: list[list] = [header, ["Points Possible", "", "", "", "", *[_points(t) for t in totals]]]
    for row, values in zip(roster.rows, cells):
        info = [csv_cell(roster.name(row)), *(csv_cell(row.get(h, "")) for h in CANVAS_INFO[1:])]
        rows.append([*info, *(values if values is not None else [missing] * len(columns))])
    return rows


def _moodle_rows(roster: Roster, key: str, columns: list[str], cells: list, missing: str) -> tuple[list[list], int]:
    """Moodle's identifier: the matching key when Moodle can map it to a user
    field (e-mail, ID number, username), else the first roster column it can,
    else the key itself."""
    fits = [h for h in roster.header if h.lower() in MOODLE_FIELDS]
    ident = key if key in fits else (fits[0] if fits else key)
    rows: list[list] = [[csv_cell(MOODLE_FIELDS.get(ident.lower(), ident)), *(csv_cell(c) for c in columns)]]
    skipped = 0
    for row, values in zip(roster.rows, cells):
        if not row.get(ident):
            skipped += 1
            continue
        grades = [v or "-" for v in values] if values is not None else [missing] * len(columns)
        rows.append([csv_cell(row[ident]), *grades])
    return rows, skipped


def _write_csv(path: Path, rows: list[list]) -> Path:
    """Comma-separated UTF-8, what both LMSs read by default. Text from the
    roster or the submissions was neutralised by the caller (csv_cell); grades
    are written as they are (Moodle's no-grade mark ``-`` must stay bare)."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", newline="", encoding="utf-8", errors="replace") as fh:
        csv.writer(fh).writerows(rows)
    os.replace(tmp, path)
    return path
