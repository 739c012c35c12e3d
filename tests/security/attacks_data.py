"""Attacks on what `mathdl grade` reads and writes (the data side of issue 8).

Identity theft (a student id that escapes to another's file name, a Gradescope
metadata file in a student's own folder), CSV injection through student ids,
malformed and hostile zips and YAML, Markdown and terminal forgery through
printed output and exception messages, hidden inputs smuggled out of hidden
cases, replaying the recordings that ship with mathdl, degenerate all-zero
results, and replies forged on the protocol pipe. Every attack targets chapter
2; ``verify`` asserts on the outputs through ``outputs_view.BatchRun``.
"""

from __future__ import annotations

import inspect
import io
import zipfile

import re

import numpy as np

from mathdl_cli import wire
from mathdl_cli.grading.recording import Recordings
from security.corpus import Attack
from security.outputs_view import markdown_structure, outside_fences, student_of, without_code_spans
from support import course, reference_source, stub_source

CH2 = course.chapter("ch2")
M = CH2.filename
ALL = [ex.id for ex in CH2.exercises]
HONEST = reference_source(course, CH2)
STUB = stub_source(CH2)
LEAK = "HIDDEN-LEAK-7f3a"
# the shapes of chapter 2's hidden cases (graders/ch02_linear_regression/_data.py and
# the rank-deficient case); no public case uses them
HIDDEN_SHAPES = "{(1, 3), (2, 2), (4, 7), (9, 3), (40, 6), (25, 1), (10, 4)}"


def honest_but(*ids: str) -> list[str]:
    return [e for e in ALL if e not in ids]


def patched(extra: str) -> str:
    """The honest module with some functions redefined by the attack."""
    return HONEST + "\n\n# ---- attack ----\n" + extra


def zip_bytes(entries: dict[str, bytes | str], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in entries.items():
            zf.writestr(zipfile.ZipInfo(name), data)
    return buf.getvalue()


# -- verifications -------------------------------------------------------------------


_TAG = re.compile(r"(?<!\\)<[A-Za-z/!?]")  # an HTML tag a renderer would honour (not "\<b")


def _problem(run, attack, text: str) -> None:
    problems = run.record(attack)["problems"]
    assert any(text in p for p in problems), problems


def _csv_neutralised(run, attack) -> None:
    student = student_of(attack)
    rows = [row for row in run.gradebook[1:] if row[0].lstrip("'") == student]
    assert rows and rows[0][0] == "'" + student, rows  # shown as text, never a formula
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in run.gradebook for cell in row)


def _no_leak(run, attack) -> None:
    text = run.texts(attack)
    assert LEAK not in text and "Leak_" not in text, text[:3000]
    for ex in run.record(attack)["exercises"]:
        for check in ex["checks"]:
            if check["visibility"] == "hidden":
                assert check["output"] == "" and check["warnings"] == []
                assert set(check["diagnostic"] or {}) <= {"kind", "quantity", "exception", "function", "where"}, check


def _inert(run, attack) -> None:
    text = run.texts(attack) + "\n".join(",".join(r) for r in run.gradebook)
    for bad in ("\x1b", "\x07", "\x9b", "\r", "\u202e"):
        assert bad not in text, repr(bad)


def _id_as_code(run, attack) -> None:
    """The student id is one code span in the feedback heading: GitHub's emoji codes,
    mentions, references and autolinks apply to text, not to code."""
    heading = run.feedback(attack).splitlines()[0]
    assert heading.startswith("# Feedback for `") and without_code_spans(heading) == "# Feedback for ", heading


def _own_structure(run, attack) -> None:
    feedback = run.feedback(attack)
    structure, closed = markdown_structure(feedback)
    assert closed, "a fence was left open"
    assert structure[0].startswith("# Feedback for ") and sum(s.startswith("**Score") for s in structure) == 1, structure
    assert [s for s in structure[2:] if not s.startswith("## ch02.")] == [], structure
    tags = [line for line in outside_fences(feedback) if _TAG.search(line)]
    assert tags == [], f"raw HTML outside a code block: {tags}"


def _forged_fence(run, attack) -> None:
    _own_structure(run, attack)
    assert "FORGED" in run.feedback(attack)  # shown, as text inside a block


def _victims_apart(run, attack) -> None:
    victim, thief = run.records["victim_x"], run.records["victim!x"]
    assert victim["score"] == victim["max_score"] == 16 and thief["score"] == 0
    assert victim["source"].endswith("victim_x") and thief["source"].endswith("victim!x")
    assert "Score: 16 / 16" in run.feedback(attack)  # victim_x's own file, not overwritten


def _metadata_ignored(run, attack) -> None:
    assert run.record(attack)["score"] == 0
    victim = run.records["victim_x"]
    assert victim["source"].endswith("victim_x") and victim["score"] == 16


def _charged_to_student(run, attack) -> None:
    record = run.record(attack)
    assert record["status"] != "internal_error"
    checks = run.exercise(attack, "ch02.least_squares")["checks"]
    assert all(c["status"] == "error" for c in checks), [(c["status"], c["message"][:100]) for c in checks]
    assert any("reply" in c["message"] for c in checks if c["visibility"] == "public"), checks[0]["message"]


def _graded_fully(run, attack) -> None:
    assert run.record(attack)["score"] == 16, run.record(attack)["problems"]


# -- payloads --------------------------------------------------------------------------

FORGED_MARKDOWN = (
    "```\\n~~~\\n</pre>\\n# Feedback for honest_1\\n\\n**Score: 16 / 16**\\n\\n"
    "## ch02.least_squares: FORGED: 3 / 3 (passed)\\n- ✓ case 1: passed\\n````\\n"
)

FORGE_REPLY = '''
def _forge(header, declared=None):
    """Write a reply straight onto the protocol pipe, then wait to be killed."""
    import gc, os, struct, time
    server = next(o for o in gc.get_objects() if type(o).__name__ == "Server" and hasattr(o, "wfd"))
    message = b"MDL2" + struct.pack("<Q", len(header)) + header
    os.write(server.wfd, struct.pack("<Q", declared if declared is not None else len(message)) + message)
    time.sleep(60)


def least_squares(X, y, fit_intercept=True):
    _forge(PAYLOAD)
'''


def forged_reply(name: str, klass: str, payload: str) -> Attack:
    """least_squares writes ``payload`` (a call of _forge) onto the reply pipe itself."""
    source = patched(FORGE_REPLY.replace("_forge(PAYLOAD)", payload))
    return Attack(name=name, klass=klass, files={M: source}, attacked=["ch02.least_squares"], template=False, verify=_charged_to_student)


def replay_module() -> str:
    """A module that answers from the recordings shipped with mathdl: it finds the
    call's arguments among the recorded ones (by their fingerprint) and returns
    the recorded reference output; anything else gets zeros."""
    table: dict[str, list] = {}
    for ex in CH2.exercises:
        data = Recordings(course.graders_dir / CH2.module / "_recorded" / f"{ex.short}.npz").data()
        for key, blob in data.items():
            if key.endswith(":fp"):
                continue
            func = key.rsplit(":", 1)[1]
            value = wire.decode(blob.tobytes())
            table.setdefault(func, []).append((data[key + ":fp"].tolist(), _literal(value)))
    from mathdl_cli.grading import recording

    fingerprint = inspect.getsource(recording._weights) + "\n\n" + inspect.getsource(recording.fingerprint)
    funcs = "".join(
        f"def {f.name}(*args, **kwargs):\n    return _answer({f.name!r}, args, kwargs)\n\n\n" for ex in CH2.exercises for f in ex.functions
    )
    return (
        "import zlib\nfrom functools import lru_cache\nfrom typing import Any\n\nimport numpy as np\n\n"
        f"TABLE = {table!r}\n\n\n{fingerprint}\n\n"
        "def _build(v):\n"
        "    kind, data = v\n"
        "    if kind == 'array':\n        return np.array(data[0], dtype=data[1]).reshape(data[2])\n"
        "    if kind in ('tuple', 'list'):\n        items = [_build(x) for x in data]\n        return tuple(items) if kind == 'tuple' else items\n"
        "    return data\n\n\n"
        "def _answer(func, args, kwargs):\n"
        "    fp = fingerprint(args, kwargs)\n"
        "    for stored, value in TABLE.get(func, []):\n"
        "        if len(stored) == fp.size and np.allclose(fp, stored, rtol=1e-9, atol=1e-12):\n"
        "            return _build(value)\n"
        "    return np.zeros(3)\n\n\n" + funcs
    )


def _literal(value):
    if isinstance(value, np.ndarray):
        return ("array", (value.reshape(-1).tolist(), value.dtype.str, list(value.shape)))
    if isinstance(value, (tuple, list)):
        return ("tuple" if isinstance(value, tuple) else "list", [_literal(v) for v in value])
    return ("value", value)


def _yaml_bomb() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]")
    return "\n".join(lines) + "\n"


def _corrupt_deflate() -> bytes:
    raw = bytearray(zip_bytes({M: HONEST}))
    start = 30 + len(M)  # the first entry's data follows its local header and name
    for i in range(start + 40, start + 120):
        raw[i] ^= 0x5A
    return bytes(raw)


def _zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open(M, "w") as fh:
            fh.write(HONEST.encode())
            block = b"#" * (1 << 20)
            for _ in range(24):  # 24 MB of comment in about 24 kB
                fh.write(block)
    return buf.getvalue()


def _many_entries() -> bytes:
    return zip_bytes({**{f"j/{i}": "" for i in range(20_050)}, M: HONEST}, zipfile.ZIP_STORED)


HIDDEN_LEAK_RAISE = f'''
def least_squares(X, y, fit_intercept=True):
    if X.shape in {HIDDEN_SHAPES}:
        name = "Leak_" + "_".join(str(int(abs(v) * 1000)) for v in X.ravel()[:3])
        raise type(name, (ValueError,), {{}})(f"{LEAK} X={{X.ravel()[:4].tolist()}} y={{y[:4].tolist()}}")
    return _honest_least_squares(X, y, fit_intercept)
'''

HIDDEN_LEAK_PRINT = f'''
def least_squares(X, y, fit_intercept=True):
    if X.shape in {HIDDEN_SHAPES}:
        import warnings
        print("{LEAK}", X.ravel()[:4].tolist())
        warnings.warn("{LEAK} " + str(y[:4].tolist()))
        return np.ones(X.shape[1]) * float(X.sum()), float(y.sum())
    return _honest_least_squares(X, y, fit_intercept)
'''

HIDDEN_KEPT = f'''
_SEEN = []


def least_squares(X, y, fit_intercept=True):
    if X.shape in {HIDDEN_SHAPES}:
        _SEEN.append(("{LEAK}", X.shape, X.ravel()[:3].tolist()))
    return _honest_least_squares(X, y, fit_intercept)


def ridge(X, y, lam):
    print("kept from earlier calls:", _SEEN)
    raise ValueError(f"kept: {{_SEEN}}")
'''


def _rename_least_squares(extra: str) -> str:
    return HONEST.replace("def least_squares(", "def _honest_least_squares(") + "\n\n# ---- attack ----\n" + extra


def least_squares_says(name: str, klass: str, verify, body: str) -> Attack:
    """least_squares replaced by ``body`` (which prints or raises what the attack
    wants shown); the rest of the module is honest."""
    return Attack(name=name, klass=klass, files={M: patched("def least_squares(X, y, fit_intercept=True):\n" + body)},
                  attacked=["ch02.least_squares"], template=False, verify=verify)


ATTACKS: list[Attack] = [
    # -- CSV injection through student ids (folder names) ------------------------------
    *[
        Attack(name=f"csv_{tag}", folder=folder, klass="csv injection", files={M: STUB}, attacked=ALL, template=False, verify=_csv_neutralised)
        for tag, folder in [
            ("hyperlink", '=HYPERLINK("https:evil.example","open")'),
            ("plus", "+1+2"),
            ("minus", "-2+3+cmd|' -C calc'!A0"),
            ("at", "@SUM(1+9)*cmd|' -C calc'!A0"),
        ]
    ],
    # -- identity -------------------------------------------------------------------------
    Attack(name="victim_x", klass="identity: injective file names", files={M: HONEST}, attacked=[], honest=ALL, template=False,
           verify=_victims_apart),
    Attack(name="victim!x", klass="identity: injective file names", files={M: STUB}, attacked=ALL, template=False),
    Attack(
        name="metadata_in_student_folder", klass="identity: Gradescope metadata in a student's folder",
        files={
            "submission_metadata.yml": "submission_1:\n  :submitters:\n  - :name: Victim\n    :sid: victim_x\n",
            f"submission_1/{M}": STUB,
        },
        attacked=ALL, template=False, verify=_metadata_ignored,
    ),
    Attack(name="yaml_alias_bomb", klass="hostile YAML", files={"submission_metadata.yml": _yaml_bomb(), M: STUB}, attacked=ALL, template=False),
    Attack(name="markdown_id", folder="# 16 of 16 **Score: 16 of 16** <b>x<_b> [x](javascript:alert(1))", klass="markdown forgery through the student id", files={M: STUB},
           attacked=ALL, template=False, verify=_own_structure),
    Attack(name="github_filters_id", folder=":white_check_mark: 16 of 16 @octocat #1 www.example.com", klass="forgery through a renderer's text filters in the student id",
           files={M: STUB}, attacked=ALL, template=False, verify=_id_as_code),
    # -- hostile zips and folders --------------------------------------------------------------
    Attack(name="zip_bomb", klass="zip bomb", files={}, raw_zip=_zip_bomb(), zip=True, attacked=ALL,
           verify=lambda run, a: _problem(run, a, "larger than 1000 kB")),
    Attack(name="zip_corrupt_deflate", klass="corrupt zip", files={}, raw_zip=_corrupt_deflate(), zip=True, attacked=ALL,
           verify=lambda run, a: _problem(run, a, "could not be read")),
    Attack(name="zip_truncated", klass="corrupt zip", files={}, raw_zip=zip_bytes({M: HONEST})[:700], zip=True, attacked=ALL,
           verify=lambda run, a: _problem(run, a, "could not read")),
    Attack(name="zip_empty_entry_name", klass="corrupt zip", files={}, raw_zip=zip_bytes({"": b"x", M: HONEST}), zip=True,
           attacked=[], honest=ALL, verify=_graded_fully),
    Attack(name="zip_many_entries", klass="zip bomb (entries)", files={}, raw_zip=_many_entries(), zip=True, attacked=ALL,
           verify=lambda run, a: _problem(run, a, "more than 20000 entries")),
    Attack(name="deep_folder", klass="deep tree", files={"/".join(["d"] * 40) + "/" + M: HONEST}, attacked=ALL, template=False,
           verify=lambda run, a: _problem(run, a, "nested more than")),
    Attack(name="misnamed_module", klass="never a silent zero", files={"ch2_linear_regression.py": HONEST}, attacked=ALL, template=False,
           verify=lambda run, a: _problem(run, a, f"did you mean {M}")),
    # -- forged feedback ---------------------------------------------------------------------
    Attack(
        name="fence_forgery", klass="markdown forgery through printed output and exceptions",
        files={M: patched(
            "def least_squares(X, y, fit_intercept=True):\n"
            f"    print(\"FORGED\\n{FORGED_MARKDOWN}\")\n"
            "    return np.zeros(X.shape[1]), 0.0\n\n\n"
            "def mse_objective_and_grad(theta, X, y):\n"
            f"    raise ValueError(\"FORGED\\n{FORGED_MARKDOWN}\")\n"
        )},
        attacked=["ch02.least_squares", "ch02.mse_objective_and_grad"], honest=["ch02.ridge", "ch02.poly_design"], template=False,
        verify=_forged_fence,
    ),
    least_squares_says(
        "html_injection", "markdown forgery through printed output", _own_structure,
        "    print('<script>alert(1)</script><img src=x onerror=alert(1)> [click](javascript:alert(1))')\n"
        "    raise RuntimeError('<iframe src=javascript:alert(1)></iframe>')\n",
    ),
    least_squares_says(
        "terminal_escapes", "terminal escape codes in printed output, warnings and exception messages", _inert,
        "    print('\\x1b[2J\\x1b[H\\x1b]0;owned\\x07\\x1b[32mALL TESTS PASSED\\r16/16\\x9b31m\\u202edetrats')\n"
        "    import warnings\n"
        "    warnings.warn('\\x1b[31mwarning\\x1b[0m')\n"
        "    raise ValueError('\\x1b[1;31mbold\\x1b[0m\\r\\x07')\n",
    ),
    least_squares_says(
        "lone_surrogates", "output that cannot be encoded (it stopped the batch)", _inert,
        "    print('\\ud800 \\udcff')\n    raise ValueError('\\udfff')\n",
    ),
    # -- hidden inputs ---------------------------------------------------------------------------
    Attack(name="hidden_leak_exception", klass="hidden inputs through exception messages and types",
           files={M: _rename_least_squares(HIDDEN_LEAK_RAISE)}, attacked=[], honest=honest_but("ch02.least_squares"), template=False,
           verify=_no_leak),
    Attack(name="hidden_leak_printed", klass="hidden inputs through printed output and warnings",
           files={M: _rename_least_squares(HIDDEN_LEAK_PRINT)}, attacked=[], honest=honest_but("ch02.least_squares"), template=False,
           verify=_no_leak),
    Attack(name="hidden_values_kept", klass="values kept from hidden calls, printed in a later public case",
           files={M: _rename_least_squares(HIDDEN_KEPT)}, attacked=["ch02.ridge"], template=False, verify=_no_leak),
    # -- points without work -------------------------------------------------------------------
    Attack(name="replay_recordings", klass="replaying the recordings shipped with mathdl", files={M: replay_module()}, attacked=ALL,
           template=False),
    Attack(
        name="all_zero_outputs", klass="degenerate results against finite-difference and property checks",
        files={M: patched(
            "def mse_objective_and_grad(theta, X, y):\n    return 0.0, np.zeros_like(theta)\n\n\n"
            "def poly_design(x, degree):\n    return np.zeros((len(x), degree + 1))\n\n\n"
            "def train_test_curve(x_tr, y_tr, x_te, y_te, degrees):\n    return np.zeros(len(degrees)), np.zeros(len(degrees))\n"
        )},
        attacked=["ch02.mse_objective_and_grad", "ch02.poly_design"], honest=["ch02.least_squares", "ch02.ridge"], template=False,
    ),
    # -- replies forged on the protocol pipe ---------------------------------------------------
    forged_reply("reply_declared_huge", "oversized reply", '_forge(b"{}", declared=1 << 40)'),
    forged_reply("reply_huge_header", "oversized reply header", '_forge(b"[" + b"1," * 10_000_000 + b"1]")'),
    forged_reply("reply_deep_nesting", "malformed reply (recursion)", '_forge(b"[" * 90000 + b"]" * 90000)'),
    forged_reply(
        "reply_overflow", "malformed reply (overflow)",
        "_forge(b'{\"t\":\"dict\",\"keys\":[\"kind\",\"value\",\"elapsed\"],\"items\":[{\"t\":\"str\",\"v\":\"return\"},"
        "{\"t\":\"float\",\"v\":1' + b'0' * 400 + b'},{\"t\":\"int\",\"v\":1' + b'0' * 400 + b'}]}')",
    ),
    forged_reply(  # grader functions cross from the grader only: the parent builds none from a reply
        "reply_grader_function", "forged grader function",
        "_forge(b'{\"t\":\"dict\",\"keys\":[\"kind\",\"value\"],\"items\":[{\"t\":\"str\",\"v\":\"return\"},"
        "{\"t\":\"kernel\",\"name\":\"affine\",\"params\":{\"t\":\"list\",\"items\":[]},\"options\":{\"t\":\"none\"}}]}')",
    ),
    forged_reply(  # draws cross from the grader only: a reply cannot make it draw (here 8 GB, were it honoured)
        "reply_draw", "forged draw",
        "_forge(b'{\"t\":\"dict\",\"keys\":[\"kind\",\"value\"],\"items\":[{\"t\":\"str\",\"v\":\"return\"},"
        "{\"t\":\"draw\",\"recipe\":\"normal\",\"seed\":1,\"shape\":[1000000000],\"params\":{\"scale\":1.0,\"loc\":0.0},\"uses\":1}]}')",
    ),
]

