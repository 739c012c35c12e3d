"""A call that asks for some columns of its result (Sandbox.call's ``columns``,
``columns(student.f, index, like)`` in a grader): the child sends only those
columns of a finite float64 result of the expected shape, anything else whole, and
the grader's outcome and messages are those of ``expect.like`` on the whole result.
A child that claims to have cut its result, but sends something else, fails the
call (fail closed)."""

import numpy as np
import pytest

from mathdl_cli.grading import expect
from mathdl_cli.grading.errors import CheckFailed, StudentError
from mathdl_cli.grading.proxies import CallInfo, _columns_of, columns
from mathdl_cli.sandbox import ProcessIsolation, Sandbox
from support import failures, grade, with_replaced

STUDENT = b"""
import numpy as np

def grid(R, K):
    return np.arange(R * K, dtype=np.float64).reshape(R, K)

def with_nan(R, K):
    out = np.arange(R * K, dtype=np.float64).reshape(R, K)
    out[1, 2] = np.nan  # outside the columns asked for: still the whole result's business
    return out

def as_ints(R, K):
    return np.arange(R * K).reshape(R, K)

def forged(R, K):
    import sys
    sys.modules["child"]._columns = lambda value, spec: (np.zeros((1, 1)), True)
    return np.zeros((R, K))
"""

INDEX = [0, 3, 7]


@pytest.fixture(scope="module")
def child():
    with Sandbox(isolation=ProcessIsolation()) as sb:
        yield sb, sb.add_file("student_columns.py", STUDENT)


def _call(sb, path, func, shape, index=INDEX, expected=None):
    """func(*shape), asking for the columns ``index`` of a result of shape ``expected`` (default: ``shape``)"""
    return sb.call(path, func, list(shape), {}, timeout=10, columns={"index": index, "shape": list(expected or shape)})


def test_only_the_columns_asked_for_cross(child):
    sb, path = child
    reply = _call(sb, path, "grid", (5, 8))
    assert reply.kind == "return" and reply.taken
    np.testing.assert_array_equal(reply.value, np.arange(40.0).reshape(5, 8)[:, INDEX])
    plain = sb.call(path, "grid", [5, 8], {}, timeout=10)  # not asked: the whole result, as ever
    assert not plain.taken and plain.value.shape == (5, 8)


@pytest.mark.parametrize("func, shape, index, expected", [
    ("grid", (5, 9), INDEX, (5, 8)),   # another shape than the grader's
    ("grid", (8, 5), INDEX, (5, 8)),
    ("with_nan", (5, 8), INDEX, None),  # not finite, even outside the columns
    ("as_ints", (5, 8), INDEX, None),  # another dtype
    ("grid", (5, 8), [0, 8], None),    # a column outside the result
    ("grid", (5, 8), [-1], None),
])
def test_anything_else_crosses_whole(child, func, shape, index, expected):
    sb, path = child
    reply = _call(sb, path, func, shape, index, expected)
    assert reply.kind == "return" and not reply.taken
    assert reply.value.shape == shape


def test_a_batch_is_never_cut(child):
    sb, path = child
    reply = sb.call(path, "grid", [], {}, timeout=10, calls=[([5, 8], {})], columns={"index": INDEX, "shape": [5, 8]})
    assert reply.kind == "return" and not reply.taken and reply.value[0].shape == (5, 8)


def test_a_whole_result_is_judged_as_expect_like_judges_it():
    like = np.zeros((5, 8))
    info = CallInfo("grid", lambda: "R=5, K=8")
    np.testing.assert_array_equal(_columns_of(np.arange(40.0).reshape(5, 8), False, info, INDEX, like), np.arange(40.0).reshape(5, 8)[:, INDEX])
    for bad in (np.zeros((5, 9)), np.full((5, 8), np.nan), [[0.0] * 8] * 5, None):
        with pytest.raises(CheckFailed) as cut:
            _columns_of(bad, False, info, INDEX, like)
        with pytest.raises(CheckFailed) as whole:
            expect.like(bad, like)
        assert str(cut.value) == str(whole.value) and cut.value.diagnostic == whole.value.diagnostic


@pytest.mark.parametrize("sent", [np.zeros((1, 1)), np.zeros((5, 3), dtype=np.float32), np.full((5, 3), np.inf), [[0.0] * 3] * 5, None])
def test_columns_that_are_not_what_was_asked_fail_the_call(sent):
    with pytest.raises(StudentError, match="the child sent columns that are not"):
        _columns_of(sent, True, CallInfo("grid", lambda: ""), INDEX, np.zeros((5, 8)))


def test_a_forged_cut_fails_the_call(child):
    """Student code that replaces the child's cutting cannot slip a malformed value
    past the check: the grader verifies what crossed."""
    sb, path = child
    reply = _call(sb, path, "forged", (5, 8))
    assert reply.taken and reply.value.shape == (1, 1)
    with pytest.raises(StudentError):
        _columns_of(reply.value, reply.taken, CallInfo("forged", lambda: ""), INDEX, np.zeros((5, 8)))


def test_a_plain_function_is_called_judged_and_cut_here():
    got = columns(lambda R, K: np.arange(R * K, dtype=np.float64).reshape(R, K), INDEX, np.zeros((5, 8)))(5, 8)
    np.testing.assert_array_equal(got, np.arange(40.0).reshape(5, 8)[:, INDEX])
    with pytest.raises(CheckFailed):
        columns(lambda R, K: np.zeros((R, K + 1)), INDEX, np.zeros((5, 8)))(5, 8)


def test_the_checks_that_cut_give_the_old_outcomes():
    """ch18's two statistical checks cut their chains to the window: the reference
    passes them, and averages one column short (or one NaN outside the window) fail
    with the message expect.like gives, the whole result having crossed."""
    report = grade("ch18", with_replaced("ch18", ""), exercises=["robbins_monro_rate", "polyak_averaging"])
    assert not failures(report), failures(report)
    short = "_averages = averaged_iterates\n\ndef averaged_iterates(thetas):\n    return _averages(thetas)[:, 1:]\n"
    nan = "_averages = averaged_iterates\n\ndef averaged_iterates(thetas):\n    out = _averages(thetas)\n    out[:, 0] = float('nan')\n    return out\n"
    for extra, kind in ((short, "shape"), (nan, "nan")):
        report = grade("ch18", with_replaced("ch18", extra), exercises=["polyak_averaging"])
        (check,) = [c for ex in report.exercises for c in ex.checks if c.name.startswith("[theory] 2000 SGD chains")]
        assert check.status == "failed" and check.diagnostic["kind"] == kind, (check.status, check.message)
