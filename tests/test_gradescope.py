"""`mathdl gradescope` in a simulated Gradescope harness, on real processes.

The zip is built by the CLI, unpacked into a temporary root standing in for
/autograder (``MATHDL_AUTOGRADER_ROOT``), ``setup.sh`` installs mathdl from the
wheel inside it into a fresh virtual environment, and ``run_autograder`` grades
one submission after another, each with its own submission_metadata.json,
as Gradescope does. Every results.json must validate against the schema in
tests/gradescope_results.schema.json (written from Gradescope's specification).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest

from security.attacks_confinement import honest
from schema_check import load, validate
from support import course, mutant_source, mutants, stub_source

CH2 = course.chapter("ch2")
TOTAL = sum(ex.points for ex in CH2.exercises)
SECRET = "gradescope-test-secret-5b1e"
SCHEMA = load("gradescope_results.schema.json")


def with_function(source: str) -> str:
    """The reference with some functions redefined by the attack."""
    return honest() + "\n\n# ---- attack ----\n" + source


# The reference, wrong on about half of the calls, chosen by a hash of the
# inputs: the same code passes different checks when the inputs differ.
SPY = with_function('''
import functools as _functools, hashlib as _hashlib

def _fingerprint(value):
    if isinstance(value, np.ndarray):
        return value.tobytes()
    return repr(value).encode() if isinstance(value, (int, float, bool, str, type(None))) else type(value).__name__.encode()

def _corrupt(out):
    if isinstance(out, tuple):
        return tuple(_corrupt(o) for o in out)
    return out + 1.0 if isinstance(out, (np.ndarray, float)) else out

def _spy(fn):
    @_functools.wraps(fn)
    def wrapper(*args, **kwargs):
        digest = _hashlib.sha256(b"|".join(_fingerprint(v) for v in [*args, *sorted(kwargs.items())])).digest()
        out = fn(*args, **kwargs)
        return _corrupt(out) if digest[0] % 2 else out
    return wrapper

for _name in ("least_squares", "mse_objective_and_grad", "gd_least_squares", "ridge", "poly_design", "train_test_curve"):
    globals()[_name] = _spy(globals()[_name])
''')


def hostile(root: Path) -> str:
    """Tries to forge results.json, read the secret and the references, and
    claim success in print; its least_squares is wrong."""
    return with_function(f'''
import pathlib as _pathlib
_root = _pathlib.Path({str(root)!r})
for _target in (_root / "results" / "results.json", _root / "results" / "stdout"):
    try:
        _target.write_text('{{"score": 100, "output": "FORGED", "tests": []}}')
    except OSError:
        pass
for _secret in (_root / "source" / "mathdl" / "secret", _root / "source" / "mathdl" / "course" / "solutions_private" / "ch02_linear_regression.py"):
    try:
        print("LEAKED", _secret.read_text()[:200])
    except OSError:
        pass
print("All tests passed! Score: 16/16")

def least_squares(X, y, fit_intercept=True):
    print("All tests passed! Score: 16/16")
    return np.zeros(X.shape[1]), 0.0
''')


def metadata(sid: str | None, email: str, user_id: int) -> dict:
    """Gradescope's submission_metadata.json (its documented layout)."""
    user = {"email": email, "id": user_id, "name": "A Student", **({"sid": sid} if sid is not None else {})}
    return {
        "id": 900000 + user_id, "created_at": "2025-03-01T14:22:32.365935-08:00",
        "assignment": {"due_date": "2025-03-08T23:59:00.000000-08:00", "group_size": None, "group_submission": False, "id": 25828,
                       "course_id": 1234, "late_due_date": None, "release_date": "2025-03-01T00:00:00.000000-08:00",
                       "title": "Chapter 2", "total_points": f"{TOTAL}"},
        "users": [user], "previous_submissions": [],
    }


@pytest.fixture(scope="module")
def harness(tmp_path_factory):
    built = tmp_path_factory.mktemp("built")
    res = subprocess.run(
        [sys.executable, "-m", "mathdl_cli", "gradescope", "ch2", "--out", str(built), "--hidden-visibility", "after_due_date", "--json"],
        capture_output=True, text=True, timeout=600, env={**os.environ, "MATHDL_SECRET": SECRET},
    )
    assert res.returncode == 0, res.stderr[-3000:]
    zip_path = Path(json.loads(res.stdout)["zip"])
    # not under /tmp: the namespace sandbox gives student code a fresh /tmp, where a
    # virtual environment under /tmp would vanish (Gradescope's /autograder is not there either)
    base = Path("/var/tmp") if Path("/var/tmp").is_dir() else tmp_path_factory.mktemp("root")
    root = Path(tempfile.mkdtemp(prefix="mathdl-gradescope-", dir=base))
    try:
        with zipfile.ZipFile(zip_path) as zf:
            zf.extractall(root / "source")
            for info in zf.infolist():  # zipfile does not restore permissions; Gradescope's unpacking does
                os.chmod(root / "source" / info.filename, (info.external_attr >> 16) & 0o777)
        shutil.copy2(root / "source" / "run_autograder", root / "run_autograder")  # as Gradescope's image build does
        env = {
            **os.environ, "MATHDL_AUTOGRADER_ROOT": str(root),
            # a fresh environment that sees this machine's packages (torch==2.13.0 among them):
            # pip then installs the wheel alone, without the network
            "MATHDL_VENV_OPTIONS": "--system-site-packages --without-pip", "MATHDL_TORCH_INDEX": "", "PIP_NO_INDEX": "1",
        }
        env.pop("MATHDL_SECRET", None)
        env.pop("MATHDL_COURSE", None)
        env.pop("PYTHONPATH", None)
        setup = subprocess.run(["bash", str(root / "source" / "setup.sh")], capture_output=True, text=True, timeout=900, env=env, cwd=root)
        assert setup.returncode == 0, setup.stdout[-3000:] + setup.stderr[-3000:]
        yield {"zip": zip_path, "root": root, "env": env}
    finally:
        shutil.rmtree(root, ignore_errors=True)


def run_autograder(harness, files: dict[str, str] | None, meta: dict | None, extra_env: dict | None = None) -> tuple[dict, str]:
    """One submission through run_autograder, as Gradescope runs it: fresh
    submission/, submission_metadata.json and results/, working folder the root."""
    root = harness["root"]
    for name in ("submission", "results"):
        shutil.rmtree(root / name, ignore_errors=True)
    (root / "submission_metadata.json").unlink(missing_ok=True)
    (root / "results").mkdir()
    if files is not None:
        (root / "submission").mkdir()
        for name, text in files.items():
            (root / "submission" / name).parent.mkdir(parents=True, exist_ok=True)
            (root / "submission" / name).write_text(text)
    if meta is not None:
        (root / "submission_metadata.json").write_text(json.dumps(meta))
    res = subprocess.run([str(root / "run_autograder")], capture_output=True, text=True, timeout=600, cwd=root, env={**harness["env"], **(extra_env or {})})
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    doc = json.loads((root / "results" / "results.json").read_text())
    assert validate(SCHEMA, doc) == [], validate(SCHEMA, doc)
    return doc, res.stdout + res.stderr


def check_totals(doc: dict, hidden_checks: bool = True) -> None:
    """Test scores add up to the score; the points to the chapter's total;
    hidden checks carry the chosen visibility, public ones are visible."""
    assert sum(t["score"] for t in doc["tests"]) == pytest.approx(doc["score"], abs=1e-9)
    assert sum(t["max_score"] for t in doc["tests"]) == pytest.approx(TOTAL)
    hidden = [t for t in doc["tests"] if "hidden" in t["tags"]]
    assert bool(hidden) == hidden_checks and all(t["visibility"] == "after_due_date" for t in hidden)
    assert {t["visibility"] for t in doc["tests"] if "public" in t["tags"]} == {"visible"}
    assert len({t["number"] for t in doc["tests"]}) == len(doc["tests"])


def by_status(doc: dict, tag: str) -> dict[str, str]:
    return {t["name"]: t["status"] for t in doc["tests"] if tag in t["tags"]}


def test_zip_layout(harness):
    with zipfile.ZipFile(harness["zip"]) as zf:
        infos = {i.filename: i for i in zf.infolist()}
        wheel = next(n for n in infos if n.startswith("mathdl/mathdl-") and n.endswith(".whl"))
        wheel_names = zipfile.ZipFile(zf.open(wheel)).namelist()
        secret = zf.read("mathdl/secret").decode()
    for script in ("setup.sh", "run_autograder"):  # at the root of the zip, executable
        assert (infos[script].external_attr >> 16) & stat.S_IXUSR
    assert secret == SECRET
    references = [n for n in infos if "solutions_private" in n]
    assert references == [f"mathdl/course/solutions_private/{CH2.filename}"]
    assert not [n for n in infos if "mutants" in n]
    assert not [n for n in wheel_names if "solutions_private" in n or "mutants" in n]
    assert "mathdl_cli/autograder.py" in wheel_names
    installed = subprocess.run([str(harness["root"] / "mathdl-venv" / "bin" / "python"), "-I", "-c", "import mathdl_cli; print(mathdl_cli.__file__)"],
                               capture_output=True, text=True, env=harness["env"])
    assert str(harness["root"] / "mathdl-venv") in installed.stdout  # the wheel, not this checkout
    setup = (harness["root"] / "source" / "setup.sh").read_text()
    assert "torch==2.13.0" in setup and "download.pytorch.org/whl/cpu" in setup
    assert not (harness["root"] / "source" / "mathdl").stat().st_mode & 0o077  # references and secret: root only


def test_refuses_without_a_secret(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "MATHDL_SECRET"}
    res = subprocess.run([sys.executable, "-m", "mathdl_cli", "gradescope", "ch2", "--out", str(tmp_path)], capture_output=True, text=True, env=env)
    assert res.returncode == 2 and "secret" in res.stderr and not list(tmp_path.iterdir())


def test_correct_partial_and_stub(harness):
    doc, log = run_autograder(harness, {f"nested/deeper/{CH2.filename}": honest()}, metadata("9001", "ada@uni.edu", 1))
    check_totals(doc)
    assert doc["score"] == pytest.approx(TOTAL) and {t["status"] for t in doc["tests"]} == {"passed"}
    assert "student: 9001" in log  # the sid, from submission_metadata.json

    bad = next(m for m in mutants(course, CH2) if m.exercise == "ridge")
    doc, _ = run_autograder(harness, {CH2.filename: mutant_source(course, bad)}, metadata("9002", "bob@uni.edu", 2))
    check_totals(doc)
    ridge = [t for t in doc["tests"] if "ch02.ridge" in t["tags"]]
    assert 0 < doc["score"] < TOTAL and any(t["status"] == "failed" for t in ridge)
    assert all(t["status"] == "passed" for t in doc["tests"] if "ch02.ridge" not in t["tags"])

    doc, _ = run_autograder(harness, {CH2.filename: stub_source(CH2)}, metadata(None, "cy@uni.edu", 3))
    check_totals(doc)
    assert doc["score"] == 0 and all("not implemented" in t["output"].lower() or "not started" in t["output"].lower() for t in doc["tests"]), doc["tests"][0]


def test_hostile_submission(harness):
    root = harness["root"]
    doc, log = run_autograder(harness, {CH2.filename: hostile(root)}, metadata("9003", "eve@uni.edu", 4))
    check_totals(doc)
    text = json.dumps(doc)
    assert "FORGED" not in text and SECRET not in text and SECRET not in log and "def least_squares" not in text
    ls = [t for t in doc["tests"] if "ch02.least_squares" in t["tags"]]
    assert ls and all(t["status"] == "failed" and t["score"] == 0 for t in ls)
    assert doc["score"] == pytest.approx(TOTAL - next(ex.points for ex in CH2.exercises if ex.short == "least_squares"))


def test_empty_and_missing_submissions_score_zero_with_a_message(harness):
    doc, _ = run_autograder(harness, {"README.txt": "nothing here", "ch2_linear_regression.py": honest()}, metadata("9004", "dan@uni.edu", 5))
    check_totals(doc, hidden_checks=False)
    assert doc["score"] == 0 and all(t["status"] == "failed" for t in doc["tests"])
    assert f"rename it to {CH2.filename}" in doc["tests"][0]["output"]

    doc, log = run_autograder(harness, None, None)  # no submission folder, no metadata
    check_totals(doc, hidden_checks=False)
    assert doc["score"] == 0 and "unknown" in log
    assert "could not read" in doc["output"]


def test_weak_isolation_still_grades_and_says_so(harness):
    doc, log = run_autograder(harness, {CH2.filename: stub_source(CH2)}, metadata("9005", "fay@uni.edu", 6), {"MATHDL_ISOLATION": "process"})
    check_totals(doc)
    assert "weak" in log and "allowed explicitly" in log
    assert "Isolation: process" in doc["output"] and "weak" in doc["output"]


def test_same_code_different_students_get_different_hidden_inputs(harness):
    first, _ = run_autograder(harness, {CH2.filename: SPY}, metadata("9101", "g@uni.edu", 7))
    second, _ = run_autograder(harness, {CH2.filename: SPY}, metadata("9102", "h@uni.edu", 8))
    for doc in (first, second):
        check_totals(doc)
    hidden_first, hidden_second = by_status(first, "hidden"), by_status(second, "hidden")
    assert set(hidden_first) == set(hidden_second)
    assert hidden_first != hidden_second  # the same code passed different hidden checks: it saw different inputs


def test_run_autograder_writes_results_even_when_mathdl_cannot_start(tmp_path):
    """No environment at all (setup.sh never ran): the script's own fallback."""
    script = Path(__file__).resolve().parents[1] / "mathdl_cli" / "autograder_files" / "run_autograder"
    res = subprocess.run(["bash", str(script)], capture_output=True, text=True, env={**os.environ, "MATHDL_AUTOGRADER_ROOT": str(tmp_path)})
    assert res.returncode == 0
    doc = json.loads((tmp_path / "results" / "results.json").read_text())
    assert validate(SCHEMA, doc) == [] and doc["score"] == 0 and "could not grade" in doc["output"]


def test_group_and_metadata_ids(tmp_path):
    from mathdl_cli.autograder import submitters

    def ids(meta):
        (tmp_path / "m.json").write_text(json.dumps(meta) if not isinstance(meta, str) else meta)
        return submitters(tmp_path / "m.json")

    group = metadata("1", "a@x.edu", 10)
    group["users"].append({"email": "b@x.edu", "id": 11, "name": "B", "sid": None})
    group["users"].append({"email": "", "id": 12, "name": "C", "sid": ""})
    assert ids(group) == (["1", "b@x.edu", "12"], "")
    assert ids("not json")[0] == [] and "could not be used" in ids("not json")[1]
    assert ids({"users": [{"sid": True, "email": 5}]})[0] == ["5"]


def test_a_grader_failure_still_writes_a_zero_per_exercise(tmp_path):
    """The packed autograder without its secret: grading cannot start, and
    results.json says so, with every exercise at zero out of its points."""
    here = tmp_path / "source" / "mathdl"
    here.mkdir(parents=True)
    (here / "config.json").write_text(json.dumps({"chapters": [CH2.module]}))
    (here / "course").symlink_to(course.root)
    env = {k: v for k, v in os.environ.items() if k not in ("MATHDL_COURSE", "MATHDL_SECRET")}
    res = subprocess.run([sys.executable, "-m", "mathdl_cli.autograder"], capture_output=True, text=True, timeout=120,
                         env={**env, "MATHDL_AUTOGRADER_ROOT": str(tmp_path)})
    assert res.returncode == 0 and "FileNotFoundError" in res.stdout  # the traceback, for the instructor
    doc = json.loads((tmp_path / "results" / "results.json").read_text())
    assert validate(SCHEMA, doc) == [] and doc["score"] == 0 and "could not grade" in doc["output"]
    assert [t["tags"] for t in doc["tests"]] == [[ex.id] for ex in CH2.exercises]
    assert sum(t["max_score"] for t in doc["tests"]) == TOTAL and "secret" not in doc["output"]
