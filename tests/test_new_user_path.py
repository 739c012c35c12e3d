"""Issue 9, a new user's path, through real processes (`python -m mathdl_cli ...`):
every problem named, every suggestion pasteable, every mistake explained."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from support import course, mutant_source, mutants, reference_source, stub_source

CH2 = course.chapter("ch2")
ROOT = Path(__file__).resolve().parents[1]


def mathdl(*args, cwd=None, env=None, timeout=600):
    environ = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "100", **(env or {})}
    return subprocess.run([sys.executable, "-m", "mathdl_cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=environ, timeout=timeout)


# -- 1. grades.csv status vocabulary, found vs expected, a summary ---------------------------

def test_grade_names_every_submission_status(tmp_path):
    subs = tmp_path / "subs"
    sources = {
        "good": {CH2.filename: reference_source(course, CH2)},
        "stub": {CH2.filename: stub_source(CH2)},
        "syntax": {CH2.filename: stub_source(CH2) + "\ndef broken(:\n    pass\n"},
        "partial": {CH2.filename: mutant_source(course, mutants(course, CH2)[0])},
        "misnamed": {"ch2_linear_regression.py": reference_source(course, CH2)},
        "empty": {},
    }
    for student, files in sources.items():
        (subs / student).mkdir(parents=True)
        for name, text in files.items():
            (subs / student / name).write_text(text)
    out = tmp_path / "out"
    r = mathdl("grade", subs, "--out", out, "--chapter", "ch2", "--secret", "s", "--allow-weak-isolation", "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    with open(out / "grades.csv", newline="") as fh:
        status = {row["student"]: row["status"] for row in csv.DictReader(fh)}
    assert status == {"good": "passed", "stub": "not_started", "syntax": "error", "partial": "partial", "misnamed": "missing", "empty": "missing"}
    assert doc["statuses"] == {"passed": 1, "partial": 1, "not_started": 1, "missing": 2, "error": 1}
    students = {s["student"]: s for s in doc["students"]}
    assert students["misnamed"]["found"] == ["ch2_linear_regression.py"]
    assert students["misnamed"]["missing"] == [CH2.filename]
    assert students["misnamed"]["closest"] == {CH2.filename: "ch2_linear_regression.py"}
    assert students["empty"]["found"] == [] and students["empty"]["missing"] == [CH2.filename]
    records = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert {r["student"]: r["status"] for r in records} == status
    # the terminal: the same summary and one line per submission that needs a look
    r = mathdl("grade", subs, "--out", out, "--chapter", "ch2", "--secret", "s", "--allow-weak-isolation")
    assert "6 submission(s): 1 passed, 1 partial, 1 not started, 2 missing, 1 error." in r.stdout
    assert f"misnamed: missing: {CH2.filename} missing (closest: ch2_linear_regression.py)" in r.stdout
    assert f"empty: missing: {CH2.filename} missing; empty" in r.stdout


def test_grade_summarises_the_class_per_exercise(tmp_path):
    """summary.md, grade --json's `exercises` and the terminal's "Hardest exercises"
    agree with grades.csv: the mean per exercise over every submission, full marks,
    stubs, code that could not run, submissions without the module; and the check a
    mutant fails is the one counted most failed."""
    mutant = next(m for m in mutants(course, CH2) if m.exercise == "ridge")
    sources = {"good1": reference_source(course, CH2), "good2": reference_source(course, CH2), "stub": stub_source(CH2),
               "broken": stub_source(CH2) + "\ndef broken(:\n    pass\n", "ridge_bug": mutant_source(course, mutant), "none": None}
    subs = tmp_path / "subs"
    for student, text in sources.items():
        (subs / student).mkdir(parents=True)
        if text is not None:
            (subs / student / CH2.filename).write_text(text)
    out = tmp_path / "out"
    r = mathdl("grade", subs, "--out", out, "--chapter", "ch2", "--secret", "s", "--allow-weak-isolation", "--json")
    assert r.returncode == 0, r.stderr
    rows = {row["id"]: row for row in json.loads(r.stdout)["exercises"]}
    with open(out / "grades.csv", newline="") as fh:
        table = list(csv.DictReader(fh))
    for ex in CH2.exercises:
        row = rows[ex.id]
        column = [float(t[ex.id]) for t in table]
        assert row["mean"] == pytest.approx(sum(column) / len(column)) and row["graded"] == len(table) == 6
        assert row["full_marks"] == sum(1 for v in column if v == ex.points)
        assert (row["not_started"], row["could_not_run"], row["missing"]) == (1, 1, 1), (ex.id, row)
    ridge = rows["ch02.ridge"]
    assert ridge["full_marks"] == 2 and ridge["checks_failed"] and ridge["checks_failed"][0]["failed"] == 1
    records = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    bug = next(rec for rec in records if rec["student"] == "ridge_bug")
    failing = {(c["case"], c["name"]) for e in bug["exercises"] if e["id"] == "ch02.ridge" for c in e["checks"] if c["status"] == "failed"}
    shown = {(c["case"], c["name"]) for c in ridge["checks_failed"]}
    assert shown <= failing and len(shown) == min(len(failing), 5)  # at most five per exercise
    summary = (out / "summary.md").read_text()
    assert "| ch02.ridge | " in summary.replace("\\_", "_") and "## The checks failed most often" in summary
    r = mathdl("grade", subs, "--out", out, "--chapter", "ch2", "--secret", "s", "--allow-weak-isolation")
    hardest = next(line for line in r.stdout.splitlines() if line.startswith("Hardest exercises: "))
    assert "ch02.ridge (mean " in hardest and "Per exercise: summary.md." in hardest


# -- 2. names: full ids, one chapter listed, did you mean ------------------------------------

def test_full_ids_one_chapter_and_did_you_mean(tmp_path):
    assert mathdl("new", "ch2", "--dir", tmp_path).returncode == 0
    r = mathdl("check", "ch02.least_squares", "--dir", tmp_path, "--json")
    assert r.returncode == 1, r.stderr
    assert [ex["id"] for ex in json.loads(r.stdout)["exercises"]] == ["ch02.least_squares"]
    r = mathdl("list", "ch2", "--json")
    assert r.returncode == 0 and [ch["number"] for ch in json.loads(r.stdout)["chapters"]] == [2]
    r = mathdl("list", "ch3", "2", "ch3", "--json")  # several chapters, as validate and record take them; each once
    assert r.returncode == 0 and [ch["number"] for ch in json.loads(r.stdout)["chapters"]] == [3, 2]
    r = mathdl("list", "ch2", "ch3x")
    assert r.returncode == 2 and "next: mathdl list ch2 ch3" in r.stderr
    r = mathdl("check", "ch6", "backprpo", "--dir", tmp_path)  # named before the missing module
    assert r.returncode == 2 and "did you mean mlp_backward" in r.stderr
    assert f"next: mathdl check ch6 mlp_backward --dir {tmp_path}" in r.stderr
    r = mathdl("hint", "ridgee", "--dir", tmp_path)
    assert r.returncode == 2 and "did you mean ch02.ridge" in r.stderr and "Traceback" not in r.stderr
    r = mathdl("new", "backprpo", "--dir", tmp_path)
    assert r.returncode == 2 and "did you mean ch6 (backprop)?" in r.stderr
    r = mathdl("check", "ch99", "--dir", tmp_path)  # a number is not a typo of another number
    assert r.returncode == 2 and "did you mean" not in r.stderr and "mathdl list" in r.stderr
    r = mathdl("check", "ch2", "nonsense_xyz", "--dir", tmp_path)
    assert r.returncode == 2 and "`mathdl list ch2`" in r.stderr  # a command that works
    assert mathdl("list", "ch2").returncode == 0


# -- 3. suggestions carry --dir; state in the workbook; read-only folders -----------------------

def _next_commands(text: str) -> list[list[str]]:
    import re
    import shlex

    found = re.findall(r"(mathdl (?:check|hint|new|list|status) [^`\n()·]*)", text)  # not the title "mathdl check · ..."
    return [args for c in found if len(args := shlex.split(c.strip())[1:]) > 1]


def test_every_suggestion_works_when_pasted_elsewhere(tmp_path):
    book, elsewhere = tmp_path / "my workbook", tmp_path / "elsewhere"
    elsewhere.mkdir()
    r = mathdl("new", "ch2", "--dir", book, cwd=elsewhere)
    pasted = _next_commands(r.stdout)
    assert pasted == [["check", "ch2", "--dir", str(book)]]
    r = mathdl(*pasted[0], cwd=elsewhere)
    assert r.returncode == 1 and "not started" in r.stdout
    follow = _next_commands(r.stdout)
    assert ["check", "ch2", "least_squares", "--dir", str(book)] in follow
    assert ["hint", "ch02.least_squares", "--dir", str(book)] in follow
    for args in follow[:2]:
        r = mathdl(*args, cwd=elsewhere)
        assert r.returncode in (0, 1), r.stderr
    # hints and progress live in the workbook, never in the folder the command ran in
    assert (book / ".mathdl" / "hints.json").is_file() and (book / ".mathdl" / "progress.json").is_file()
    assert not (elsewhere / ".mathdl").exists()
    r = mathdl("hint", "ch02.least_squares", "--dir", book, cwd=elsewhere)
    assert "Hint 2 of" in r.stdout


def _read_only(folder: Path, *args) -> list[str]:
    """The command to run ``mathdl ARGS`` with ``folder`` read-only: a read-only bind
    mount in a user namespace as root (root ignores file modes), else chmod 555."""
    command = [sys.executable, "-m", "mathdl_cli", *map(str, args)]
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return command
    import shlex
    import shutil

    if not shutil.which("unshare") or subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode:
        pytest.skip("as root a read-only folder needs a mount namespace (unshare -rm), unavailable here")
    where = shlex.quote(str(folder))
    return ["unshare", "-rm", "sh", "-c", f"mount --bind {where} {where} && mount -o remount,bind,ro {where} && exec {shlex.join(command)}"]


@pytest.mark.parametrize("args", [("new", "ch3"), ("new", "ch2", "--force"), ("hint", "ch02.ridge")])
def test_read_only_workbook_one_line_exit_2(tmp_path, args):
    book = tmp_path / "book"
    assert mathdl("new", "ch2", "--dir", book).returncode == 0
    mine = (book / CH2.filename).read_text() + "\n# my work\n"
    (book / CH2.filename).write_text(mine)
    r = subprocess.run(_read_only(book, *args, "--dir", book), capture_output=True, text=True, timeout=120,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
    book.chmod(0o755)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr and r.stderr.startswith("error: cannot write ") and "read-only" in r.stderr.lower()
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 2 and lines[1].startswith("next: ") and f"--dir {book}" in lines[1]
    assert (book / CH2.filename).read_text() == mine  # never the student's file
    assert sorted(p.name for p in book.iterdir()) == [CH2.filename]


def test_a_folder_that_cannot_be_made_is_not_called_read_only(tmp_path):
    """--dir through a file, or under /proc: the message says why (not "read-only"), and
    the next step is a folder that works when pasted (no chmod of a folder that is not there)."""
    (tmp_path / "notes.txt").write_text("mine\n")
    for where, why in [(tmp_path / "notes.txt" / "book", "part of that path is a file"),
                       (Path("/proc/mathdl-no-such-folder"), "does not exist and cannot be made")]:
        r = mathdl("new", "ch2", "--dir", where)
        assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
        lines = r.stderr.strip().splitlines()
        assert lines[0].startswith(f"error: cannot write {where}: ") and why in lines[0] and "read-only" not in lines[0]
        assert lines[1] == f"next: pass --dir a folder you can write (e.g. `mathdl new ch2 --dir {Path.home() / 'mathdl'}`)"
        assert "chmod" not in r.stderr
    assert (tmp_path / "notes.txt").read_text() == "mine\n"


def test_a_full_disk_is_named_as_such():
    """ENOSPC (a real one, from writing /dev/full) and EDQUOT: "full", with its own advice."""
    import errno

    from mathdl_cli.commands._common import writable_hint
    from mathdl_cli.workbook import _not_writable

    with pytest.raises(OSError) as caught:
        with open("/dev/full", "w") as fh:
            fh.write("x")
    assert caught.value.errno == errno.ENOSPC
    for exc in (caught.value, OSError(errno.EDQUOT, os.strerror(errno.EDQUOT))):
        problem = _not_writable(Path("/w"), exc)
        assert problem.cause == "full" and "is full" in str(problem)
        assert writable_hint(Path("/w"), problem.cause, "new", "ch2") == \
            "free some space there and run `mathdl new ch2 --dir /w` again, or pass --dir a folder on another disk"
    assert _not_writable(Path("/w"), OSError(errno.EROFS, "Read-only file system")).cause == "read-only"


def test_an_exercise_typo_after_its_chapter_is_looked_up_in_that_chapter(tmp_path):
    """ch17.<typo>: the suggestions come from chapter 17 (not the whole course), and a
    name close to none of them lists chapter 17's exercises."""
    r = mathdl("hint", "ch17.smoothnes", "--dir", tmp_path)
    assert r.returncode == 2 and "error: chapter 17 has no exercise 'smoothnes': did you mean ch17.smoothness_constants?" in r.stderr
    assert f"next: mathdl hint ch17.smoothness_constants --dir {tmp_path}" in r.stderr
    r = mathdl("hint", "ch17.zzzz", "--dir", tmp_path)
    ids = ", ".join(ex.id for ex in course.chapter("ch17").exercises)
    assert r.returncode == 2 and f"error: chapter 17 has no exercise 'zzzz'; its exercises: {ids}" in r.stderr
    assert "next: run `mathdl list ch17` to see what each one is" in r.stderr and "ch07" not in r.stderr
    r = mathdl("hint", "ridgee", "--dir", tmp_path)  # no chapter named: the whole course, as before
    assert r.returncode == 2 and "did you mean ch02.ridge" in r.stderr


def test_a_mistyped_chapter_is_offered_back_in_the_same_command(tmp_path):
    """Every command that takes chapters suggests itself again with the closest
    chapter in place of the mistyped one (and the rest of the command kept); a
    chapter-like typo where an exercise is expected names the chapter."""
    cases = [
        (("validate", "ch2", "ch3x", "--seeds", "3"), "next: mathdl validate ch2 ch3 --seeds 3"),
        (("record", "backprpo"), "next: mathdl record ch6"),
        (("watch", "ch3x", "--dir", tmp_path, "--poll"), f"next: mathdl watch ch3 --dir {tmp_path} --poll"),
        (("submit", "ch3x", "--dir", tmp_path, "--out", "a.zip"), f"next: mathdl submit ch3 --dir {tmp_path} --out a.zip"),
        (("status", "ch3x", "--dir", tmp_path), f"next: mathdl status ch3 --dir {tmp_path}"),
        (("plot", "ch3x", "--dir", tmp_path), f"next: mathdl plot ch3 --dir {tmp_path}"),
        (("grade", tmp_path / "subs", "--out", tmp_path / "o", "--chapter", "ch3x", "--chapter", "ch2"), "next: pass --chapter ch3 --chapter ch2, the rest of the command as it was"),
        (("gradescope", "ch2", "ch3x", "--out", tmp_path / "g"), "next: name the chapters ch2 ch3, the rest of the command as it was"),
    ]
    for args, then in cases:
        r = mathdl(*args)
        assert r.returncode == 2 and any(f"unknown {what} '{name}'" in r.stderr for what in ("chapter", "exercise or chapter") for name in ("ch3x", "backprpo")), (args, r.stderr)
        assert then in " ".join(r.stderr.split()), (args, r.stderr)
    r = mathdl("validate", "ch2x", "ch99")  # ch99 is close to no chapter: no command to paste
    assert r.returncode == 2 and "did you mean ch2 (linear_regression)" in r.stderr and "next: run `mathdl list` to see the chapters" in r.stderr
    r = mathdl("hint", "ch3x", "--dir", tmp_path)
    ids = ", ".join(ex.id for ex in course.chapter("ch3").exercises)
    assert r.returncode == 2 and f"'ch3x' is neither an exercise nor a chapter; did you mean chapter ch3 (logistic_regression)? Name one of its exercises: {ids}" in " ".join(r.stderr.split())
    assert f"next: mathdl hint ch03.sigmoid_logloss --dir {tmp_path}" in r.stderr


def test_an_exercise_where_a_chapter_goes_and_a_mistyped_folder(tmp_path):
    """`mathdl check ridge`: the exercise's chapter goes first (the command offered keeps
    the exercise and the case); a misspelt exercise there too, but nothing far from
    every name. A --dir that does not exist is named, with the folder it likely meant."""
    book = tmp_path / "workbook"
    book.mkdir()
    r = mathdl("check", "ridge", "--case", "2", "--dir", book)
    assert r.returncode == 2 and "error: 'ridge' is an exercise of chapter 2 (ch02.ridge), not a chapter" in r.stderr
    assert f"next: mathdl check ch2 ridge --dir {book} --case 2" in r.stderr
    r = mathdl("check", "least_square", "--dir", book)
    assert r.returncode == 2 and "'least_square' looks like an exercise of chapter 2 (ch02.least_squares)" in r.stderr
    r = mathdl("new", "mlp_backward", "--dir", book)
    assert r.returncode == 2 and f"next: mathdl new ch6 --dir {book}" in r.stderr and not (book / "ch06_backprop.py").exists()
    r = mathdl("check", "nonsense", "--dir", book)
    assert r.returncode == 2 and "unknown chapter 'nonsense'" in r.stderr and "exercise" not in r.stderr
    for verb in ("check", "submit", "watch"):
        r = mathdl(verb, "--dir", "workbok", cwd=tmp_path)
        assert r.returncode == 2 and f"error: there is no folder {tmp_path / 'workbok'}" in r.stderr, (verb, r.stderr)
        assert f"next: mathdl {verb} --dir {book}" in r.stderr or f"next: mathdl {verb} --dir workbook" in r.stderr, (verb, r.stderr)
    r = mathdl("status", "ch2", "--dir", "workbok", cwd=tmp_path)
    assert r.returncode == 0 and "did you mean `mathdl status ch2 --dir workbook`?" in r.stdout


def test_a_case_number_without_its_flag_gets_the_command_with_it(tmp_path):
    """`mathdl check ch2 ridge 3` (and `ch02.ridge 3`): refused with the command that
    means it, whichever way the command line is read (the fast start or typer)."""
    assert mathdl("new", "ch2", "--dir", tmp_path).returncode == 0
    for args in (("ch2", "ridge", "3"), ("ch02.ridge", "3"), ("ch2", "ridge", "3", "--notebook", tmp_path / "nb.ipynb")):
        r = mathdl("check", *args, "--dir", tmp_path)
        assert r.returncode == 2 and "error: unexpected '3' after the exercise: a case is chosen with --case" in r.stderr, (args, r.stderr)
    assert f"next: mathdl check ch2 ridge --dir {tmp_path} --case 3" in mathdl("check", "ch2", "ridge", "3", "--dir", tmp_path).stderr
    r = mathdl("check", "ch2", "ridge", "x", "--dir", tmp_path)
    assert r.returncode == 2 and "unexpected 'x': mathdl check takes a chapter and an exercise" in r.stderr
    assert mathdl("check", "--help").stdout.splitlines()[0].endswith(" check [OPTIONS] [chapter] [exercise]")  # the third stays hidden
    assert f"next: mathdl check ch2 ridge --dir {tmp_path}" in r.stderr


def test_status_of_one_chapter_lists_its_exercises_and_what_to_run(tmp_path):
    """`mathdl status ch2`: one line per exercise with its points and the command to
    run next where it does not pass; a module saved after the last check is marked."""
    import time

    module = tmp_path / CH2.filename
    source = reference_source(course, CH2)
    first = CH2.exercises[-1]  # poly_design: no other exercise calls it
    module.write_text(source + f"\n\ndef {first.short}(*args, **kwargs):\n    raise ValueError('not yet')\n")
    assert mathdl("check", "ch2", "--dir", tmp_path, "--json").returncode == 1
    r = mathdl("status", "ch2", "--dir", tmp_path)
    lines = [" ".join(line.split()) for line in r.stdout.splitlines()]
    assert r.returncode == 0 and lines[0].startswith(f"ch2 {CH2.filename}") and "changed since" not in lines[0]
    row = next(line for line in lines if first.id in line)
    assert f"0/{first.points:g} pts" in row and f"next: mathdl check ch2 {first.short} --dir {tmp_path}" in row
    for ex in CH2.exercises[:-1]:
        assert any(line.startswith(f"✓ {ex.id} {ex.points:g}/{ex.points:g} pts passed") for line in lines), (ex.id, lines)
    assert f"run `mathdl check ch2 --dir {tmp_path}` to update" in " ".join(lines)
    doc = json.loads(mathdl("status", "2", "--dir", tmp_path, "--json").stdout)
    assert [c["chapter"] for c in doc["chapters"]] == [2]
    statuses = {e["id"]: e["status"] for e in doc["chapters"][0]["exercise_status"]}
    assert statuses[first.id] != "passed" and all(statuses[ex.id] == "passed" for ex in CH2.exercises[:-1])
    later = time.time() + 5
    os.utime(module, (later, later))  # saved after the check
    assert "(changed since your last check)" in mathdl("status", "--dir", tmp_path).stdout
    assert json.loads(mathdl("status", "ch2", "--dir", tmp_path, "--json").stdout)["chapters"][0]["changed_since_check"] is True
    r = mathdl("status", "ch5", "--dir", tmp_path)
    assert r.returncode == 0 and f"No ch05_feedforward.py in {tmp_path} yet. Start with `mathdl new ch5 --dir {tmp_path}`." in " ".join(r.stdout.split())


# -- 4. an import error, once per chapter, as Python shows it --------------------------------

def _workbook_with(tmp_path, extra: bytes) -> Path:
    assert mathdl("new", "ch2", "--dir", tmp_path).returncode == 0
    path = tmp_path / CH2.filename
    path.write_bytes(path.read_bytes() + extra)
    return path


def test_syntax_error_is_one_block_with_a_caret(tmp_path):
    path = _workbook_with(tmp_path, b"\ndef broken(:\n    pass\n")
    line = path.read_text().splitlines().index("def broken(:") + 1
    r = mathdl("check", "ch2", "--dir", tmp_path)
    assert r.returncode == 1
    assert r.stdout.count("SyntaxError") == 1 and r.stdout.count("def broken(:") == 1
    lines = r.stdout.splitlines()
    start = next(i for i, text in enumerate(lines) if "could not be imported" in text)
    block = lines[start:next(i for i, text in enumerate(lines) if "SyntaxError" in text) + 1]
    assert len(block) <= 15
    assert f'File "{CH2.filename}", line {line}' in block[1]
    caret = block[3]
    assert caret.strip() == "^" and caret.index("^") == block[2].index("(:") + 1  # under the fault, as Python puts it
    assert "frozen" not in r.stdout and "importlib" not in r.stdout
    assert r.stdout.count("could not be imported (see above)") == len(CH2.exercises)


def test_non_utf8_file_is_told_to_save_as_utf8(tmp_path):
    _workbook_with(tmp_path, b"\nGREETING = \"caf\xe9\"\n")
    r = mathdl("check", "ch2", "--dir", tmp_path)
    assert r.returncode == 1 and "not UTF-8" in r.stdout and "Save it as UTF-8" in r.stdout
    assert "codec" not in r.stdout


def test_child_dying_during_import_shows_its_stderr(tmp_path):
    _workbook_with(tmp_path, b"\nimport os, sys\nprint('loading the table of weights', file=sys.stderr)\nos._exit(3)\n")
    r = mathdl("check", "ch2", "--dir", tmp_path)
    assert r.returncode == 1
    assert r.stdout.count("loading the table of weights") == 1 and "exited with status 3" in r.stdout


# -- 5. Ctrl-C during grade; display ------------------------------------------------------------

def test_interrupted_grade_says_what_is_saved_and_how_to_go_on(tmp_path):
    import signal
    import time

    subs, out = tmp_path / "subs", tmp_path / "out"
    for i in range(6):  # four take a second to import: the Ctrl-C lands while one is graded, whatever the order
        (subs / f"s{i}").mkdir(parents=True)
        (subs / f"s{i}" / CH2.filename).write_text(reference_source(course, CH2) + ("\nimport time\ntime.sleep(1.0)\n" if i >= 2 else ""))
    args = ["grade", subs, "--out", out, "--chapter", "ch2", "--secret", "do-not-print", "--allow-weak-isolation", "--workers", "1"]
    # as a terminal starts it: Ctrl-C raises KeyboardInterrupt (a process started from a background job of a
    # script inherits SIGINT ignored, and Python then leaves it ignored: the Ctrl-C would never arrive)
    start = "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); sys.argv[0] = 'mathdl'; runpy.run_module('mathdl_cli', run_name='__main__')"
    proc = subprocess.Popen([sys.executable, "-c", start, *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.time() + 240
    while time.time() < deadline and not ((out / "results.jsonl").exists() and (out / "results.jsonl").read_text().count("\n") >= 2):
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    saved = (out / "results.jsonl").read_text().count("\n")
    assert f"interrupted: {saved} of 6 submission(s) are graded and saved" in stderr and "Traceback" not in stderr
    assert "do-not-print" not in stderr
    again = next(line.strip() for line in stderr.splitlines() if line.strip().startswith("mathdl grade "))
    r = subprocess.run(again.replace("mathdl", f"{sys.executable} -m mathdl_cli", 1), shell=True, capture_output=True, text=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT), "MATHDL_SECRET": "do-not-print"}, timeout=600)
    assert r.returncode == 0, r.stderr
    assert f"reused {saved} earlier result(s)" in r.stdout


def _on_terminal(args, env, columns=40) -> str:
    """Run mathdl on a pseudo-terminal ``columns`` wide; return what it showed."""
    import pty

    environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM")}
    environ.update({"PYTHONPATH": str(ROOT), "COLUMNS": str(columns), "LINES": "50", "TERM": "xterm-256color", **env})
    chunks: list[bytes] = []
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(sys.executable, [sys.executable, "-m", "mathdl_cli", *map(str, args)], environ)
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.waitpid(pid, 0)
    return b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")


def test_no_color_and_pipes_are_plain_and_terminals_wrap(tmp_path):
    assert mathdl("new", "ch2", "--dir", tmp_path).returncode == 0
    args = ["check", "ch2", "--dir", tmp_path]
    styled = _on_terminal(args, {})
    assert "\x1b[" in styled  # a terminal gets styles (so the test below can fail)
    plain = _on_terminal(args, {"NO_COLOR": "1"})
    assert "\x1b[" not in plain and "not started" in plain
    prose = [line for line in plain.splitlines() if "mathdl " not in line]
    assert max(len(line) for line in prose) <= 40  # wrapped to the terminal's width
    assert any(len(line) > 40 for line in _on_terminal(["list", "ch2"], {"COLUMNS": "100"}, columns=100).splitlines())
    commands = [line for line in plain.splitlines() if "mathdl check ch2 " in line]
    assert commands and all(f"--dir {tmp_path}" in line for line in commands)  # a command is never broken: it pastes
    piped = mathdl(*args, env={"FORCE_COLOR": "", "COLUMNS": "40"})
    assert "\x1b[" not in piped.stdout and "\x1b[" not in piped.stderr
    assert any(len(line) > 40 for line in piped.stdout.splitlines())  # a pipe is not wrapped


def test_scores_rounded_for_people_exact_in_json(tmp_path):
    # one exercise with a fraction of its checks passed: a score like 1.0526 on the terminal is 1.05
    assert mathdl("new", "ch2", "--dir", tmp_path).returncode == 0
    (tmp_path / CH2.filename).write_text(mutant_source(course, mutants(course, CH2)[0]))
    doc = json.loads(mathdl("check", "ch2", "--dir", tmp_path, "--json").stdout)
    text = mathdl("check", "ch2", "--dir", tmp_path).stdout
    for ex in doc["exercises"]:
        shown = f"{round(ex['score'], 2):g} / {ex['max_score']:g}"
        assert shown in text
    from mathdl_cli.console import points

    assert (points(20 / 19), points(3), points(2.5), points(0.004)) == ("1.05", "3", "2.5", "0")


# -- 6. diagnostics that point at the cause -----------------------------------------------------

def _check_with(tmp_path, chapter: str, replaced: str, *args) -> str:
    from support import with_replaced

    ch = course.chapter(chapter)
    (tmp_path / ch.filename).write_text(with_replaced(chapter, replaced))
    r = mathdl("check", chapter, *args, "--dir", tmp_path)
    assert r.returncode == 1, r.stderr
    return r.stdout


def test_a_constant_factor_is_named_with_the_size_it_probably_is(tmp_path):
    text = _check_with(tmp_path, "ch2", '''
def mse_objective_and_grad(theta, X, y):
    M = X.shape[0]
    r = y - X @ theta[:-1] - theta[-1]
    return float(r @ r) / (2 * M), np.concatenate([-(X.T @ r), [-r.sum()]])  # a sum, not a mean
''', "mse_objective_and_grad", "--case", "1")
    assert "every entry is 10× the expected; the factor is 10, a size in the call: a sum where a mean is asked for" in text
    assert "X=(10, 3)" in text


def test_no_relative_difference_where_the_expected_value_is_0(tmp_path):
    from mathdl_cli.grading.compare import compare, describe
    from mathdl_cli.catalog import Tol

    diag = compare(np.array([0.5, 0.0]), np.array([0.0, 0.0]), Tol(0.0, 1e-12))
    assert diag["max_rel"] is None and "relative" not in describe(diag)
    diag = compare(np.array([0.5, 1.0]), np.array([0.0, 2.0]), Tol(1e-9, 1e-12))
    assert diag["max_rel"] == 0.5 and "inf" not in describe(diag)


def test_overflow_advice_fits_the_function_that_overflowed(tmp_path):
    text = _check_with(tmp_path, "ch5", '''
_reference_activate = activate


def activate(z, name, slope=0.01):
    if name == "tanh":
        z = np.asarray(z, dtype=np.float64)
        t = np.sinh(z) / np.cosh(z)  # overflows for |z| > 710
        return t, 1.0 - t * t
    return _reference_activate(z, name, slope)
''', "activation")
    assert "use np.tanh(z)" in text
    assert "np.exp(-np.abs(z))" not in text  # not the sigmoid's advice


def test_softmax_overflow_is_told_to_subtract_the_row_maximum(tmp_path):
    text = _check_with(tmp_path, "ch5", '''
def _softmax_rows(Z):
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)
''', "mlp_forward")
    assert "subtract each row's maximum first" in text


@pytest.mark.parametrize("change, says", [
    ("Ws.reverse()", "reordered the list Ws it was given"),
    ("Ws.append(Ws[-1])", "changed the length of the list Ws"),
    ("Ws[0] = Ws[0] + 0.0", "replaced an entry of the list Ws"),
    ("Ws[0] *= 1.5", "modified its argument Ws[0] in place"),  # an array changed, the list not
])
def test_a_changed_list_argument_is_named_as_such(tmp_path, change, says):
    text = _check_with(tmp_path, "ch6", f'''
_reference_backward = mlp_backward


def mlp_backward(X, Y, Ws, bs, activation="tanh"):
    result = _reference_backward(X, Y, list(Ws), bs, activation)
    {change}
    return result
''', "mlp_backward")
    assert says in text
    assert ("modified its argument" in text) == ("*=" in change)


def test_a_timeout_after_many_callbacks_says_how_many_and_what_the_docstring_allows(tmp_path):
    # f_grad runs in the grader (a callback): every call is a round trip
    text = _check_with(tmp_path, "ch20", '''
def weak_form_increment(c, W, x, y, alpha, f_grad, act):
    while True:  # one particle at a time, for ever
        f_grad(c[:1], W[:1])
''', "weak_form_increment", "--case", "1")
    import re

    found = re.search(r"after calling the function it was given (\d+) times", text)
    assert found and int(found.group(1)) >= 100, text
    assert "It takes ALL particles at once: call it once" in text


@pytest.mark.parametrize("chapter, func, says", [
    ("7", "sgd", "Call grad_fn exactly once per step"),
    ("15", "score_grad_mu", "call it once"),
    ("21", "q_learning_step", "Call it at most twice per step"),
    ("22", "rk4", "f is called exactly 4n times"),
])
def test_the_timeout_quotes_the_docstrings_sentence_on_how_often_to_call(chapter, func, says):
    """Not the first sentence that mentions a batch ("Minibatch SGD with a given batch sequence")."""
    from mathdl_cli.grading.timeouts import allowance

    assert says in allowance(course.chapter(chapter), func)


def test_a_grader_function_that_runs_in_the_child_times_out_as_a_loop(tmp_path):
    # grad_fn is a kernel (mathdl_cli.kernels): no round trips to count, so the plain message
    text = _check_with(tmp_path, "ch12", '''
def integrated_gradients(grad_fn, x, x_base, n_steps):
    while True:  # one point at a time, for ever
        grad_fn(x_base)
''', "integrated_gradients", "--case", "1")
    assert "did not finish within" in text and "an infinite loop, or far too slow?" in text, text
    assert "calling the function it was given" not in text


# -- a terminal that is not UTF-8 ---------------------------------------------------------

# an ASCII locale, as Python sees it where the C locale is not coerced to UTF-8 (the same
# path as a Latin-1 cluster login): stdout, stderr and open()'s default are ASCII
ASCII_LOCALE = {"LC_ALL": "C", "LANG": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""}


def test_a_terminal_that_is_not_utf8_gets_question_marks_and_valid_json_never_a_traceback(tmp_path):
    ch18 = course.chapter("ch18")
    probe = subprocess.run([sys.executable, "-c", "import sys; print(sys.stdout.encoding)"], capture_output=True, text=True,
                           env={**os.environ, **ASCII_LOCALE})
    assert probe.stdout.strip().lower() in ("ascii", "ansi_x3.4-1968"), probe.stdout
    wb = tmp_path / "wb"
    r = mathdl("new", "ch18", "--dir", wb, env=ASCII_LOCALE)
    assert r.returncode == 0, r.stderr
    # a wrong step size: the messages hold θ, λ, ≤ and the like
    source = (wb / ch18.filename).read_text(encoding="utf-8")
    reference = reference_source(course, ch18)
    start = reference.index("def sgd_decaying")
    body = reference[start : reference.index("\n\n\n", start)].replace("alpha = a / (k + k0)", "alpha = a / (k + 1 + k0)")
    (wb / ch18.filename).write_text(source + "\n\n" + body + "\n", encoding="utf-8")
    for args in (("check", "ch18", "--dir", wb), ("list",), ("list", "ch18", "--dir", wb), ("status", "--dir", wb),
                 ("hint", "ch18.polyak_averaging", "--dir", wb)):
        r = mathdl(*args, env=ASCII_LOCALE)
        assert "Traceback" not in r.stderr and "Error" not in r.stderr, (args, r.stderr[-1500:])
        assert r.returncode in (0, 1), (args, r.returncode)
    r = mathdl("check", "ch18", "--dir", wb, env=ASCII_LOCALE)
    assert "trajectories ?_0..?_K is wrong" in r.stdout, r.stdout  # θ shown as '?'
    for args, says in ((("check", "ch18", "--dir", wb, "--json"), "mean of \u03b8_k"), (("list", "ch18", "--json"), "Robbins\u2013Monro")):
        r = subprocess.run([sys.executable, "-m", "mathdl_cli", *map(str, args)], capture_output=True, timeout=600,
                           env={**os.environ, "PYTHONPATH": str(ROOT), **ASCII_LOCALE})
        assert r.returncode in (0, 1), r.stderr.decode(errors="replace")[-1500:]
        doc = json.loads(r.stdout.decode("ascii"))  # ASCII: every other character escaped
        assert says in json.dumps(doc, ensure_ascii=False), args  # and none lost to a '?'


def test_grade_at_a_terminal_shows_its_progress_and_grades_every_submission(tmp_path):
    """At a terminal the progress bar has a thread of its own, so the pool's
    workers come from a forkserver rather than forks of the grader: the batch
    is graded the same."""
    subs, out = tmp_path / "subs", tmp_path / "out"
    for i in range(4):
        (subs / f"s{i}").mkdir(parents=True)
        (subs / f"s{i}" / CH2.filename).write_text(reference_source(course, CH2))
    shown = _on_terminal(["grade", subs, "--out", out, "--chapter", "ch2", "--secret", "s", "--workers", "2"], {"NO_COLOR": "1"}, columns=120)
    assert "grading" in shown and "4/4" in shown, shown[-2000:]
    with open(out / "grades.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert sorted(r["student"] for r in rows) == ["s0", "s1", "s2", "s3"]
    assert all(float(r["total"]) == 16.0 for r in rows), rows


def test_a_check_gives_no_more_memory_than_grading(tmp_path):
    """A function that needs 3 GB of address space fails the check with MemoryError, as it
    would where grade's default --memory (2048 MB) applies; 1 GB is allowed in both."""
    from mathdl_cli.defaults import GRADED_MEMORY_MB

    assert GRADED_MEMORY_MB == 2048
    for gigabytes, ok in ((3, False), (1, True)):
        source = reference_source(course, CH2) + (
            "\n_ls = least_squares\n\ndef least_squares(X, y, fit_intercept=True):\n"
            f"    _big = np.empty({gigabytes} << 27)  # {gigabytes} GB of address space, never touched\n"
            "    return _ls(X, y, fit_intercept)\n")
        (tmp_path / CH2.filename).write_text(source)
        doc = json.loads(mathdl("check", "ch2", "least_squares", "--dir", tmp_path, "--json").stdout)
        checks = doc["exercises"][0]["checks"]
        if ok:
            assert doc["exercises"][0]["status"] == "passed", checks[0]["message"]
        else:
            assert checks[0]["status"] == "error" and "MemoryError" in checks[0]["message"], checks[0]["message"]
