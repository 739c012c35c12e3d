"""Finding and reading submissions: hostile input never stops the batch, never
steals an identity, never costs unbounded memory."""

from __future__ import annotations

import os
import random
import time
import zipfile
from pathlib import Path

import pytest

from mathdl_cli.batch import submissions as S
from mathdl_cli.batch.runner import Options, batch_warnings, grade_submission, missing_modules_line
from mathdl_cli.batch.submissions import DuplicateIds, Submission, discover, file_name, load_files, missing_module, read_metadata
from support import course

CH2 = course.chapter("ch2")
M = CH2.filename
CODE = "import numpy as np\n"


def folder(path: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def zipped(path: Path, entries: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(zipfile.ZipInfo(name), data)
    return path


def loaded(path: Path, student: str = "s") -> Submission:
    sub = Submission(student, str(path), path)
    load_files(sub, course)
    return sub


# -- student ids and file names ------------------------------------------------------------


def test_file_names_are_injective_also_ignoring_case():
    ids = ["victim_x", "victim!x", "victim x", "Victim_x", "VICTIM_X", "victim%21x", "a/b", "a\\b", "..", ".", "", "-rf",
           "+1+2", "=1+1", "é", "e\u0301", "x" * 300, "x" * 301, "\udcff", "~", "%", "%25", "con", "a\x00b", "\u202eab"]
    rng = random.Random(7)
    alphabet = "aA_!%~.-é\u202e/ "
    ids += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6))) for _ in range(3000)]
    ids = list(dict.fromkeys(ids))
    names = [file_name(i) for i in ids]
    assert len({n.lower() for n in names}) == len(ids)  # distinct even on a case-insensitive file system
    for n in names:
        assert n and len(n.encode()) <= 120 and "/" not in n and "\\" not in n and "\x00" not in n
        assert not n.startswith((".", "-"))
    assert file_name("victim!x") != file_name("victim_x") == "victim_x"
    assert file_name("s1") == "s1" and file_name("9001") == "9001"


def test_duplicate_ids_are_an_error_naming_both(tmp_path):
    subs = tmp_path / "subs"
    folder(subs / "alice", {M: CODE})
    zipped(subs / "alice.zip", {M: CODE})
    with pytest.raises(DuplicateIds) as err:
        discover([subs], course)
    assert str(subs / "alice") in str(err.value) and str(subs / "alice.zip") in str(err.value)


def test_metadata_in_a_students_folder_is_not_trusted(tmp_path):
    subs = tmp_path / "subs"
    folder(subs / "victim", {M: CODE})
    folder(subs / "mallory", {
        "submission_metadata.yml": "submission_1:\n  :submitters:\n  - :sid: victim\n",
        f"submission_1/{M}": CODE,
    })
    found = {s.student: s for s in discover([subs], course)}
    assert set(found) == {"victim", "mallory"}
    assert found["victim"].path == subs / "victim"


def export(tmp_path: Path, metadata: str, folders: list[str]) -> Path:
    root = tmp_path / "export"
    for name in folders:
        folder(root / name, {M: CODE})
    (root / "submission_metadata.yml").write_text(metadata)
    return root


def test_gradescope_export_at_the_top_gives_every_submitter(tmp_path):
    meta = (
        "submission_1:\n  :submitters:\n  - :sid: '9001'\n    :name: Ada\n  - :sid: 9002\n"  # a group; an unquoted (int) sid
        "submission_2:\n  :submitters:\n  - :email: bob@example.edu\n"
    )
    found = discover([export(tmp_path, meta, ["submission_1", "submission_2"])], course)
    assert [(s.student, Path(s.source).name) for s in found] == [("9001", "submission_1"), ("9002", "submission_1"), ("bob@example.edu", "submission_2")]
    assert all(not s.problems for s in found)


@pytest.mark.parametrize("sid", ["[1, 2]", "{a: 1}", "true", "null", "''"])
def test_malformed_sids_fall_back_to_the_folder_name_with_a_problem(tmp_path, sid):
    meta = f"submission_1:\n  :submitters:\n  - :sid: {sid}\n"
    (sub,) = discover([export(tmp_path, meta, ["submission_1"])], course)
    assert sub.student == "submission_1" and "no usable sid" in sub.problems[0]


@pytest.mark.parametrize("meta", ["[1, 2, 3]", "submission_1: 7", "submission_1:\n  :submitters: 5\n", ": : :\n\t- [", "\x00\x01"])
def test_malformed_metadata_never_stops_discovery(tmp_path, meta):
    warnings: list[str] = []
    (sub,) = discover([export(tmp_path, meta, ["submission_1"])], course, warnings)
    assert sub.student == "submission_1" and sub.problems


def test_yaml_aliases_are_refused_unexpanded(tmp_path):
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    path = tmp_path / "bomb.yml"
    path.write_text("\n".join(lines))  # 9^9 = 387 million strings once expanded
    t0 = time.perf_counter()
    with pytest.raises(ValueError, match="aliases"):
        read_metadata(path)
    assert time.perf_counter() - t0 < 1.0
    warnings: list[str] = []
    root = export(tmp_path, path.read_text(), ["submission_1"])
    (sub,) = discover([root], course, warnings)
    assert sub.student == "submission_1" and "aliases" in warnings[0]


def test_metadata_size_is_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(S, "MAX_METADATA_BYTES", 1000)
    path = tmp_path / "big.yml"
    path.write_text("submission_1: " + "x" * 2000)
    with pytest.raises(ValueError, match="larger than"):
        read_metadata(path)


def test_unreadable_student_folders_do_not_stop_discovery_or_loading(tmp_path, monkeypatch):
    subs = tmp_path / "subs"
    folder(subs / "ok", {M: CODE})
    folder(subs / "locked", {f"inner/{M}": CODE})
    real = os.scandir

    def scandir(path):
        if "locked" in str(path):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(S.os, "scandir", scandir)
    found = {s.student: s for s in discover([subs], course)}
    for sub in found.values():
        load_files(sub, course)
    assert M in found["ok"].files and not found["ok"].problems
    assert found["locked"].files == {} and "could not be read" in found["locked"].problems[0]


# -- reading files ---------------------------------------------------------------------------


def test_corrupt_zips_become_problems(tmp_path):
    good = zipped(tmp_path / "good.zip", {f"x/{M}": CODE * 40})
    raw = bytearray(good.read_bytes())
    for i in range(60, 90):
        raw[i] ^= 0xFF  # inside the deflate stream
    (tmp_path / "deflate.zip").write_bytes(bytes(raw))
    (tmp_path / "truncated.zip").write_bytes(good.read_bytes()[:40])
    (tmp_path / "garbage.zip").write_bytes(b"PK\x03\x04" + os.urandom(300))
    encrypted = bytearray(good.read_bytes())
    central = encrypted.index(b"PK\x01\x02")
    encrypted[central + 8] |= 0x1  # the "encrypted" flag: zipfile asks for a password
    (tmp_path / "encrypted.zip").write_bytes(bytes(encrypted))
    zipped(tmp_path / "empty_name.zip", {"": b"x", M: CODE})
    zipped(tmp_path / "dir_named_like_module.zip", {f"{M}/": b""})
    for name in ("deflate", "truncated", "garbage", "encrypted"):
        sub = loaded(tmp_path / f"{name}.zip")
        assert sub.files == {} and sub.problems, name
    assert loaded(tmp_path / "empty_name.zip").files == {M: CODE.encode()}
    assert loaded(tmp_path / "dir_named_like_module.zip").files == {}


def test_zip_bombs_are_read_only_up_to_the_limits(tmp_path):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open(M, "w") as fh:
            for _ in range(50):
                fh.write(b"#" * (1 << 20))
    assert path.stat().st_size < 1_000_000
    sub = loaded(path)
    assert sub.files == {} and "larger than 1000 kB" in sub.problems[0]


def test_zips_with_too_many_entries_are_refused_before_parsing(tmp_path, monkeypatch):
    monkeypatch.setattr(S, "MAX_ZIP_ENTRIES", 50)
    path = zipped(tmp_path / "many.zip", {**{f"j/{i}": "" for i in range(60)}, M: CODE})
    sub = loaded(path)
    assert sub.files == {} and "more than 50 entries" in sub.problems[0]


def test_problems_are_bounded(tmp_path):
    path = zipped(tmp_path / "dupes.zip", {f"d{i}/{M}": CODE for i in range(100)})
    sub = loaded(path)
    assert sub.files == {M: CODE.encode()} and len(sub.problems) == S.MAX_PROBLEMS + 1


def test_folders_never_follow_links_nor_block_on_fifos(tmp_path):
    outside = folder(tmp_path / "outside", {M: "SECRET = 1\n"})
    sub_dir = tmp_path / "sub"
    (sub_dir / "a").mkdir(parents=True)
    (sub_dir / "a" / M).symlink_to(outside / M)
    (sub_dir / "b").symlink_to(outside, target_is_directory=True)
    os.mkfifo(sub_dir / M)
    t0 = time.perf_counter()
    sub = loaded(sub_dir)
    assert sub.files == {} and time.perf_counter() - t0 < 2.0


def test_deep_and_wide_folders_are_walked_within_bounds(tmp_path, monkeypatch):
    deep = tmp_path / "deep"
    path = deep
    for _ in range(200):
        path = path / "d"
    path.mkdir(parents=True)
    (path / M).write_text(CODE)
    sub = loaded(deep)
    assert sub.files == {} and any("nested more than" in p for p in sub.problems)
    monkeypatch.setattr(S, "MAX_WALK_ENTRIES", 30)
    wide = folder(tmp_path / "wide", {f"f{i}.txt": "" for i in range(100)})
    sub = loaded(wide)
    assert any("more than 30 files" in p for p in sub.problems)


def test_shallowest_copy_is_graded_and_sizes_are_capped(tmp_path, monkeypatch):
    root = folder(tmp_path / "s", {f"a/b/{M}": "deep = 1\n", f"a/{M}": "shallow = 1\n"})
    sub = loaded(root)
    assert sub.files[M] == b"shallow = 1\n" and "appears more than once" in sub.problems[0]
    monkeypatch.setattr(S, "MAX_FILE_BYTES", 10)
    sub = loaded(folder(tmp_path / "big", {M: "x" * 100}))
    assert sub.files == {} and "larger than" in sub.problems[0]


def test_a_misnamed_module_is_named_in_a_problem(tmp_path):
    for given in ("ch2_linear_regression.py", "ch02_linear_regression (1).py", "ch02_linear_regression.py.txt", "Ch02_Linear_Regression.py",
                  "ch2.py", "Ch02.py", "chapter 2.py", "ch2_solution.py"):  # the last four: by the chapter's number
        sub = loaded(folder(tmp_path / given.replace(" ", "_"), {given: CODE}))
        message, problem = missing_module(sub, M, [])
        assert given in message and M in message
        assert problem is not None and given in problem and f"did you mean {M}" in problem
    sub = loaded(folder(tmp_path / "unrelated", {"notes.txt": "", "helpers.py": "", "ch20.py": "", "ch12.py": ""}))
    assert missing_module(sub, M, []) == (f"{M} is missing from the submission", None)


def test_a_missing_module_puts_its_problem_in_the_record_but_not_in_the_fingerprint(tmp_path):
    sub = loaded(folder(tmp_path / "s", {"ch2_linear_regression.py": CODE}))
    before = sub.fingerprint()
    record = grade_submission(sub, Options(chapters=[CH2.module], secret="x"))
    assert record["score"] == 0 and record["fingerprint"] == before
    assert any(f"did you mean {M}" in p for p in record["problems"])
    assert all("rename it to" in c["message"] for e in record["exercises"] for c in e["checks"])


def test_batch_warns_when_no_submission_holds_the_chapter(tmp_path):
    ch6 = course.chapter("ch6")
    subs = [loaded(folder(tmp_path / f"s{i}", {ch6.filename: CODE}), f"s{i}") for i in range(3)]
    subs.append(loaded(folder(tmp_path / "s9", {"ch7_sgd_basics.py": CODE}), "s9"))
    ch7 = course.chapter("ch7")
    records = {s.student: grade_submission(s, Options(chapters=[ch7.module], secret="x")) for s in subs}
    (warning,) = batch_warnings(subs, records, course, [ch7])
    assert f"no submission holds {ch7.filename}" in warning and f"{ch6.filename} (3)" in warning
    assert "--chapter ch6" in warning and "ch7_sgd_basics.py" in warning


def test_batch_warns_when_every_submission_failed_the_same_way():
    records = {
        s: {"student": s, "score": 0, "problems": [], "exercises": [{"checks": [
            {"status": "error", "message": "ch02_linear_regression.py could not be imported: ModuleNotFoundError: No module named 'importlib._abc'\n  ..."}]}]}
        for s in ("a", "b", "c")
    }
    subs = [Submission(s, s, Path(s), files={M: b""}) for s in records]
    (warning,) = batch_warnings(subs, records, course, [CH2])
    assert "every submission (3) scored 0 the same way" in warning and "importlib._abc" in warning
    records["c"]["exercises"][0]["checks"][0]["message"] = "another failure"
    assert batch_warnings(subs, records, course, [CH2]) == []


def test_batch_names_the_libraries_submissions_could_not_import(tmp_path):
    """Two submissions import a library this machine lacks (graded for real): one line for
    the instructor names it, with the count, and says how to allow it (not a warning: each
    is that student's mistake); a standard module missing is the machine's fault, left to
    the every-submission warning."""
    lib = "import notapackage_mathdl_xyz.linear_model\n"
    subs = [loaded(folder(tmp_path / s, {M: CODE + (lib if s != "fine" else "")}), s) for s in ("a", "b", "fine")]
    records = [grade_submission(s, Options(chapters=[CH2.module], secret="x")) for s in subs]
    firsts = "\n".join(f"{r['student']}: {r['status']}: {r['exercises'][0]['checks'][0]['message'][:3000]}" for r in records)  # in full on a failure
    assert missing_modules_line(records) == (
        "2 submission(s) could not be imported for a module this machine does not have: notapackage_mathdl_xyz (2); "
        "if the course allows a library, pip install it here and grade again into a new --out folder."), firsts
    assert batch_warnings(subs, {r["student"]: r for r in records}, course, [CH2]) == [], firsts
    for record in records:
        for check in (c for ex in record["exercises"] for c in ex["checks"]):
            check["message"] = check["message"].replace("'notapackage_mathdl_xyz'", "'importlib._abc'")
    assert missing_modules_line(records) == ""


def test_student_ids_keep_invalid_utf8_visible(tmp_path):
    subs = tmp_path / "subs"
    (subs / os.fsdecode(b"bad\xffname")).mkdir(parents=True)
    (sub,) = discover([subs], course)
    assert sub.student == "bad\\xffname"
    sub.student.encode("utf-8")  # writable anywhere


def test_dot_folders_and_macos_junk_are_not_submissions(tmp_path):
    subs = tmp_path / "subs"
    for name in (".git", "__MACOSX", "real"):
        folder(subs / name, {M: CODE})
    (subs / "notes.txt").write_text("")
    assert [s.student for s in discover([subs], course)] == ["real"]


def test_zip_entries_named_with_other_separators(tmp_path):
    path = zipped(tmp_path / "w.zip", {f"folder\\{M}": CODE, f"../../{M}.bak": "x"})
    sub = loaded(path)
    assert sub.files == {M: CODE.encode()}
    assert not (tmp_path.parent / f"{M}.bak").exists()


def test_fingerprint_survives_surrogates():
    sub = Submission("s", "s", Path("s"))
    sub.note("bad \udcff name")
    assert "\udcff" not in sub.problems[0]
    sub.fingerprint()



def test_archives_in_other_formats_are_named_in_a_warning(tmp_path):
    subs = folder(tmp_path / "subs", {f"alice/{M}": CODE, "bob.tar.gz": b"\x1f\x8b", "roster.csv": "x"})
    warnings: list[str] = []
    assert [s.student for s in discover([subs], course, warnings)] == ["alice"]
    assert len(warnings) == 1 and "bob.tar.gz was not graded" in warnings[0]


def test_sources_with_invalid_utf8_can_be_written(tmp_path):
    from mathdl_cli.batch.runner import append_result, read_results

    subs = tmp_path / "subs"
    folder(subs / os.fsdecode(b"x\xff"), {M: CODE})
    (sub,) = discover([subs], course)
    load_files(sub, course)
    record = grade_submission(sub, Options(chapters=[CH2.module], secret="x"))
    append_result(tmp_path, {**record, "extra": "\udcff"})
    (written,) = read_results(tmp_path).values()
    assert written["student"] == "x\\xff" and written["source"].endswith("x\\xff")


def _grade_cli(*args):
    import json
    import subprocess
    import sys

    res = subprocess.run([sys.executable, "-m", "mathdl_cli", "grade", *map(str, args)], capture_output=True, text=True, timeout=300)
    return res, (json.loads(res.stdout) if res.stdout.strip().startswith("{") else None)


def test_grading_the_wrong_chapter_is_loud_and_not_a_success(tmp_path):
    subs = tmp_path / "subs"
    for name in ("a", "b"):
        folder(subs / name, {M: CODE})
    folder(subs / "c", {"ch2_linear_regression.py": CODE})
    res, doc = _grade_cli(subs, "--out", tmp_path / "out", "--chapter", "ch7", "--json", "--secret", "s")
    assert res.returncode == 1, res.stderr
    (warning,) = doc["warnings"]
    assert "no submission holds ch07_sgd_basics.py" in warning and "--chapter ch2" in warning and f"{M} (2)" in warning
    assert "warning:" in res.stderr and "--chapter ch2" in res.stderr


def test_duplicate_ids_stop_the_command_before_grading(tmp_path):
    subs = tmp_path / "subs"
    folder(subs / "alice", {M: CODE})
    zipped(subs / "alice.zip", {M: CODE})
    res, _ = _grade_cli(subs, "--out", tmp_path / "out", "--secret", "s")
    assert res.returncode == 2 and "two submissions have the student id 'alice'" in res.stderr
    assert "alice.zip" in res.stderr and not (tmp_path / "out").exists()
