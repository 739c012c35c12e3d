"""The student distribution: the wheel has the graders and never the solutions,
and a fresh install of it scaffolds and checks a chapter on its own."""

import json
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    res = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]
    (path,) = out.glob("mathdl-*.whl")
    return path


def test_wheel_has_graders_but_no_solutions(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.startswith("mathdl_cli/_course/graders/ch02_linear_regression/test_") for n in names)
    assert any(n.startswith("mathdl_cli/_course/graders/ch02_linear_regression/_recorded/") for n in names)
    assert "mathdl_cli/_course/exercises/ch02_linear_regression/chapter.yaml" in names
    assert "mathdl/__init__.py" in names  # the notebook API: `import mathdl`
    assert "mathdl_cli/_course/graders/ch02_linear_regression/_plots.py" in names
    assert not [n for n in names if "solutions_private" in n or "mutants" in n or n.startswith("tests/")]


def test_an_editable_install_carries_no_copy_of_the_course(tmp_path):
    # it runs the checkout's exercises/ and graders/; a copy in site-packages would be
    # stale at once, and would outlive the checkout as an empty namespace package
    res = subprocess.run([sys.executable, "-c", f"import hatchling.build as b; print(b.build_editable({str(tmp_path)!r}))"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    names = zipfile.ZipFile(tmp_path / res.stdout.strip().splitlines()[-1]).namelist()
    assert not [n for n in names if "_course" in n or n.startswith("graders/") or n.startswith("exercises/")], names
    assert any(n.endswith(".pth") for n in names)


def test_installed_wheel_checks_a_chapter_without_the_solutions(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    py = env_dir / "bin" / "python"
    res = subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "--no-index", "-q", str(wheel)], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    work = tmp_path / "work"
    work.mkdir()
    probe = subprocess.run([str(py), "-c", "import mathdl_cli.catalog as c; print(c.course_root())"], capture_output=True, text=True, cwd=work)
    assert "_course" in probe.stdout and str(ROOT) not in probe.stdout
    subprocess.run([str(py), "-m", "mathdl_cli", "new", "ch2"], cwd=work, check=True, capture_output=True)
    res = subprocess.run([str(py), "-m", "mathdl_cli", "check", "ch2", "--json"], cwd=work, capture_output=True, text=True, timeout=300)
    doc = json.loads(res.stdout)
    assert res.returncode == 1 and {e["status"] for e in doc["exercises"]} == {"not_started"}
    # a correct solution passes every public check from the recorded outputs alone
    (work / "ch02_linear_regression.py").write_text((ROOT / "solutions_private" / "ch02_linear_regression.py").read_text())
    res = subprocess.run([str(py), "-m", "mathdl_cli", "check", "ch2", "--json"], cwd=work, capture_output=True, text=True, timeout=300)
    doc = json.loads(res.stdout)
    assert res.returncode == 0, res.stdout[-3000:]
    assert doc["score"] == doc["max_score"]
    res = subprocess.run([str(py), "-m", "mathdl_cli", "validate"], cwd=work, capture_output=True, text=True)
    assert res.returncode == 2 and "solutions_private" in res.stderr
