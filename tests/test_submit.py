"""`mathdl submit`: the zip holds exactly the chapter modules and a manifest, refuses
modules that will not import, never overwrites, and grades like the folder it came from."""

import csv
import hashlib
import json
import os
import subprocess
import sys
import zipfile

from support import course, mutant_source, mutants, reference_source

CH2 = course.chapter("ch2")


def mathdl(*args, cwd=None, env=None):
    return subprocess.run([sys.executable, "-m", "mathdl_cli", *map(str, args)], capture_output=True, text=True, timeout=600, cwd=cwd, env={**os.environ, **(env or {})})


def workbook(tmp_path, source):
    wb = tmp_path / "wb"
    wb.mkdir()
    (wb / CH2.filename).write_text(source)
    (wb / "notes.txt").write_text("not handed in")
    return wb


def test_submit_packs_modules_with_manifest_and_grades_like_the_folder(tmp_path):
    # a partly wrong workbook, so equal scores are not just full marks on both sides
    wb = workbook(tmp_path, mutant_source(course, mutants(course, CH2)[0]))
    zpath = tmp_path / "subs_zip" / "alice.zip"
    res = mathdl("submit", "ch2", "--dir", wb, "--out", zpath, "--json")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    with zipfile.ZipFile(zpath) as zf:
        assert sorted(zf.namelist()) == sorted([CH2.filename, "mathdl_manifest.json"])
        manifest = json.loads(zf.read("mathdl_manifest.json"))
        data = zf.read(CH2.filename)
    assert manifest == doc["manifest"]
    assert data == (wb / CH2.filename).read_bytes()
    assert manifest["files"][CH2.filename]["sha256"] == hashlib.sha256(data).hexdigest()
    assert manifest["mathdl"] and manifest["chapters"] == ["ch2"]
    check = json.loads(mathdl("check", "ch2", "--dir", wb, "--json").stdout)
    assert manifest["public_score"]["score"] == check["score"] < check["max_score"]

    # the instructor grades the zip as it is, and the folder it came from: same scores
    folder = tmp_path / "subs_dir" / "alice"
    folder.mkdir(parents=True)
    (folder / CH2.filename).write_bytes(data)
    rows = {}
    for subs in ("subs_zip", "subs_dir"):
        out = tmp_path / f"out_{subs}"
        res = mathdl("grade", tmp_path / subs, "--out", out, "--json", env={"MATHDL_SECRET": "s"})
        assert res.returncode == 0, res.stderr
        with open(out / "grades.csv", newline="") as fh:
            (rows[subs],) = list(csv.DictReader(fh))
    assert rows["subs_zip"] == rows["subs_dir"]
    assert rows["subs_zip"]["student"] == "alice" and 0 < float(rows["subs_zip"]["total"]) < float(rows["subs_zip"]["max_total"])


def test_submit_refuses_a_syntax_error_naming_the_line(tmp_path):
    wb = workbook(tmp_path, "import numpy as np\n\ndef least_squares(X, y:\n    pass\n")
    res = mathdl("submit", "--dir", wb, "--out", tmp_path / "s.zip")
    assert res.returncode == 2
    assert f"{CH2.filename}, line 3" in res.stderr and "syntax" in res.stderr.lower()
    assert not (tmp_path / "s.zip").exists()


def test_submit_refuses_a_module_that_fails_on_import(tmp_path):
    wb = workbook(tmp_path, reference_source(course, CH2) + "\nraise RuntimeError('boom at import')\n")
    res = mathdl("submit", "ch2", "--dir", wb, "--out", tmp_path / "s.zip")
    assert res.returncode == 2 and "would not import" in res.stderr and "boom at import" in res.stderr
    assert not (tmp_path / "s.zip").exists()


def test_submit_never_overwrites_without_force(tmp_path):
    wb = workbook(tmp_path, reference_source(course, CH2))
    target = tmp_path / "s.zip"
    target.write_bytes(b"an earlier zip")
    res = mathdl("submit", "ch2", "--dir", wb, "--out", target)
    assert res.returncode == 2 and "--force" in res.stderr
    assert target.read_bytes() == b"an earlier zip"
    res = mathdl("submit", "ch2", "--dir", wb, "--out", target, "--force")
    assert res.returncode == 0, res.stderr
    assert "Upload" in res.stdout
    assert zipfile.ZipFile(target).read(CH2.filename) == (wb / CH2.filename).read_bytes()
