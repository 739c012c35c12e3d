"""How a check reads a student's failure that it expects or works around: a check that
wants the function to raise (``expect.raises``) or to run without overflow
(``expect.without_overflow``) takes only an exception the function itself raised as its
answer, and a check that waits for another exercise's function to be right
(``marks.prerequisite``) skips only for that function's mistakes. A module that cannot be
imported, a crashed child or a call that timed out is reported as what it is, never as
"must raise ValueError: it raised SyntaxError" or "runs once train_mf is correct"."""

from __future__ import annotations

import pytest

from mathdl_cli.grading import expect
from mathdl_cli.grading.errors import CheckFailed, NotStarted, StudentError, StudentTimeout
from mathdl_cli.grading.marks import CheckSkipped, prerequisite
from support import grade, with_replaced


def _raising(exc):
    def call():
        raise exc
    return call


def test_only_the_functions_own_exception_is_its_answer():
    expect.raises(_raising(StudentError("f raised ValueError: no", {"kind": "exception", "exception": "ValueError"})),
                  "ValueError", "must raise ValueError", quantity="f(x)")
    with pytest.raises(CheckFailed) as failed:
        expect.raises(_raising(StudentError("f raised TypeError: no", {"kind": "exception", "exception": "TypeError"})),
                      "ValueError", "must raise ValueError", quantity="f(x)")
    assert failed.value.diagnostic["detail"] == "it raised TypeError" and failed.value.diagnostic["property"] == "must raise ValueError"
    # a subclass of ValueError is a ValueError
    expect.raises(_raising(StudentError("f raised BatchTooLarge: no", {"kind": "exception", "exception": "BatchTooLarge",
                                                                        "bases": ["ValueError", "Exception", "BaseException", "object"]})),
                  "ValueError", "must raise ValueError", quantity="f(x)")
    with pytest.raises(CheckFailed) as failed:
        expect.raises(lambda: 1.5, "ValueError", "must raise ValueError", quantity="f(x)")
    assert failed.value.diagnostic["detail"] == "it returned float"
    for diagnostic in ({"kind": "import", "exception": "SyntaxError"}, {"kind": "crash"}, {"kind": "protocol"}):
        error = StudentError("not an answer", diagnostic)
        with pytest.raises(StudentError) as raised:
            expect.raises(_raising(error), "ValueError", "must raise ValueError", quantity="f(x)")
        assert raised.value is error, diagnostic
    timeout = StudentTimeout("f did not return within 1 s", {"kind": "timeout"})
    with pytest.raises(StudentTimeout):
        expect.raises(_raising(timeout), "ValueError", "must raise ValueError", quantity="f(x)")


CRASHES_INSTEAD = '''
import os as _os

_reference_cov = minibatch_grad_cov

def minibatch_grad_cov(G, B, replace):
    if not replace and B > G.shape[0]:
        _os._exit(3)  # the process dies where a ValueError was due
    return _reference_cov(G, B, replace)
'''

RAISES_TYPEERROR = '''
_reference_cov = minibatch_grad_cov

def minibatch_grad_cov(G, B, replace):
    if not replace and B > G.shape[0]:
        raise TypeError("B is too large")
    return _reference_cov(G, B, replace)
'''

CHECK = "B = 5 > M = 4 without replacement raises ValueError; with replacement it is Σ/5"


def _the_check(report):
    ex = next(e for e in report.exercises if e.id == "ch18.minibatch_variance")
    return next(c for c in ex.checks if c.name == CHECK)


def test_a_crash_where_an_exception_was_due_is_a_crash():
    check = _the_check(grade("ch18", with_replaced("ch18", CRASHES_INSTEAD), exercises=["minibatch_variance"], mode="student"))
    assert check.status == "error" and check.diagnostic["kind"] == "crash", (check.status, check.message)


def test_the_wrong_exception_is_still_named():
    check = _the_check(grade("ch18", with_replaced("ch18", RAISES_TYPEERROR), exercises=["minibatch_variance"], mode="student"))
    assert check.status == "failed" and check.diagnostic["detail"] == "it raised TypeError", check.message


def test_a_prerequisite_skips_for_the_functions_mistakes_only():
    mistakes = [
        CheckFailed("θ is wrong", {"kind": "values"}),
        NotStarted("f is not implemented yet", {"kind": "not_started"}),
        StudentError("f raised KeyError: 3", {"kind": "exception", "exception": "KeyError"}),
        StudentError("while running f: the process was killed by signal 11", {"kind": "crash"}),
        StudentTimeout("f did not return within 2 s", {"kind": "timeout"}),
    ]
    for outcome in mistakes:
        with pytest.raises(CheckSkipped, match="runs once f is correct"):
            with prerequisite("it runs once f is correct"):
                raise outcome
    not_the_function = [
        StudentError("ch20_mean_field.py could not be imported: SyntaxError: invalid syntax", {"kind": "import", "exception": "SyntaxError"}),
        StudentError("importing ch20_mean_field.py stopped the Python process: exit 3", {"kind": "crash"}),
        StudentTimeout("importing ch20_mean_field.py did not finish within 10 s: is there a loop", {"kind": "timeout"}),
        StudentError("while running f: the child sent a malformed reply", {"kind": "protocol"}),
    ]
    for outcome in not_the_function:
        with pytest.raises(type(outcome)) as raised:
            with prerequisite("it runs once f is correct"):
                raise outcome
        assert raised.value is outcome
    with prerequisite("it runs once f is correct"):
        pass  # nothing wrong: the check goes on


SYNTAX_ERROR = "def broken(:\n    pass\n"

OVERFLOW_AT_IMPORT = """
import numpy as _np
_np.seterr(all="raise")
_np.exp(1000.0)  # a FloatingPointError while the module is imported, not in a function
"""


@pytest.mark.parametrize("chapter, exercise, source", [
    ("ch18", "minibatch_variance", SYNTAX_ERROR),  # expect.raises
    ("ch20", "feature_learning_vs_lazy", SYNTAX_ERROR),  # a prerequisite is not one to wait for
    ("ch16", "sigmoid_staircase", OVERFLOW_AT_IMPORT),  # expect.without_overflow: not the function's overflow
], ids=["raises", "prerequisite", "without_overflow"])
def test_a_module_that_cannot_be_imported_is_that_in_every_check(chapter, exercise, source):
    report = grade(chapter, with_replaced(chapter, source), exercises=[exercise], mode="student")
    checks = report.exercises[0].checks
    assert checks and all(c.status == "error" and c.diagnostic["kind"] == "import" for c in checks), \
        [(c.name, c.status, c.message[:80]) for c in checks]


RAISES_A_SUBCLASS = '''
_reference_cov = minibatch_grad_cov

class BatchTooLarge(ValueError):
    pass

def minibatch_grad_cov(G, B, replace):
    if not replace and B > G.shape[0]:
        raise BatchTooLarge(f"cannot draw {B} distinct rows from {G.shape[0]}")
    return _reference_cov(G, B, replace)
'''


def test_a_subclass_of_the_exception_asked_for_is_that_exception():
    check = _the_check(grade("ch18", with_replaced("ch18", RAISES_A_SUBCLASS), exercises=["minibatch_variance"], mode="student"))
    assert check.status == "passed", check.message


def test_the_base_classes_a_child_reports_are_bounded_plain_names():
    from mathdl_cli.sandbox.box import _reply_from

    reply = _reply_from({"kind": "raise", "type": "E", "bases": ["x" * 10_000, 3, None, {"a": 1}, *["ValueError"] * 100]})
    assert len(reply.bases) <= 16 and all(isinstance(b, str) and len(b) <= 200 for b in reply.bases)
    assert _reply_from({"kind": "raise", "type": "E", "bases": "ValueError"}).bases == []  # not a list: none


MULTILINE_MESSAGE = '''
def minibatch_grad_cov(G, B, replace):
    raise RuntimeError("no covariance:\\n  raise ValueError(...)\\nch18_sgd_convergence.py, line 1")
'''


def test_the_lines_of_a_multiline_message_cannot_pass_for_the_traceback():
    """The later lines of a student's exception message sit behind a gutter, so a message
    that looks like a traceback (or just has several lines) is read as the message."""
    report = grade("ch18", with_replaced("ch18", MULTILINE_MESSAGE), exercises=["minibatch_variance"], mode="student")
    check = next(c for e in report.exercises for c in e.checks if c.status == "error")
    lines = check.message.split("\n")
    assert lines[:3] == ["minibatch_grad_cov raised RuntimeError: no covariance:", "  │   raise ValueError(...)",
                         "  │ ch18_sgd_convergence.py, line 1"], lines
    assert lines[3].startswith("  ch18_sgd_convergence.py, line ") and lines[3].endswith(", in minibatch_grad_cov"), lines  # the traceback
