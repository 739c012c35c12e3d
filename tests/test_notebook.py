"""Notebooks: the Python API in a real Jupyter kernel, and `mathdl check --notebook`."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")  # a dev dependency: present in CI

ROOT = Path(__file__).resolve().parents[1]

CELLS = [
    ("markdown", "# Chapter 2 in a notebook"),
    ("code", "%precision 3\nimport numpy as np\nimport mathdl"),
    ("code", "def least_squares(X, y, fit_intercept=True):\n    A = np.column_stack([X, np.ones(len(X))]) if fit_intercept else X\n    theta = np.linalg.lstsq(A, y, rcond=None)[0]\n    return (theta[:-1], float(theta[-1])) if fit_intercept else (theta, 0.0)"),
    ("code", "def ridge(X, y, lam):\n    xbar, ybar = X.mean(axis=0), y.mean()\n    Xc = X - xbar\n    w = np.linalg.solve(Xc.T @ Xc / len(X) + lam * np.eye(X.shape[1]), Xc.T @ (y - ybar) / len(X))\n    return w, float(ybar - xbar @ w)"),
    ("code", "X = np.random.default_rng(0).normal(size=(6, 2))\nprint(least_squares(X, X[:, 0]))"),
    # cell 6: a bug on its line 3
    ("code", "def mse_objective_and_grad(theta, X, y):\n    M, d = X.shape\n    r = y - X @ theta[d + 5]\n    return float(r @ r) / (2 * M), r"),
    ("code", "import json\nreports = [mathdl.check('ch2', e) for e in ('least_squares', 'ridge', 'mse_objective_and_grad')]\nprint('JSON' + json.dumps([r.to_json() for r in reports]))\nreports[0]"),
]


def make_notebook(path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    for kind, text in CELLS:
        nb.cells.append(nbformat.v4.new_markdown_cell(text) if kind == "markdown" else nbformat.v4.new_code_cell(text))
    nbformat.write(nb, str(path))


def by_id(doc):
    return {ex["id"]: ex for ex in doc["exercises"]}


def test_notebook_checks_its_own_functions_through_the_api_in_a_real_kernel(tmp_path, monkeypatch):
    pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    from nbclient import NotebookClient

    path = tmp_path / "ch2.ipynb"
    make_notebook(path)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    nb = nbformat.read(str(path), as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    last = nb.cells[-1]
    printed = "".join(o.get("text", "") for o in last.outputs if o.output_type == "stream")
    reports = json.loads(printed.split("JSON", 1)[1])
    assert [r["exercises"][0]["status"] for r in reports] == ["passed", "passed", "error"]
    assert reports[0]["score"] == reports[0]["max_score"] > 0
    assert all(r["kind"] == "mathdl.check" and r["mode"] == "student" for r in reports)
    buggy = reports[2]["exercises"][0]
    message = next(c["message"] for c in buggy["checks"] if c["status"] == "error")
    # the kernel's own cells: the bug is in the fifth cell run (In [5]), its line 3
    assert "IndexError" in message and "In [5], line 3" in message, message
    rerun = next(c["rerun"] for c in buggy["checks"] if c["status"] == "error")
    assert rerun.startswith('mathdl.check("ch2", "mse_objective_and_grad", case=')
    # the notebook shows the report rich: HTML and Markdown
    shown = next(o for o in last.outputs if o.output_type == "execute_result")
    assert "mathdl check" in shown["data"]["text/html"] and "ch02.least_squares" in shown["data"]["text/html"]
    assert "text/markdown" in shown["data"] and "✓" in shown["data"]["text/markdown"]
    # nothing graded in the kernel: the student's code was never imported there
    assert not list(tmp_path.glob("ch02_*.py"))
    # the checks are the workbook's progress, kept beside the notebook: status shows them, with the call to run again
    status = _mathdl("status", "ch2", "--dir", tmp_path)
    lines = [" ".join(line.split()) for line in status.stdout.splitlines()]
    assert status.returncode == 0 and lines[0].startswith("ch2 notebook cells ✓✓✗"), lines
    row = next(line for line in lines if "ch02.mse_objective_and_grad" in line)
    assert 'next: mathdl.check("ch2", "mse_objective_and_grad") in your notebook' in row
    assert 'run `mathdl.check("ch2") in your notebook` to update' in " ".join(lines)


def test_check_notebook_grades_the_cells_and_names_the_cell(tmp_path):
    path = tmp_path / "ch2.ipynb"
    make_notebook(path)
    res = subprocess.run(
        [sys.executable, "-m", "mathdl_cli", "check", "ch2", "--notebook", str(path), "--json"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert res.returncode == 1, res.stderr
    doc = by_id(json.loads(res.stdout))
    assert doc["ch02.least_squares"]["status"] == "passed" and doc["ch02.ridge"]["status"] == "passed"
    check = next(c for c in doc["ch02.mse_objective_and_grad"]["checks"] if c["status"] == "error")
    assert "IndexError" in check["message"] and "ch2.ipynb cell 6, line 3" in check["message"], check["message"]
    assert check["rerun"].endswith(f"--notebook {path}")
    frames = check["diagnostic"]["traceback"]
    assert ["ch2.ipynb cell 6", 3] in [f[:2] for f in frames]
    # the same score as the API reports for these exercises
    assert doc["ch02.least_squares"]["score"] == doc["ch02.least_squares"]["max_score"]
    # recorded beside the notebook: status and list show it, and every command they offer names the notebook
    status = _mathdl("status", "ch2", "--dir", tmp_path)
    lines = [" ".join(line.split()) for line in status.stdout.splitlines()]
    assert status.returncode == 0 and lines[0].startswith("ch2 ch2.ipynb ✓✓✗✗✗ 2 passed, 3 failed"), lines
    row = next(line for line in lines if "ch02.mse_objective_and_grad" in line)
    assert f"next: mathdl check ch2 mse_objective_and_grad --notebook {path}" in row
    assert f"run `mathdl check ch2 --notebook {path}` to update" in " ".join(lines)
    listing = json.loads(_mathdl("list", "ch2", "--dir", tmp_path, "--json").stdout)
    statuses = {e["id"]: e["status"] for e in listing["chapters"][0]["exercises"]}
    assert statuses["ch02.least_squares"] == statuses["ch02.ridge"] == "passed" and statuses["ch02.mse_objective_and_grad"] == "error"
    os.utime(path, (path.stat().st_mtime + 5,) * 2)  # saved after the check
    assert "(changed since your last check)" in _mathdl("status", "--dir", tmp_path).stdout


def _mathdl(*args):
    return subprocess.run([sys.executable, "-m", "mathdl_cli", *map(str, args)], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"})


def test_check_notebook_with_a_syntax_error_names_the_cell(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("x"), nbformat.v4.new_code_cell("import numpy as np"), nbformat.v4.new_code_cell("def poly_design(x, degree:\n    pass")]
    path = tmp_path / "broken.ipynb"
    nbformat.write(nb, str(path))
    res = subprocess.run(
        [sys.executable, "-m", "mathdl_cli", "check", "ch2", "poly_design", "--notebook", str(path), "--json"],
        capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    doc = json.loads(res.stdout)
    message = doc["exercises"][0]["checks"][0]["message"]
    assert "SyntaxError" in message and "broken.ipynb cell 3, line 1" in message, message
