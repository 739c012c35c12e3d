"""`mathdl grade --roster`: canvas.csv and moodle.csv, read back the way Canvas
and Moodle read an import (their header and matching rules, as cited in
mathdl_cli/lms.py), from sample roster exports."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from security.attacks_confinement import honest
from mathdl_cli.lms import RosterError, read_roster, write_gradebooks
from support import course, mutant_source, mutants, stub_source

CH2 = course.chapter("ch2")
TOTAL = sum(ex.points for ex in CH2.exercises)

# Canvas's gradebook export: info columns, a Points Possible row, an existing assignment
CANVAS_ROSTER = (
    "Student,ID,SIS User ID,SIS Login ID,Section,Homework 1 (4411),Current Score,Final Score\n"
    "    Points Possible,,,,,10.00,(read only),(read only)\n"
    '"Lovelace, Ada",501,1001,ada,Section A,9.00,90,90\n'
    '"Babbage, Charles",502,1002,cbabbage,Section A,7.00,70,70\n'
    '"Noether, Emmy",503,1003,emmy,Section B,,,\n'
    '"=HYPERLINK(""http://x""), Mallory",504,1004,mallory,Section B,,,\n'
)
# Moodle's participants download (semicolon separated, with a byte-order mark, as a
# spreadsheet saves it in many locales)
MOODLE_ROSTER = (
    "\ufeffFirst name;Last name;ID number;Email address;Groups\n"
    "Ada;Lovelace;1001;Ada@Uni.edu;G1\n"
    "Charles;Babbage;1002;cb@uni.edu;G1\n"
    "Emmy;Noether;1003;emmy@uni.edu;G2\n"
    "Alan;Turing;;alan@uni.edu;G2\n"
)


def grade(*args, env=None):
    return subprocess.run([sys.executable, "-m", "mathdl_cli", "grade", *map(str, args)], capture_output=True, text=True, timeout=600,
                          env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A small class graded once: 1001 correct, 1002 partial, 1004 a stub, 9999 not
    in any roster. (1003 has no submission.) Outputs are rebuilt with --merge."""
    base = tmp_path_factory.mktemp("lms")
    bad = next(m for m in mutants(course, CH2) if m.exercise == "ridge")
    for student, text in {"1001": honest(), "1002": mutant_source(course, bad), "1004": stub_source(CH2), "9999": honest()}.items():
        (base / "subs" / student).mkdir(parents=True)
        (base / "subs" / student / CH2.filename).write_text(text)
    out = base / "out"
    res = grade(base / "subs", "--out", out, "--chapter", "ch2", "--secret", "lms-secret", "--json")
    assert res.returncode == 0, res.stderr[-3000:]
    (base / "canvas.csv").write_text(CANVAS_ROSTER)
    (base / "moodle.csv").write_bytes(MOODLE_ROSTER.encode("utf-8"))
    with open(out / "grades.csv", newline="") as fh:
        totals = {row["student"]: row["total"] for row in csv.DictReader(fh)}
    return {"base": base, "out": out, "totals": totals}


def rebuild(graded, name: str, *options: str) -> tuple[Path, dict, subprocess.CompletedProcess]:
    out = graded["base"] / name
    res = grade("--merge", graded["out"], "--out", out, "--json", *options)
    return out, json.loads(res.stdout), res


# -- the LMSs' own reading of an import file ------------------------------------------


def canvas_import(path: Path, students: list[dict]) -> dict:
    """Canvas's GradebookImporter, reduced to what decides the outcome: the
    header rule, the info columns, the Points Possible row, assignment titles
    with ids, and matching a row by ID, then SIS User ID, SIS Login ID, name."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    assert len(header) > 3 and "Student" in header[0] and "ID" in header[1], "Canvas: Invalid header row"
    assert re.search(r"SIS\s+User\s+ID", header[2]) and re.search(r"SIS\s+Login\s+ID", header[3])
    assert "Section" in header[4], "Canvas: the last student column must be Section"
    assignments = []
    for title in header[5:]:
        m = re.fullmatch(r"(.*)\s\((\d+)\)", title)
        assignments.append({"title": m.group(1) if m else title, "id": int(m.group(2)) if m else None})
    result = {"assignments": assignments, "points": {}, "grades": {}, "unknown": []}
    for row in rows[1:]:
        if "Points Possible" in row[0]:
            result["points"] = {a["title"]: float(v) for a, v in zip(assignments, row[5:])}
            continue
        student = next((s for s in students if row[1] and str(s["ID"]) == row[1]), None)
        student = student or next((s for s in students if row[2] and s["SIS User ID"] == row[2]), None)
        student = student or next((s for s in students if row[3] and s["SIS Login ID"] == row[3]), None)
        student = student or next((s for s in students if s["Student"] == row[0]), None)
        if student is None:
            result["unknown"].append(row[0])
            continue
        result["grades"][student["ID"]] = {a["title"]: v.strip() for a, v in zip(assignments, row[5:])}
    return result


def moodle_import(path: Path, users: list[dict], map_from: str, map_to: str) -> dict:
    """Moodle's gradeimport_csv: trimmed headers, the user found by the mapped
    field or the whole import aborts, '-' and '' are no grade, a number above
    gradepointmax (100) is refused, lines of one field are skipped."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header = [h.strip() for h in rows[0]]
    key = header.index(map_from)
    grades = {}
    for line in rows[1:]:
        if len(line) <= 1:
            continue
        value = line[key].strip()
        user = next((u for u in users if value and u[map_to] == value), None)
        assert user is not None, f"Moodle: user mapping error, no user with {map_to} {value!r}: the import is aborted"
        cells = {}
        for i, cell in enumerate(line):
            if i == key:
                continue
            cell = cell.strip()
            if cell in ("", "-"):
                cells[header[i]] = None
            else:
                number = float(cell)  # unformat_float: a bad value aborts too
                assert number <= 100, "Moodle: grade value too big"
                cells[header[i]] = number
        grades[user["email"]] = cells
    return grades


CANVAS_STUDENTS = [
    {"ID": 501, "SIS User ID": "1001", "SIS Login ID": "ada", "Student": "Lovelace, Ada"},
    {"ID": 502, "SIS User ID": "1002", "SIS Login ID": "cbabbage", "Student": "Babbage, Charles"},
    {"ID": 503, "SIS User ID": "1003", "SIS Login ID": "emmy", "Student": "Noether, Emmy"},
    {"ID": 504, "SIS User ID": "1004", "SIS Login ID": "mallory", "Student": "Mallory"},
]
MOODLE_USERS = [  # Moodle's user table, as the roster above was exported from it
    {"email": "Ada@Uni.edu", "idnumber": "1001"}, {"email": "cb@uni.edu", "idnumber": "1002"},
    {"email": "emmy@uni.edu", "idnumber": "1003"}, {"email": "alan@uni.edu", "idnumber": ""},
]


def test_canvas_gradebook_imports(graded):
    out, doc, res = rebuild(graded, "canvas", "--roster", graded["base"] / "canvas.csv")
    assert res.returncode == 1  # a submission outside the roster is a warning: the instructor must act
    roster = doc["roster"]
    assert roster["kind"] == "canvas" and roster["key"] == "SIS User ID" and roster["matched"] == 3
    assert roster["not_in_roster"] == ["9999"] and roster["no_submission"] == ["Noether, Emmy"]
    assert "9999" in res.stderr and "not_in_roster.csv" in res.stderr
    imported = canvas_import(out / "canvas.csv", CANVAS_STUDENTS)
    title = "mathdl ch02 linear_regression"
    assert imported["assignments"] == [{"title": title, "id": None}]  # a new assignment, named in full
    assert imported["points"] == {title: TOTAL}
    assert imported["unknown"] == []
    totals = graded["totals"]
    assert float(imported["grades"][501][title]) == float(totals["1001"]) == TOTAL
    assert float(imported["grades"][502][title]) == float(totals["1002"]) < TOTAL
    assert float(imported["grades"][504][title]) == float(totals["1004"]) == 0
    assert imported["grades"][503][title] == ""  # no submission: no grade
    with open(out / "canvas.csv", newline="") as fh:
        cells = [c for row in csv.reader(fh) for c in row]
    assert '\'=HYPERLINK("http://x"), Mallory' in cells  # a roster name is never a formula
    assert "9999" not in cells
    with open(out / "not_in_roster.csv", newline="") as fh:
        assert [row["student"] for row in csv.DictReader(fh)] == ["9999"]


def test_canvas_existing_assignment_and_zero_for_no_submission(graded):
    out, doc, _ = rebuild(graded, "canvas0", "--roster", graded["base"] / "canvas.csv", "--assignment", "Homework 1 (4411)", "--no-submission", "zero")
    imported = canvas_import(out / "canvas.csv", CANVAS_STUDENTS)
    assert imported["assignments"] == [{"title": "Homework 1", "id": 4411}]  # Canvas updates assignment 4411
    assert imported["grades"][503]["Homework 1"] == "0"


def test_moodle_gradebook_imports(graded):
    out, doc, res = rebuild(graded, "moodle", "--roster", graded["base"] / "moodle.csv")
    roster = doc["roster"]
    assert roster["kind"] == "moodle" and roster["key"] == "ID number"
    assert roster["not_in_roster"] == ["1004", "9999"] and roster["no_submission"] == ["Noether, Emmy", "Turing, Alan"]
    with open(out / "moodle.csv", newline="") as fh:
        header = next(csv.reader(fh))
    assert header == ["ID number", "mathdl ch02 linear_regression"]
    grades = moodle_import(out / "moodle.csv", MOODLE_USERS, "ID number", "idnumber")
    column = "mathdl ch02 linear_regression"
    assert grades["Ada@Uni.edu"][column] == float(graded["totals"]["1001"]) == TOTAL
    assert grades["cb@uni.edu"][column] == float(graded["totals"]["1002"])
    assert grades["emmy@uni.edu"][column] is None  # "-": no grade
    assert "alan@uni.edu" not in grades  # no ID number: left out, or Moodle would abort the import
    assert any("no ID number" in w for w in doc["warnings"])


def test_moodle_by_email_and_zero(graded):
    """Students known by e-mail (as Gradescope ids often are): matched without
    regard to case, written as the roster has them."""
    subs = graded["base"] / "subs_email"
    (subs / "ada@uni.edu").mkdir(parents=True)
    (subs / "ada@uni.edu" / CH2.filename).write_text(honest())
    out = graded["base"] / "moodle_email"
    res = grade(subs, "--out", out, "--chapter", "ch2", "--secret", "lms-secret", "--roster", graded["base"] / "moodle.csv",
                "--roster-key", "Email address", "--no-submission", "zero", "--json")
    doc = json.loads(res.stdout)
    assert res.returncode == 0, res.stderr[-2000:]
    assert doc["roster"]["matched"] == 1 and doc["roster"]["not_in_roster"] == []
    with open(out / "moodle.csv", newline="") as fh:
        assert next(csv.reader(fh)) == ["Email address", "mathdl ch02 linear_regression"]
    grades = moodle_import(out / "moodle.csv", MOODLE_USERS, "Email address", "email")
    column = "mathdl ch02 linear_regression"
    assert grades == {"Ada@Uni.edu": {column: TOTAL}, "cb@uni.edu": {column: 0}, "emmy@uni.edu": {column: 0}, "alan@uni.edu": {column: 0}}


def test_roster_problems_are_usage_errors(graded, tmp_path):
    (tmp_path / "r.csv").write_bytes(b"\xff\xfeS\x00t\x00")
    res = grade("--merge", graded["out"], "--out", tmp_path / "o", "--roster", tmp_path / "r.csv")
    assert res.returncode == 2 and "UTF-8" in res.stderr
    res = grade("--merge", graded["out"], "--out", tmp_path / "o", "--roster", graded["base"] / "canvas.csv", "--roster-key", "Nope")
    assert res.returncode == 2 and "no column 'Nope'" in res.stderr
    res = grade("--merge", graded["out"], "--out", tmp_path / "o", "--roster", graded["base"] / "canvas.csv", "--assignment", "A", "--assignment", "B")
    assert res.returncode == 2 and "one per chapter" in res.stderr


def test_grader_error_leaves_the_cell_empty(tmp_path):
    (tmp_path / "r.csv").write_text("Student,ID,SIS User ID,SIS Login ID,Section\nA,1,s1,a,S\nB,2,s2,b,S\n")
    ex = {"id": "ch02.ridge", "chapter": 2, "score": 0.0, "max_score": 3.0, "checks": []}
    records = {
        "s1": {"student": "s1", "status": "internal_error", "score": 0.0, "max_score": 3.0, "exercises": [ex]},
        "s2": {"student": "s2", "status": "failed", "score": 1.5, "max_score": 3.0, "exercises": [dict(ex, score=1.5)]},
    }
    result = write_gradebooks(tmp_path, course, records, read_roster(tmp_path / "r.csv"), no_submission="zero")
    assert result.not_graded == ["s1"] and any("grader error" in w for w in result.warnings)
    with open(tmp_path / "canvas.csv", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[2][5] == "" and rows[3][5] == "1.5"  # never a silent zero for a grader error
    with pytest.raises(RosterError):
        write_gradebooks(tmp_path, course, records, read_roster(tmp_path / "r.csv"), no_submission="maybe")
