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
from support import course, grade, reference_source, with_replaced


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


# -- a call whose arguments do not fit the student's parameters ------------------------------

NARROWED = '''
def least_squares(X, y):
    return _ref_least_squares(X, y)
'''
RENAMED_WRAPPED = '''
import functools as _functools

def _logged(f):
    @_functools.wraps(f)
    def inner(*args, **kwargs):
        return f(*args, **kwargs)
    inner.__signature__ = None  # a wrapper that takes anything: its TypeError comes from inside
    return inner

@_logged
def least_squares(X, y, intercept=True):
    return (0, 0)
'''
INSIDE = '''
def least_squares(X, y, fit_intercept=True):
    return len(5)
'''
HOSTILE_SIGNATURE = '''
class _Canary:
    def __repr__(self):
        open("/tmp/mathdl-canary-signature-repr", "w").write("repr ran")
        return "x"

def least_squares(X, y, w=_Canary(), note="[bold]\\x1b[31m" + "z" * 5000):
    return 0

class _Forged:
    def __str__(self):
        return "\\x1b]8;;http://x\\x07link"

def ridge(X, y):
    return 0
ridge.__signature__ = _Forged()
'''


def _least_squares_case3(source):
    """Case 3 of ch02.least_squares (the call passes fit_intercept=False), the reference
    module with ``source`` added (there, ``_ref_least_squares`` is the reference's own)."""
    if "_ref_least_squares" in source:
        reference = reference_source(course, course.chapter("ch2"))
        source = reference.replace("def least_squares(", "def _ref_least_squares(", 1) + source
    else:
        source = with_replaced("ch2", source)
    report = grade("ch2", source, exercises=["least_squares"], mode="student")
    return next(c for e in report.exercises for c in e.checks if c.case == "3")


def test_a_call_that_does_not_fit_the_parameters_says_what_to_change():
    """least_squares(X, y) without fit_intercept: the check names the student's parameters
    and the exercise's signature, and shows no frame of the grader's own code."""
    check = _least_squares_case3(NARROWED)
    assert check.status == "error"
    lines = check.message.split("\n")
    assert lines[0] == "least_squares raised TypeError: least_squares() got an unexpected keyword argument 'fit_intercept'"
    assert lines[1] == ("  your least_squares(X, y) cannot take this call's arguments, "
                        "least_squares(X=(15, 2), y=(15,), fit_intercept=False): it never started.")
    assert lines[2] == ("  The exercise's signature is least_squares(X: np.ndarray, y: np.ndarray, fit_intercept: bool = True)"
                        " -> tuple[np.ndarray, float]: keep the stub's parameter names and defaults.")
    assert len(lines) == 3 and "(library)" not in check.message and "child.py" not in check.message
    assert check.diagnostic["parameters"] == "(X, y)" and check.diagnostic["traceback"] == []
    assert check.diagnostic["signature"].startswith("least_squares(X: np.ndarray")


@pytest.mark.parametrize("source", [RENAMED_WRAPPED, INSIDE], ids=["wrapper", "inside"])
def test_a_type_error_from_inside_the_function_is_not_called_a_signature_mismatch(source):
    check = _least_squares_case3(source)
    assert check.status == "error" and "cannot take" not in check.message and "parameters" not in check.diagnostic
    assert check.diagnostic["traceback"], check.message  # the frames where it was raised


def test_the_parameters_text_runs_no_repr_of_the_students_and_is_bounded():
    """A default whose repr writes a canary is shown as '...' (its repr never runs), a long
    string default is cut (300 characters at most), and a forged __signature__ that inspect
    refuses leaves the ordinary report (the frames)."""
    import os

    canary = "/tmp/mathdl-canary-signature-repr"
    if os.path.exists(canary):
        os.remove(canary)
    check = _least_squares_case3(HOSTILE_SIGNATURE)
    assert check.status == "error" and not os.path.exists(canary)
    text = check.diagnostic["parameters"]
    assert text.startswith("(X, y, w=..., note='[bold]\\x1b[31mzzz") and len(text) == 300, text
    assert "\x1b" not in check.message
    report = grade("ch2", with_replaced("ch2", HOSTILE_SIGNATURE), exercises=["ridge"], mode="student")
    ridge = [c for e in report.exercises for c in e.checks if c.status == "error"]
    assert ridge and all("cannot take" not in c.message and c.diagnostic["traceback"] for c in ridge)


def test_the_parameters_are_shown_with_plain_defaults_only():
    """Positional-only, keyword-only, *args and **kwargs as Python writes them; a default
    that is not a plain bool, int, float, str or None is '...'; no annotations."""
    from mathdl_cli import child

    def f(a, b=2, /, c="s", *rest, d: float = 2.5, e=None, g=[1], **kw) -> int:  # noqa: B006
        return 0

    def call(*args, **kwargs):
        try:
            child._invoke(f, list(args), kwargs, None)
        except TypeError as exc:
            return child._unfitting_parameters(f, list(args), kwargs, exc)

    assert call() == "(a, b=2, /, c='s', *rest, d=2.5, e=None, g=..., **kw)"
    assert call(c=1) == "(a, b=2, /, c='s', *rest, d=2.5, e=None, g=..., **kw)"
    try:
        child._invoke(len, [5], {}, None)
    except TypeError as exc:  # a builtin's own TypeError: no signature to read
        assert child._unfitting_parameters(len, [5], {}, exc) is None


def test_a_module_that_never_finishes_importing_is_told_where_its_own_runs_belong(monkeypatch):
    """A loop at module level: the checks time out on the import, with the advice to put
    code the student runs themselves under `if __name__ == "__main__":`, where it does
    not run when graded (the same loop there: every check passes)."""
    from mathdl_cli.grading import state

    monkeypatch.setattr(state, "LOAD_TIMEOUT", 1.5)
    loop = "\n\nwhile True:\n    pass\n"
    report = grade("ch2", with_replaced("ch2", loop), exercises=["ridge"], mode="student")
    checks = [c for e in report.exercises for c in e.checks]
    assert checks and all(c.status == "timeout" for c in checks)
    assert checks[0].message == ("importing ch02_linear_regression.py did not finish within 1.5 s: is there a loop or a long computation "
                                 'at module level? Code you run yourself (experiments, plots, training) belongs under `if __name__ == "__main__":`.')
    guarded = "\n\nif __name__ == \"__main__\":\n    while True:\n        pass\n"
    report = grade("ch2", with_replaced("ch2", guarded), exercises=["ridge"], mode="student")
    assert report.ok, [c.message for e in report.exercises for c in e.checks]


DATACLASS = '''
import dataclasses as _dc
import inspect as _inspect
import pickle as _pickle
import typing as _typing

@_dc.dataclass
class _Fit:
    w: np.ndarray
    b: float

_ref_ls = least_squares

def least_squares(X, y, fit_intercept=True):
    fit = _Fit(*_ref_ls(X, y, fit_intercept))
    # what looks a class's module up by its name: pickle, inspect, typing
    fit = _pickle.loads(_pickle.dumps(fit))
    assert "class _Fit" in _inspect.getsource(_Fit)
    assert _typing.get_type_hints(_Fit)["b"] is float
    return _dc.replace(fit).w, fit.b
'''


def test_a_dataclass_in_the_students_module_works():
    """The module's name is its sys.modules key (one no import statement can name): a
    dataclass finds its module at class creation, and pickle, inspect.getsource and
    get_type_hints find a student's class afterwards."""
    report = grade("ch2", with_replaced("ch2", DATACLASS), exercises=["least_squares"], mode="student")
    assert report.ok, [c.message for e in report.exercises for c in e.checks]
