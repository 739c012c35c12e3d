"""Outputs are inert: feedback Markdown, the gradebook, Gradescope files and the
terminal show student text as text, never as structure, formulas or control
sequences; hidden checks show fixed text only."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys


import pytest
from rich.console import Console

from mathdl_cli import render
from mathdl_cli.batch.outputs import MAX_FEEDBACK_CHARS, feedback_markdown, gradescope_json, write_gradebook, write_outputs
from mathdl_cli.inert import clean, csv_cell, md_block, md_inline
from mathdl_cli.results import CheckResult, ExerciseResult, Report
from security.outputs_view import markdown_structure, outside_fences
from support import course

CH2 = course.chapter("ch2")
HOSTILE = (
    "```\n~~~~\n# Feedback for someone else\n**Score: 16 / 16**\n## ch02.ridge: 3 / 3 (passed)\n"
    "<script>alert(1)</script>\x1b[2J\x1b]0;title\x07\x9b31m\r16/16 \u202eevil\ud800 `````\n"
)


def check(**kw) -> dict:
    base = {"name": "a check", "case": "1", "visibility": "public", "weight": 1.0, "status": "failed", "message": "m",
            "rerun": "", "output": "", "warnings": [], "diagnostic": None, "duration": 0.0}
    return {**base, **kw}


def record(student="s1", checks=None, problems=()) -> dict:
    return {
        "student": student, "score": 0.0, "max_score": 3.0, "status": "failed", "isolation": "namespaces", "problems": list(problems),
        "exercises": [{"id": "ch02.ridge", "title": "Ridge", "status": "failed", "score": 0.0, "max_score": 3.0, "checks": checks or [check()]}],
    }


@pytest.mark.parametrize(
    "text, expected",
    [
        ("plain text\twith tab\n", "plain text\twith tab\n"),
        ("\x1b[31mred\x1b[0m", "red"),
        ("a\x1b]0;title\x07b", "ab"),
        ("a\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\b", "alinkb"),
        ("a\x9b2Jb", "ab"),
        ("over\rwrite", "over\nwrite"),
        ("bell\x07 nul\x00 del\x7f bs\x08", "bell nul del bs"),
        ("\u202eevil\u2066x\u2069", "evilx"),
        ("lone \ud800 surrogate", "lone  surrogate"),
        ("unicode ✓ λ ∇", "unicode ✓ λ ∇"),
    ],
)
def test_clean(text, expected):
    assert clean(text) == expected
    clean(text).encode("utf-8")


def test_md_inline_and_block_are_inert():
    assert md_inline("# a *b* [c](d) <e> `f` | ~g~ &amp; !\n# h") == r"\# a \*b\* \[c\](d) \<e\> \`f\` \| \~g\~ \&amp; \! \# h"
    lines = md_block("x\n```\n````` y\n# z", indent="  ")
    assert lines[0] == "  ``````text" and lines[-1] == "  ``````"
    structure, closed = markdown_structure("\n".join(lines))
    assert structure == [] and closed


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x","y")', "+1+2", "-2+3", "@SUM(A1)", "\t=1", "\r=1", " =1", "\x00=1", "\x1b[0m=1"])
def test_csv_cells_that_a_spreadsheet_would_evaluate_are_neutralised(cell):
    assert csv_cell(cell).startswith("'")
    assert csv_cell("alice") == "alice" and csv_cell(3.5) == 3.5 and csv_cell("a=b") == "a=b"


def test_gradebook_neutralises_student_ids(tmp_path):
    records = {s: record(s) for s in ['=HYPERLINK("http://x")', "+1+2", "-x", "@x", "plain"]}
    write_gradebook(tmp_path, course, records)
    with open(tmp_path / "grades.csv", newline="") as fh:
        rows = list(csv.reader(fh))
    assert sorted(r[0] for r in rows[1:]) == sorted(["'=HYPERLINK(\"http://x\")", "'+1+2", "'-x", "'@x", "plain"])


def test_feedback_keeps_its_own_structure_whatever_the_student_prints():
    rec = record(student="# " + HOSTILE, problems=[HOSTILE], checks=[check(message=HOSTILE, output=HOSTILE, name="a check")])
    text = feedback_markdown(rec)
    structure, closed = markdown_structure(text)
    assert closed
    assert code_span(structure[0].removeprefix("# Feedback for ")) == " ".join(clean("# " + HOSTILE).split())
    assert structure[1:] == ["**Score: 0 / 3**", "## ch02.ridge: Ridge: 0 / 3 (failed)"]
    assert not any(re.search(r"(?<!\\)<script", line) for line in outside_fences(text))
    for bad in ("\x1b", "\x07", "\x9b", "\r", "\u202e", "\ud800"):
        assert bad not in text
    assert "16/16" in text  # shown, as text


def code_span(text: str) -> str | None:
    """The content of ``text`` if it is exactly one CommonMark code span, else None."""
    m = re.fullmatch(r"(`+)(.*?)(`+)", text, flags=re.S)
    if m is None or m.group(1) != m.group(3):
        return None
    body = m.group(2)
    if any(len(run) == len(m.group(1)) for run in re.findall("`+", body)):
        return None  # a run as long as the fence inside: the span would end there
    return body[1:-1] if len(body) > 2 and body[0] == body[-1] == " " else body


@pytest.mark.parametrize("student", [":white_check_mark: bob", "@octocat", "see #1 and GH-2", "www.example.com", "`tick` ``two``", "`", "a_b*c*"])
def test_names_a_student_chose_are_code_in_the_feedback(student):
    # GitHub turns :emoji: codes, @mentions, #references and addresses in text into
    # pictures, notifications and links even when escaped; inside code it does not
    text = feedback_markdown(record(student=student, problems=[f"{student}.py is larger than 500 kB and was not graded"]))
    heading, note = text.splitlines()[0], next(line for line in text.splitlines() if line.startswith("> Note: "))
    assert heading.startswith("# Feedback for ")
    assert code_span(heading.removeprefix("# Feedback for ")) == student
    assert code_span(note.removeprefix("> Note: ")) == f"{student}.py is larger than 500 kB and was not graded"


def test_feedback_is_capped_with_a_note():
    checks = [check(case=str(i), message="x" * 3000, output="y\n" * 200) for i in range(200)]
    text = feedback_markdown(record(checks=checks))
    assert len(text) < MAX_FEEDBACK_CHARS + 20_000
    assert "shortened" in text and markdown_structure(text)[1]
    assert text.count("case 199") == 1  # every check still listed


def test_hidden_checks_never_show_what_the_student_controls():
    leaky = check(visibility="hidden", case="h1", status="error", message="f raised ValueError: X=[0.123, 4.56]",
                  output="X=[0.123]", warnings=["UserWarning: X=[0.123]"],
                  diagnostic={"kind": "exception", "exception": "Leak_123", "call": "f(X=(9, 3), lam=0.31)", "quantity": "w"})
    rec = record(checks=[leaky])
    outputs = feedback_markdown(rec) + json.dumps(gradescope_json(rec))
    assert "0.123" not in outputs and "0.31" not in outputs and "Leak_" not in outputs
    assert "raised an exception on a hidden case" in outputs


def test_gradescope_output_is_plain_text(tmp_path):
    rec = record(student="a/../b", checks=[check(message=HOSTILE, output="printed")])
    doc = gradescope_json(rec)
    assert doc["output_format"] == doc["test_output_format"] == "text"
    assert all(t["output_format"] == "text" and "\x1b" not in t["output"] for t in doc["tests"])
    paths = write_outputs(tmp_path, course, {rec["student"]: rec, "a_.._b": record("a_.._b")})
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.json"))
    assert files == ["gradescope/a%2f..%2fb/results.json", "gradescope/a_.._b/results.json"]
    assert paths["feedback"] == tmp_path / "feedback"


def report_with(message: str, output: str) -> Report:
    c = CheckResult(exercise="ch02.ridge", name="[bold]not markup[/bold] " + message, case="1", visibility="public", weight=1.0,
                    status="failed", message=message, output=output, warnings=[message], rerun="mathdl check ch2 ridge --case 1")
    return Report(mode="student", target="x", isolation="process", exercises=[ExerciseResult("ch02.ridge", 2, "Ridge", 3.0, [c])])


def test_a_notebook_report_shows_emoji_codes_as_written():
    from mathdl_cli.notebook import Checked

    text = repr(Checked(report_with(":white_check_mark: all checks passed", ":smile:")))
    assert ":white_check_mark: all checks passed" in text and ":smile:" in text
    assert "\u2705" not in text and "\U0001f604" not in text


def test_terminal_rendering_strips_control_sequences_and_markup():
    console = Console(record=True, force_terminal=True, width=200)
    render.report(console, report_with("boom \x1b[2J\x1b]0;t\x07 [red]x[/red]", "\x1b[31mred\r16/16"), title="t")
    raw = console.export_text(styles=False)
    assert "\x1b" not in raw and "\x07" not in raw and "\r" not in raw
    assert "[red]x[/red]" in raw and "[bold]not markup[/bold]" in raw  # printed literally


def test_check_command_output_is_inert(tmp_path):
    """A real `mathdl check` on a module that prints and raises escape codes and markup."""
    module = tmp_path / CH2.filename
    module.write_text(
        "import numpy as np\n"
        "def least_squares(X, y, fit_intercept=True):\n"
        "    print('\\x1b[2J\\x1b]0;owned\\x07[bold red]FAKE[/] \\u202eabc\\r16/16 :white_check_mark: passed')\n"
        "    raise ValueError('\\x1b[31mred\\x1b[0m [link=http://x]y[/link] :white_check_mark: all passed')\n"
    )
    res = subprocess.run([sys.executable, "-m", "mathdl_cli", "check", "ch2", "least_squares", "--dir", str(tmp_path)],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 1, res.stderr
    for bad in ("\x1b", "\x07", "\r", "\u202e"):
        assert bad not in res.stdout
    assert "[bold red]FAKE[/]" in res.stdout and "[link=http://x]y[/link]" in res.stdout
    # rich's emoji codes are not applied to what the student wrote: no fake ✅ in the report
    assert ":white_check_mark: passed" in res.stdout and ":white_check_mark: all passed" in res.stdout
    assert "\u2705" not in res.stdout
    res = subprocess.run([sys.executable, "-m", "mathdl_cli", "check", "ch2", "least_squares", "--dir", str(tmp_path), "--json"],
                         capture_output=True, text=True, timeout=300)
    doc = json.loads(res.stdout)
    texts = json.dumps(doc, ensure_ascii=False)
    assert "\\u001b" not in texts and "\x1b" not in texts and "\\u202e" not in texts.lower()





def test_a_wrong_value_from_a_batch_names_the_call_that_returned_it():
    # test_values_at_zero sends the six activations in one round trip (student.activate.many);
    # leaky_relu is the fourth: its failure must show that call, not the batch's first (sigmoid)
    from support import chapter, course, grade, mutant_source, mutants

    (mutant,) = [m for m in mutants(course, chapter("ch5")) if m.exercise == "activation" and m.name == "leaky_prime_one_at_zero"]
    report = grade("ch5", mutant_source(course, mutant), exercises=["activation"], mode="student")
    (check,) = [c for ex in report.exercises for c in ex.checks if c.name.startswith("closed forms at z = 0")]
    assert check.status == "failed"
    call = check.diagnostic["call"]
    assert call.startswith("activate(") and "'leaky_relu'" in call and "call 4 of 6" in call, call
    assert "'sigmoid'" not in call


def test_an_array_built_from_a_batch_names_the_call_behind_the_row_that_is_wrong():
    # the variance check stacks the 20 reparameterisation estimates into one array
    # (expect.close(..., rows_of=...)); it ran after the score-function batch, which it
    # named before: a wrong reparam_grad_mu must name reparam_grad_mu, at the worst row
    from support import chapter, course, grade, mutant_source, mutants

    (mutant,) = [m for m in mutants(course, chapter("ch15")) if m.exercise == "gradient_estimators" and m.name == "reparam_unit_noise"]
    report = grade("ch15", mutant_source(course, mutant), exercises=["gradient_estimators"], mode="student")
    (check,) = [c for ex in report.exercises for c in ex.checks if "scatter less" in c.name]
    assert check.status == "failed"
    call, worst = check.diagnostic["call"], check.diagnostic["max_abs_index"][0]
    assert call.startswith("reparam_grad_mu(") and f"call {worst + 1} of 20" in call, (call, worst)


def test_an_argument_changed_by_one_call_of_a_batch_names_that_call():
    from support import grade, with_replaced

    source = with_replaced("ch5", '''
_activate_ok = activate


def activate(z, name, slope=0.01):
    out = _activate_ok(z, name, slope)
    if name == "leaky_relu":
        z += 1.0  # in place, in the fourth call of the batch only
    return out
''')
    report = grade("ch5", source, exercises=["activation"], mode="student")
    (check,) = [c for ex in report.exercises for c in ex.checks if c.name.startswith("closed forms at z = 0")]
    assert check.status == "failed" and "modified its argument z in place" in check.message, check.message
    assert "'leaky_relu'" in check.diagnostic["call"] and "call 4 of 6" in check.diagnostic["call"], check.diagnostic
