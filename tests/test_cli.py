"""The command line, through Typer's runner and through real subprocesses."""

import json
from pathlib import Path
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from mathdl_cli.cli import app
from support import course, mutant_source, mutants
from mathdl_cli.solutions import reference_source

runner = CliRunner()


def run(*args, cwd=None):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def mathdl(*args, cwd):
    """The installed console script, in a real process."""
    return subprocess.run([sys.executable, "-m", "mathdl_cli", *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_list_json_shows_every_exercise():
    result = run("list", "--json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    ids = [ex["id"] for ch in doc["chapters"] for ex in ch["exercises"]]
    assert ids == [ex.id for ex in course.all_exercises()]
    ch2 = next(ch for ch in doc["chapters"] if ch["number"] == 2)
    assert ch2["module"] == "ch02_linear_regression.py" and ch2["exercises"][0]["points"] == 4


def test_new_never_overwrites_and_force_keeps_a_backup(tmp_path):
    assert run("new", "ch2", "--dir", tmp_path).exit_code == 0
    path = tmp_path / "ch02_linear_regression.py"
    path.write_text("# my work\n")
    result = run("new", "2", "--dir", tmp_path)
    assert result.exit_code == 0 and "left untouched" in result.stdout
    assert path.read_text() == "# my work\n"
    assert run("new", "linear_regression", "--dir", tmp_path, "--force").exit_code == 0
    backups = list(tmp_path.glob("ch02_linear_regression.py.bak-*"))
    assert len(backups) == 1 and backups[0].read_text() == "# my work\n"
    assert "NotImplementedError" in path.read_text()


def test_new_without_a_chapter_lists_them_and_a_typo_gets_the_nearest(tmp_path):
    result = mathdl("new", "--dir", tmp_path / "wb", cwd=tmp_path)
    flat = " ".join(result.stderr.split())
    assert result.returncode == 2 and "which chapter?" in flat
    assert all(f"{ch.short} ({ch.slug})" in flat for ch in course.chapters)
    assert f"next: mathdl new ch2 --dir {tmp_path / 'wb'}" in flat
    result = mathdl("new", "ch2x", "--dir", tmp_path / "wb", cwd=tmp_path)
    assert result.returncode == 2 and f"next: mathdl new ch2 --dir {tmp_path / 'wb'}" in " ".join(result.stderr.split())
    assert not (tmp_path / "wb").exists()


@pytest.mark.parametrize("command", ["hint", "plot"])
def test_a_chapter_where_an_exercise_is_expected_is_explained(tmp_path, command):
    result = run(command, "ch02.leastsquares" if command == "plot" else "ch2", "--dir", tmp_path)
    flat = " ".join(result.output.split())
    assert result.exit_code == 2
    if command == "hint":
        assert "ch2 is a chapter; name one of its exercises: ch02.least_squares," in flat
        assert f"next: mathdl hint ch02.least_squares --dir {tmp_path}" in flat
    else:  # a typo still gets the nearest exercise
        assert "did you mean ch02.least_squares" in flat


def test_a_module_saved_under_another_name_is_found_by_its_functions(tmp_path):
    """ch2.py (or "linear regression.py") holding the chapter's functions: the
    student is told to rename it, never to scaffold a stub beside it."""
    ch2, ch3 = course.chapter("ch2"), course.chapter("ch3")
    (tmp_path / "ch2.py").write_text(reference_source(course, ch2))
    (tmp_path / "helpers.py").write_text("def unrelated():\n    return 1\n")
    (tmp_path / ch3.filename).write_text(reference_source(course, ch3))  # another chapter's module: never a candidate
    rename = f"mv {tmp_path / 'ch2.py'} {tmp_path / ch2.filename}"
    for args, then in [(("check", "ch2"), "mathdl check ch2"), (("submit", "ch2"), "mathdl submit ch2"), (("plot", "ch2"), "mathdl plot ch2")]:
        result = run(*args, "--dir", tmp_path)
        flat = " ".join(result.output.split())
        assert result.exit_code == 2, flat
        assert "but ch2.py defines its functions" in flat and f"next: {rename} && {then} --dir {tmp_path}" in flat
    (tmp_path / ch3.filename).unlink()
    flat = " ".join(run("check", "--dir", tmp_path).output.split())
    assert f"next: {rename} && mathdl check ch2 --dir {tmp_path}" in flat
    status = run("status", "--dir", tmp_path)
    flat = " ".join(status.output.split())
    assert status.exit_code == 0 and "but ch2.py defines chapter 2's functions" in flat and f"{rename} && mathdl status --dir {tmp_path}" in flat
    (tmp_path / "ch2.py").unlink()
    flat = " ".join(run("check", "ch2", "--dir", tmp_path).output.split())
    assert f"next: mathdl new ch2 --dir {tmp_path}" in flat


def test_usage_errors_exit_2_and_say_what_to_run(tmp_path):
    result = run("check", "ch99", "--dir", tmp_path)
    assert result.exit_code == 2 and "mathdl list" in result.stderr
    result = run("check", "ch2", "--dir", tmp_path)
    assert result.exit_code == 2 and "mathdl new ch2" in result.stderr
    result = run("check", "--dir", tmp_path)
    assert result.exit_code == 2 and "mathdl new" in result.stderr
    run("new", "ch2", "--dir", tmp_path)
    result = run("check", "ch2", "nope", "--dir", tmp_path)
    assert result.exit_code == 2 and "least_squares" in result.stderr
    result = run("check", "ch2", "--case", "1", "--dir", tmp_path)
    assert result.exit_code == 2
    result = run("hint", "no_such_exercise", "--dir", tmp_path)
    assert result.exit_code == 2


def test_hints_one_at_a_time(tmp_path):
    ex = course.exercise("ch02.ridge")
    first = run("hint", "ridge", "--dir", tmp_path).stdout
    assert ex.hints[0][:30] in first and ex.hints[1][:30] not in first
    second = run("hint", "ch02.ridge", "--dir", tmp_path).stdout
    assert ex.hints[1][:30] in second
    for _ in range(5):
        last = run("hint", "ridge", "--dir", tmp_path).stdout
    assert "last hint" in last


def test_check_records_progress_for_status_and_list(tmp_path):
    ch = course.chapter("ch2")
    (tmp_path / ch.filename).write_text(reference_source(course, ch))
    result = run("check", "--dir", tmp_path, "--json")
    assert result.exit_code == 0
    status = json.loads(run("status", "--dir", tmp_path, "--json").stdout)
    row = next(r for r in status["chapters"] if r["chapter"] == 2)
    assert row["present"] and row["passed"] == len(ch.exercises)
    listing = json.loads(run("list", "--dir", tmp_path, "--json").stdout)
    assert all(ex["status"] == "passed" for c in listing["chapters"] if c["number"] == 2 for ex in c["exercises"])


def test_syntax_error_in_module_is_a_clear_error(tmp_path):
    (tmp_path / "ch02_linear_regression.py").write_text("import numpy as np\ndef least_squares(X, y:\n")
    result = run("check", "ch2", "--dir", tmp_path, "--json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert {ex["status"] for ex in doc["exercises"]} == {"error"}
    message = doc["exercises"][0]["checks"][0]["message"]
    assert "could not be imported" in message and "SyntaxError" in message and "line 2" in message


@pytest.mark.parametrize("chapter", ["ch2", "ch6"])
def test_end_to_end_in_real_processes(tmp_path, chapter):
    """new -> check (not started) -> reference (full marks) -> a mutant (named failure)."""
    ch = course.chapter(chapter)
    done = mathdl("new", chapter, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    path = tmp_path / ch.filename
    assert path.exists()
    res = mathdl("check", chapter, "--json", cwd=tmp_path)
    assert res.returncode == 1, res.stderr
    doc = json.loads(res.stdout)
    assert doc["score"] == 0 and {ex["status"] for ex in doc["exercises"]} == {"not_started"}

    again = mathdl("new", chapter, cwd=tmp_path)
    assert again.returncode == 0 and "left untouched" in again.stdout

    path.write_text(reference_source(course, ch))
    res = mathdl("check", chapter, "--json", cwd=tmp_path)
    doc = json.loads(res.stdout)
    assert res.returncode == 0, res.stdout
    assert doc["score"] == doc["max_score"] > 0

    mutant = mutants(course, ch)[0]
    path.write_text(mutant_source(course, mutant))
    res = mathdl("check", chapter, mutant.exercise, cwd=tmp_path)
    assert res.returncode == 1
    assert "is wrong" in res.stdout or "wrong shape" in res.stdout or "raised" in res.stdout
    assert f"mathdl check {ch.short} {mutant.exercise} --case" in res.stdout


def test_numpy_chapter_check_does_not_import_torch(tmp_path):
    ch = course.chapter("ch2")
    (tmp_path / ch.filename).write_text(reference_source(course, ch))
    probe = (
        "import sys\n"
        "from mathdl_cli.cli import app\n"
        "try:\n    app(['check', 'ch2'])\n"
        "except SystemExit as e:\n    code = e.code\n"
        "print('TORCH' if 'torch' in sys.modules else 'NO-TORCH', 'MPL' if 'matplotlib' in sys.modules else 'NO-MPL', code)\n"
    )
    res = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    # nor matplotlib: it is imported only when plotting (--plot, mathdl plot)
    assert res.stdout.strip().splitlines()[-1] == "NO-TORCH NO-MPL 0", res.stdout + res.stderr


def test_other_seed_skips_recorded_checks_and_runs_the_rest(tmp_path):
    ch = course.chapter("ch2")
    (tmp_path / ch.filename).write_text(reference_source(course, ch))
    result = run("check", "ch2", "--dir", tmp_path, "--seed", "7", "--json")
    assert result.exit_code == 0
    checks = [c for ex in json.loads(result.stdout)["exercises"] for c in ex["checks"]]
    statuses = {c["status"] for c in checks}
    assert statuses == {"passed", "skipped"}
    assert all("default seed" in c["message"] for c in checks if c["status"] == "skipped")


def test_a_forgotten_dir_points_at_the_sub_folder_holding_the_module(tmp_path, monkeypatch):
    assert run("new", "ch2", "--dir", tmp_path / "workbook").exit_code == 0
    monkeypatch.chdir(tmp_path)
    result = run("check", "ch2", "ridge")
    assert result.exit_code == 2
    assert "workbook/ch02_linear_regression.py exists" in result.stderr
    assert "mathdl check ch2 ridge --dir workbook" in result.stderr
    (tmp_path / "workbook" / "ch02_linear_regression.py").rename(tmp_path / "ch02_linear_regression.py")
    (tmp_path / "course" / "workbook").mkdir(parents=True)  # two levels down, from a folder above the course
    (tmp_path / "ch02_linear_regression.py").rename(tmp_path / "course" / "workbook" / "ch02_linear_regression.py")
    result = run("check", "ch2")
    assert result.exit_code == 2 and "course/workbook/ch02_linear_regression.py exists" in result.stderr
    assert "mathdl check ch2 --dir course/workbook" in result.stderr
    (tmp_path / "course" / "workbook" / "ch02_linear_regression.py").unlink()
    result = run("check", "ch2")
    assert result.exit_code == 2 and "mathdl new ch2" in result.stderr and "exists" not in result.stderr


def test_a_mistyped_dir_is_named_and_the_course_folders_are_never_suggested(tmp_path, monkeypatch):
    assert run("new", "ch2", "--dir", tmp_path / "workbook").exit_code == 0
    monkeypatch.chdir(tmp_path)
    result = run("check", "ch2", "--dir", "workbok")
    assert result.exit_code == 2 and "there is no folder workbok" in result.stderr
    assert "mathdl check ch2 --dir workbook" in result.stderr
    monkeypatch.chdir(course.root)  # the course repository: solutions_private/ holds every module
    result = run("check", "ch2")
    assert result.exit_code == 2 and "solutions_private" not in result.stderr
    monkeypatch.chdir(course.root.parent)  # one level up, with --dir: still never the course's own folders
    result = run("check", "ch2", "--dir", course.root.name)  # (a checkout's own workbook/, made by set-up command 1, may be named)
    assert result.exit_code == 2 and "solutions_private" not in result.stderr


# -- mathdl check's command lines read without typer (commands/check_run.fast_arguments) --

_POSITIONAL = [[], ["ch2"], ["ch2", "ridge"], ["ch02.ridge"], ["ch2", "ridge", "extra"], ["ch2", "ridge", "3"], ["ch02.ridge", "3"], ["ch2", "ridge", "3", "4"], [""]]
_OPTIONS = [
    [], ["--json"], ["--plot"], ["--dir", "{wb}"], ["-d", "{wb}"], ["--dir={wb}"], ["-d={wb}"], ["-d{wb}"], ["--dir", "{file}"],
    ["--dir"], ["--dir="], ["--case", "3"], ["--case=3"], ["--case", "-1"], ["--seed", "7"], ["--seed=007"], ["--seed", "-1"],
    ["--seed", "x"], ["--seed", "\u0663"], ["--json", "--json"], ["--json=1"], ["--jsn"], ["--notebook", "nb.ipynb"], ["--"], ["-"],
    ["--help"], ["--json", "--dir", "{wb}", "--case", "2", "--seed", "5", "--plot"], ["--dir", "{wb}", "-d", "{wb}"],
    ["--seed", "1" * 5000], ["--dir", "{unreadable}"], ["--dir", "{missing}"],
]


def _command_lines(**paths):
    for positional in _POSITIONAL:
        for options in _OPTIONS:
            options = [o.format(**paths) for o in options]
            yield [*positional, *options]
            if positional and options:
                yield [*options, *positional]
                yield [positional[0], *options, *positional[1:]]


def test_check_reads_its_usual_command_lines_as_typer_does(tmp_path, monkeypatch):
    """Every command line the entry point reads itself gives the keyword arguments
    typer would give; every other one is left to typer (None)."""
    from mathdl_cli.commands import check_run

    import inspect
    import os

    (tmp_path / "wb").mkdir()
    (tmp_path / "a_file").write_text("")
    unreadable = tmp_path / "unreadable"
    unreadable.mkdir()
    access = os.access  # root reads every folder: both readers ask os.access, which says no here
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: Path(path) != unreadable and access(path, mode, **kw))
    seen = []
    NAMES = list(inspect.signature(check_run.run).parameters)
    defaults = {name: p.default for name, p in inspect.signature(check_run.run).parameters.items()}  # what run(**fast) gets
    monkeypatch.setattr(check_run, "run", lambda *args: seen.append(dict(zip(NAMES, args))))
    read_here = 0
    for args in _command_lines(wb=tmp_path / "wb", file=tmp_path / "a_file", unreadable=unreadable, missing=tmp_path / "not_yet"):
        fast = check_run.fast_arguments(args)
        if fast is None:
            continue
        read_here += 1
        seen.clear()
        result = runner.invoke(app, ["check", *args])
        assert result.exit_code == 0 and len(seen) == 1, (args, result.output)
        assert {**defaults, **fast} == seen[0], args
    assert read_here > 100  # the usual forms are read here: the fast start is the usual one


def test_the_options_read_without_typer_are_typers():
    from typer.main import get_command

    from mathdl_cli.cli import build_app
    from mathdl_cli.commands.check_run import FLAGS, POSITIONAL, VALUED

    check = get_command(build_app("check")).commands["check"]
    by_flag = {flag: p for p in check.params for flag in p.opts}
    for flag, name in {**VALUED, **FLAGS}.items():
        assert by_flag[flag].name == name, flag
        assert by_flag[flag].is_flag == (flag in FLAGS), flag
    assert tuple(p.name for p in check.params if p.param_type_name == "argument") == POSITIONAL
    # run(**given) takes its defaults for what the command line leaves out: they must be typer's
    import inspect

    from mathdl_cli.commands import check as typer_check, check_run

    ours, theirs = inspect.signature(check_run.run).parameters, inspect.signature(typer_check.check_command).parameters
    assert list(ours) == list(theirs) and all(ours[n].default == theirs[n].default for n in ours)


@pytest.mark.parametrize("args", [["check", "ch2", "--json"], ["check", "ch2", "-d{wb}", "--json"]], ids=["fast", "typer"])
def test_check_exits_with_its_status_either_way(tmp_path, args):
    """The same command line read with and without typer: the same status and report."""
    wb = tmp_path / "wb"
    wb.mkdir()
    (wb / "ch02_linear_regression.py").write_text(reference_source(course, course.chapter("ch2")))
    args = [a.format(wb=wb) for a in args]
    if not any(a.startswith("-d") for a in args):
        args += ["--dir", wb]
    res = mathdl(*args, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["score"] == 16.0
    (wb / "ch02_linear_regression.py").write_text("def ridge(:\n")
    res = mathdl(*args, cwd=tmp_path)
    assert res.returncode == 1 and json.loads(res.stdout)["score"] == 0.0


def test_a_hand_edited_or_merged_state_file_is_read_as_far_as_it_makes_sense(tmp_path):
    """.mathdl/progress.json and hints.json with entries of other shapes (edited by hand,
    or a version-control merge left in them): status, list and hint leave those entries
    out instead of stopping with a traceback, and the next check writes the file anew."""
    ch = course.chapter("ch2")
    (tmp_path / ch.filename).write_text(reference_source(course, ch))
    state = tmp_path / ".mathdl"
    state.mkdir()
    (state / "progress.json").write_text(json.dumps({
        "ch02.least_squares": "oops", "ch02.ridge": {"status": 5, "score": "x"}, "ch02.gd_least_squares": {"status": "passed", "score": float("nan")},
        "ch02.poly_design": {"status": "passed", "score": 3, "max_score": 3, "checked": 7},
    }))
    (state / "hints.json").write_text(json.dumps({"ch02.ridge": "x", "ch02.least_squares": [1]}))
    doc = json.loads(run("status", "ch2", "--dir", tmp_path, "--json").stdout)
    assert {e["id"]: e["status"] for e in doc["chapters"][0]["exercise_status"]} == {
        "ch02.least_squares": "not_started", "ch02.mse_objective_and_grad": "not_started", "ch02.gd_least_squares": "not_started",
        "ch02.ridge": "not_started", "ch02.poly_design": "passed"}
    listing = run("list", "ch2", "--dir", tmp_path, "--json")
    assert listing.exit_code == 0 and [e["status"] for e in json.loads(listing.stdout)["chapters"][0]["exercises"]].count("passed") == 1
    hint = run("hint", "ridge", "--dir", tmp_path)
    assert hint.exit_code == 0 and "Hint 1 of" in hint.stdout
    (state / "progress.json").write_text("<<<<<<< HEAD\n{}\n=======\n{}\n>>>>>>> theirs\n")
    assert run("status", "--dir", tmp_path).exit_code == 0
    assert run("check", "ch2", "--dir", tmp_path, "--json").exit_code == 0
    assert json.loads(run("status", "--dir", tmp_path, "--json").stdout)["chapters"][0]["passed"] == len(ch.exercises)


def test_help_as_a_command(tmp_path):
    """`mathdl help` and `mathdl help check` are `mathdl --help` and `mathdl check --help`
    (as in git and pip); a mistyped command after it gets typer's suggestion."""
    top = mathdl("help", cwd=tmp_path)
    assert top.returncode == 0 and "Usage:" in top.stdout and "check" in top.stdout and "grade" in top.stdout
    check = mathdl("help", "check", cwd=tmp_path)
    assert check.returncode == 0 and check.stdout == mathdl("check", "--help", cwd=tmp_path).stdout and "--case" in check.stdout
    typo = mathdl("help", "chek", cwd=tmp_path)
    assert typo.returncode == 2 and "Did you mean 'check'?" in typo.stderr
