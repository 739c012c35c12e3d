"""A module that imports a library mathdl does not install passes `mathdl check` on the
student's machine (where it is installed) and scores 0 where the instructor grades:
check, watch, submit and the notebook check say so before it costs a grade."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from rich.console import Console

from mathdl_cli.provided import import_note, import_notes, installed_with_mathdl, own_import_note, unprovided_imports
from support import course, reference_source

CH2 = course.chapter("ch2")
ROOT = Path(__file__).resolve().parents[1]
# imported only inside a function that never runs: the module imports, every check passes
UNUSED = "\n\ndef _plot_for_myself():\n    import notapackage_mathdl_xyz\n    import sympy  # installed with torch, so wherever mathdl is\n"


def mathdl(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "mathdl_cli", *map(str, args)], capture_output=True, text=True, timeout=600,
                          cwd=cwd, env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"})


def test_the_imports_named_are_those_outside_the_standard_library_and_what_mathdl_installs():
    source = """from __future__ import annotations
import numpy as np, os
import scipy.linalg
from sklearn import svm
from . import helpers
from .z import w
import torch
import yaml, sympy
import scipy

def f():
    import pandas as pd
    import importlib
    return importlib.import_module("matplotlib")
"""
    assert unprovided_imports(source) == ["scipy", "sklearn", "pandas"]  # in the order they first appear
    assert unprovided_imports(source.encode()) == ["scipy", "sklearn", "pandas"]
    assert unprovided_imports("import os, math, json\nfrom collections import deque\n") == []
    assert unprovided_imports("def f(:\n    import scipy\n") == []  # the import error says it
    # wherever an import statement may stand (the quick scan before any parse must see them all)
    for hidden in ["import numpy as np; import scipy\n", "try: import scipy\nexcept ImportError: pass\n",
                   "import os, \\\n    scipy\n", "if True: from scipy import linalg\n", "import os,scipy.linalg as la\n"]:
        assert unprovided_imports(hidden) == ["scipy"], hidden
    assert unprovided_imports('"""It is important: we import the data from files."""\nimport numpy\n') == []
    long = ["x" * 10**5] + [f"lib{i}" for i in range(9)]  # bounded in the note: 5 names of at most 60 characters
    assert import_note("m.py", long) == import_note("m.py", ["x" * 57 + "...", *long[1:5]]).replace("lib3, which", "lib3 and 5 more, which")
    assert {"yaml", "typer", "sympy", "numpy", "torch"} <= installed_with_mathdl()
    assert not {"scipy", "sklearn", "pandas", "matplotlib"} & installed_with_mathdl()  # the dev extras do not count


def test_check_names_an_import_that_may_be_missing_where_the_instructor_grades(tmp_path):
    (tmp_path / CH2.filename).write_text(reference_source(course, CH2) + UNUSED)
    r = mathdl("check", "ch2", "--dir", tmp_path, "--json")
    doc = json.loads(r.stdout)
    assert r.returncode == 0 and doc["score"] == doc["max_score"]  # it passes here ...
    assert doc["notes"] == [import_note(CH2.filename, ["notapackage_mathdl_xyz"])]  # ... and is told it may not there
    assert doc["notes"][0].startswith(f"{CH2.filename} imports notapackage_mathdl_xyz, which mathdl does not install: "
                                      "where your instructor grades it may be missing")
    r = mathdl("check", "ch2", "--dir", tmp_path)
    assert f"{CH2.filename} imports notapackage_mathdl_xyz" in r.stdout and "use numpy, the standard library and torch." in " ".join(r.stdout.split())
    (tmp_path / CH2.filename).write_text(reference_source(course, CH2))
    assert json.loads(mathdl("check", "ch2", "--dir", tmp_path, "--json").stdout)["notes"] == []


def test_a_module_of_the_students_own_is_named_as_such(tmp_path):
    """Another chapter's module or a helper file beside it: the import fails in the check
    as where it is graded (each chapter module runs alone), and the note says to copy what
    is needed rather than call it a library mathdl does not install."""
    ch3 = course.chapter("ch3")
    (tmp_path / CH2.filename).write_text(reference_source(course, CH2))
    (tmp_path / "myhelpers.py").write_text("def helper():\n    return 1\n")
    (tmp_path / "mypackage").mkdir()
    (tmp_path / "mypackage" / "__init__.py").write_text("")
    imports = f"import {CH2.module}\nimport myhelpers, mypackage\nimport notapackage_mathdl_xyz\n"
    (tmp_path / ch3.filename).write_text(reference_source(course, ch3) + "\n" + imports)
    r = mathdl("check", "ch3", "--dir", tmp_path, "--json")
    doc = json.loads(r.stdout)
    assert doc["score"] == 0 and "No module named" in doc["exercises"][0]["checks"][0]["message"]  # as where it is graded
    assert doc["notes"] == [own_import_note(ch3.filename, [CH2.module, "myhelpers", "mypackage"]),
                            import_note(ch3.filename, ["notapackage_mathdl_xyz"])]
    assert "copy what you need into ch03_logistic_regression.py" in doc["notes"][0]
    # checked together with chapter 2 (loaded first, in the same child), the import fails the
    # same way: a chapter module imports as it does alone, as where chapter 3 is graded alone
    (tmp_path / ch3.filename).write_text(reference_source(course, ch3) + f"\nfrom {CH2.module} import least_squares\n")
    doc = json.loads(mathdl("check", "--dir", tmp_path, "--json").stdout)
    by_chapter = {ex["id"].split(".")[0]: ex for ex in doc["exercises"]}
    assert by_chapter["ch02"]["status"] == "passed"
    assert f"No module named '{CH2.module}'" in by_chapter["ch03"]["checks"][0]["message"]
    assert import_notes(ch3.filename, imports) == [import_note(ch3.filename, [CH2.module, "myhelpers", "mypackage", "notapackage_mathdl_xyz"])]  # no folder
    assert import_notes(ch3.filename, f"import {'y' * 5000}\n", tmp_path) == [import_note(ch3.filename, ["y" * 5000])]  # too long for a file


def test_submit_warns_and_packs(tmp_path):
    (tmp_path / CH2.filename).write_text(reference_source(course, CH2) + UNUSED)
    r = mathdl("submit", "--dir", tmp_path, "--out", tmp_path / "hand-in.zip")
    assert r.returncode == 0 and (tmp_path / "hand-in.zip").is_file(), r.stderr
    assert f"warning: {CH2.filename} imports notapackage_mathdl_xyz" in " ".join(r.stderr.split())
    r = mathdl("submit", "--dir", tmp_path, "--out", tmp_path / "again.zip", "--json")
    assert json.loads(r.stdout)["warnings"] == [import_note(CH2.filename, ["notapackage_mathdl_xyz"])]


def test_the_notebook_check_and_watch_name_it_too(tmp_path):
    """The note names the notebook the student works in; watch shows it under the score."""
    from mathdl_cli.checking import check_sources
    from mathdl_cli.watch import Outcome, draw

    report = check_sources(course, {CH2: (reference_source(course, CH2) + UNUSED).encode()}, label="homework.ipynb")
    assert report.notes == [import_note("homework.ipynb", ["notapackage_mathdl_xyz"])]
    console = Console(record=True, width=300)
    draw(console, Outcome(CH2, report=report), folder=tmp_path, clear=False)
    screen = console.export_text()
    assert "homework.ipynb imports notapackage_mathdl_xyz" in screen and "Every public check of the chapter passes" in screen
