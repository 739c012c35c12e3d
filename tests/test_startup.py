"""What a command loads and starts, and the caches that keep start-up short
(issue 17): `mathdl check` imports neither pytest nor PyYAML nor rich (with
--json), graders' marks without pytest, the parsed chapter.yaml, the child's
Python without `site`, the child started before the CLI, and a resume that
rewrites nothing."""

import json
import os
import subprocess
import sys
import textwrap
import time

import pytest

from mathdl_cli.catalog import PARSED_NAME, load_chapter, parsed_is_current, write_parsed
from mathdl_cli.grading import marks
from mathdl_cli.solutions import reference_source
from support import course

CH2 = course.chapter("ch2")


def _modules_after(args: list[str], cwd, env=None) -> tuple[subprocess.CompletedProcess, set[str]]:
    """Run the mathdl entry point with ``args`` in a real process; the modules it had
    loaded when it exited (an exit handler registered before the CLI writes them)."""
    listing = cwd / "modules.txt"
    script = textwrap.dedent(f"""
        import atexit, sys
        atexit.register(lambda: open({str(listing)!r}, "w").write("\\n".join(sorted(sys.modules))))
        sys.argv = ["mathdl", *{args!r}]
        from mathdl_cli.entry import main
        main()
    """)
    res = subprocess.run([sys.executable, "-c", script], cwd=cwd, capture_output=True, text=True, timeout=300, env=env)
    return res, set(listing.read_text().split())


def test_check_json_imports_no_pytest_yaml_rich_or_typer(tmp_path):
    (tmp_path / CH2.filename).write_text(reference_source(course, CH2))
    res, loaded = _modules_after(["check", "ch2", "--dir", str(tmp_path), "--json"], tmp_path)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["score"] == json.loads(res.stdout)["max_score"] > 0
    assert not {m for m in loaded if m.split(".")[0] in ("pytest", "_pytest", "yaml", "rich", "typer", "click")}, "check loaded what it does not use"
    assert "numpy" in loaded and "ch02_linear_regression.test_least_squares" in loaded  # it did grade


@pytest.mark.parametrize("chapter", ["ch11", "ch16", "ch18", "ch21"])
def test_a_check_imports_no_numpy_ma(tmp_path, chapter):
    """numpy's unique and union1d import numpy.ma (10-15 ms) on their first call: the
    graders of these chapters, which used them, find distinct values without them."""
    ch = course.chapter(chapter)
    (tmp_path / ch.filename).write_text(reference_source(course, ch))
    res, loaded = _modules_after(["check", chapter, "--dir", str(tmp_path), "--json"], tmp_path)
    assert res.returncode == 0 and json.loads(res.stdout)["score"] == json.loads(res.stdout)["max_score"], res.stderr
    assert "numpy.ma" not in loaded and "pytest" not in loaded


def test_a_human_check_uses_rich_but_not_pytest(tmp_path):
    (tmp_path / CH2.filename).write_text(reference_source(course, CH2))
    res, loaded = _modules_after(["check", "ch2", "--dir", str(tmp_path)], tmp_path)
    assert res.returncode == 0 and "Score 16 / 16" in res.stdout
    assert "rich.console" in loaded and "pytest" not in loaded and "typer" not in loaded


def test_a_check_command_line_typer_must_read_loads_typer(tmp_path):
    (tmp_path / CH2.filename).write_text(reference_source(course, CH2))
    res, loaded = _modules_after(["check", "ch2", f"-d{tmp_path}", "--json"], tmp_path)  # a short option glued to its value
    assert res.returncode == 0 and json.loads(res.stdout)["score"] > 0, res.stderr
    assert "typer" in loaded


def test_inert_marks_leave_the_function_alone_and_pytest_marks_when_loaded():
    assert "pytest" in sys.modules  # this process runs under pytest: marks are pytest's
    assert marks.mark.hidden == pytest.mark.hidden and isinstance(marks.mark.weight(2), type(pytest.mark.weight(2)))
    stand_in = marks._InertMark()

    def check(student):
        return 1

    assert stand_in(check) is check and stand_in(2)(check) is check and stand_in("x", [1, 2])(check) is check
    assert check.__module__ in marks._inert_modules
    sys.modules["_mathdl_fake_grader"] = object()
    marks._inert_modules.add("_mathdl_fake_grader")
    marks.forget_inert_modules()
    assert "_mathdl_fake_grader" not in sys.modules and not marks._inert_modules


def test_skip_is_graded_as_skipped_on_both_paths():
    from mathdl_cli.grading.checks import classify_exception

    with pytest.raises(marks.CheckSkipped) as caught:
        marks.skip("builds on another exercise")
    assert classify_exception("call", caught.value)[:2] == ("skipped", "builds on another exercise")
    with pytest.raises(pytest.skip.Exception) as legacy:  # a course author's grader may still call pytest.skip
        pytest.skip("old style")
    assert classify_exception("call", legacy.value)[:2] == ("skipped", "old style")


def test_graders_import_no_pytest():
    offenders = [p for p in course.graders_dir.rglob("*.py") if p.name != "conftest.py" and "import pytest" in p.read_text()]
    assert offenders == [], "graders use mathdl_cli.grading.marks (mark, skip), so the fast path never imports pytest"


def test_parsed_chapter_is_used_only_while_current(tmp_path):
    folder = tmp_path / "ch09_demo"
    folder.mkdir()
    source = (course.folders[2] / "chapter.yaml").read_text().replace("number: 2", "number: 9").replace("slug: linear_regression", "slug: demo")
    yaml_path = folder / "chapter.yaml"
    yaml_path.write_text(source)
    assert not parsed_is_current(yaml_path)
    write_parsed(yaml_path)
    assert parsed_is_current(yaml_path)
    parsed = json.loads((folder / PARSED_NAME).read_text())
    parsed["data"]["title"] = "from the cache"
    (folder / PARSED_NAME).write_text(json.dumps(parsed))
    assert load_chapter(yaml_path).title == "from the cache"  # current: the YAML is not parsed
    yaml_path.write_text(source.replace("title:", "title: edited", 1))
    assert load_chapter(yaml_path).title != "from the cache"  # the YAML changed: the cache is ignored
    assert not parsed_is_current(yaml_path)
    (folder / PARSED_NAME).write_text("{not json")
    assert load_chapter(yaml_path).number == 9


def test_every_shipped_chapter_has_a_current_parsed_form():
    stale = [n for n, folder in course.folders.items() if not parsed_is_current(folder / "chapter.yaml")]
    assert stale == [], f"run `mathdl record` for chapters {stale}"


def test_a_stale_parsed_form_is_named_by_validate(monkeypatch):
    from mathdl_cli import validate

    assert validate.stale_records(course, CH2) == []
    monkeypatch.setattr(validate, "parsed_is_current", lambda path: False)
    assert any("_chapter.json is out of date" in p and "mathdl record ch2" in p for p in validate.stale_records(course, CH2))


def test_children_start_without_site_but_with_numpy_and_exit(tmp_path):
    from mathdl_cli.sandbox import ProcessIsolation, Sandbox

    (tmp_path / "probe_mod.py").write_text(textwrap.dedent("""
        import sys
        import numpy as np

        def facts():
            return {"no_site": sys.flags.no_site, "exit": callable(exit), "numpy": np.__version__}
    """))
    sandbox = Sandbox(isolation=ProcessIsolation())
    try:
        path = sandbox.add_file("probe_mod.py", (tmp_path / "probe_mod.py").read_bytes())
        sandbox.start()
        reply = sandbox.call(path, "facts", [], {}, timeout=60)
    finally:
        sandbox.close()
    assert reply.kind == "return", reply
    value = reply.value
    assert value["no_site"] == 1 and value["exit"] is True
    import numpy

    assert value["numpy"] == numpy.__version__


def test_an_unused_early_child_is_closed_with_the_process(tmp_path):
    script = textwrap.dedent("""
        import sys
        from mathdl_cli import early
        early.start_early()
        print(early._early.proc.pid, flush=True)
        sys.exit(0)
    """)
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    pid = int(res.stdout.split()[0])
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        with open(f"/proc/{pid}/stat") as fh:
            assert fh.read().split()[2] == "Z", "the early child outlived its parent"


def test_a_numpy_exercise_of_a_torch_chapter_is_checked_without_torch(tmp_path):
    """`mathdl check ch22 ode_solvers` starts a child without torch (its metadata says
    needs_torch: false): the student's euler, which fails where torch was imported
    before it, passes; the whole chapter's check still starts with torch (dgm_residual
    needs it), so there the same euler fails."""
    ch22 = course.chapter("ch22")
    guard = "\n_euler = euler\n\ndef euler(f, x0, t0, T, n):\n    import sys\n" \
            "    if 'torch' in sys.modules:\n        raise RuntimeError('torch was imported before my euler ran')\n    return _euler(f, x0, t0, T, n)\n"
    (tmp_path / ch22.filename).write_text(reference_source(course, ch22) + guard)
    run = lambda *args: json.loads(subprocess.run([sys.executable, "-m", "mathdl_cli", "check", "ch22", *args, "--dir", str(tmp_path), "--json"],  # noqa: E731
                                                  capture_output=True, text=True, timeout=300).stdout)
    (alone,) = run("ode_solvers")["exercises"]
    assert alone["status"] == "passed", [c["message"] for c in alone["checks"] if c["status"] != "passed"]
    whole = {ex["id"]: ex for ex in run()["exercises"]}
    assert whole["ch22.ode_solvers"]["status"] == "error" and "torch was imported" in json.dumps(whole["ch22.ode_solvers"])
    assert whole["ch22.dgm_residual"]["status"] == "passed"


def test_a_resume_rewrites_no_output_but_restores_a_deleted_one(tmp_path):
    from mathdl_cli.batch.outputs import write_outputs
    from mathdl_cli.batch.runner import RESULTS, append_result, read_results

    rec = {"student": "ada", "status": "passed", "score": 1.0, "max_score": 1.0, "exercises": [], "problems": []}
    append_result(tmp_path, rec)
    write_outputs(tmp_path, course, read_results(tmp_path))
    feedback = tmp_path / "feedback" / "ada.md"
    assert feedback.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["feedback", "grades.csv", "gradescope", "results.jsonl", "summary.md"]
    feedback.write_text("kept")
    write_outputs(tmp_path, course, read_results(tmp_path))
    assert feedback.read_text() == "kept"  # nothing changed: nothing rewritten
    feedback.unlink()
    write_outputs(tmp_path, course, read_results(tmp_path))
    assert feedback.exists() and feedback.read_text() != "kept"
    feedback.write_text("kept")
    append_result(tmp_path, {**rec, "score": 0.5})
    assert (tmp_path / RESULTS).read_text().count("\n") == 2
    write_outputs(tmp_path, course, read_results(tmp_path))
    assert feedback.read_text() != "kept"  # new results: rewritten


def test_the_grader_uses_one_blas_thread_unless_told_otherwise():
    """Idle OpenBLAS threads spin after every call and take the core the child (or
    the other worker) needs: the executable asks for one, before numpy loads, and
    a value the user set wins."""
    script = textwrap.dedent("""
        import os, sys
        from mathdl_cli.entry import one_blas_thread
        one_blas_thread()
        import numpy
        print(os.environ["OPENBLAS_NUM_THREADS"], os.environ["OMP_NUM_THREADS"], os.environ["MKL_NUM_THREADS"])
        print(len(os.listdir("/proc/self/task")) if os.path.isdir("/proc/self/task") else 1)
    """)
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert res.returncode == 0, res.stderr
    values, threads = res.stdout.split("\n")[:2]
    assert values.split() == ["1", "1", "1"] and int(threads) == 1  # no BLAS thread pool
    env["OPENBLAS_NUM_THREADS"] = "3"
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert res.stdout.split()[0] == "3"
