"""A call that asks for a part or form of its result (Sandbox.call's ``form``;
``columns(student.f, index, like)`` and ``zero_one(student.f, like)`` in a grader):
the child sends only some columns of a finite float64 result of the expected shape,
or a float64 result of 0s and 1s as bools, anything else whole, and the grader's
outcome and messages are those of ``expect.like`` on the whole result. A child that
claims to have formed its result, but sends something else, fails the call (fail
closed)."""

import numpy as np
import pytest

from mathdl_cli.grading import expect
from mathdl_cli.grading.errors import CallInfo, CheckFailed, StudentError
from mathdl_cli.grading.proxies import Form, columns, zero_one
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

def mask(R, K):
    return (np.arange(R * K).reshape(R, K) % 3 == 0).astype(np.float64)

def scaled_mask(R, K):
    return mask(R, K) / 0.5

def forged(R, K):
    import sys
    sys.modules["child"]._in_form = lambda value, form: (np.zeros((1, 1)), True)
    return np.zeros((R, K))
"""

INDEX = [0, 3, 7]


@pytest.fixture(scope="module")
def child():
    with Sandbox(isolation=ProcessIsolation()) as sb:
        yield sb, sb.add_file("student_columns.py", STUDENT)


def _call(sb, path, func, shape, index=INDEX, expected=None):
    """func(*shape), asking for the columns ``index`` of a result of shape ``expected`` (default: ``shape``)"""
    return sb.call(path, func, list(shape), {}, timeout=10, form={"kind": "columns", "index": index, "shape": list(expected or shape)})


def _as_mask(sb, path, func, shape, expected=None):
    return sb.call(path, func, list(shape), {}, timeout=10, form={"kind": "zero_one", "shape": list(expected or shape)})


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
    reply = sb.call(path, "grid", [], {}, timeout=10, calls=[([5, 8], {})], form={"kind": "columns", "index": INDEX, "shape": [5, 8]})
    assert reply.kind == "return" and not reply.taken and reply.value[0].shape == (5, 8)


def test_a_mask_crosses_as_bools(child):
    sb, path = child
    reply = _as_mask(sb, path, "mask", (6, 7))
    assert reply.kind == "return" and reply.taken and reply.value.dtype == np.bool_
    np.testing.assert_array_equal(reply.value, np.arange(42).reshape(6, 7) % 3 == 0)
    for func, shape, expected in (("scaled_mask", (6, 7), None), ("grid", (6, 7), None), ("mask", (6, 7), (7, 6)), ("with_nan", (6, 7), None)):
        reply = _as_mask(sb, path, func, shape, expected)
        assert reply.kind == "return" and not reply.taken and reply.value.dtype == np.float64, func


INFO = CallInfo("grid", lambda: "R=5, K=8")


@pytest.mark.parametrize("form", [Form.columns(INDEX, np.zeros((5, 8))), Form.zero_one(np.zeros((5, 8)))], ids=["columns", "zero_one"])
def test_a_whole_result_is_judged_as_expect_like_judges_it(form):
    whole = (np.arange(40).reshape(5, 8) % 2).astype(np.float64)
    got = form.received(whole, False, INFO)
    np.testing.assert_array_equal(got, whole[:, INDEX] if form.request["kind"] == "columns" else whole)
    for bad in (np.zeros((5, 9)), np.full((5, 8), np.nan), [[0.0] * 8] * 5, None):
        with pytest.raises(CheckFailed) as formed:
            form.received(bad, False, INFO)
        with pytest.raises(CheckFailed) as plain:
            expect.like(bad, np.zeros((5, 8)))
        assert str(formed.value) == str(plain.value) and formed.value.diagnostic == plain.value.diagnostic


@pytest.mark.parametrize("sent", [np.zeros((1, 1)), np.zeros((5, 3), dtype=np.float32), np.full((5, 3), np.inf), [[0.0] * 3] * 5, None])
def test_columns_that_are_not_what_was_asked_fail_the_call(sent):
    with pytest.raises(StudentError, match="the child sent a value that is not finite float64 columns"):
        Form.columns(INDEX, np.zeros((5, 8))).received(sent, True, INFO)


@pytest.mark.parametrize("sent", [np.zeros((5, 8)), np.zeros((5, 7), dtype=bool), np.zeros((5, 8), dtype=np.uint8), None])
def test_a_mask_that_is_not_bools_of_the_shape_fails_the_call(sent):
    with pytest.raises(StudentError, match="the child sent a value that is not a bool array"):
        Form.zero_one(np.zeros((5, 8))).received(sent, True, INFO)


def test_a_forged_form_fails_the_call(child):
    """Student code that replaces the child's forming cannot slip a malformed value
    past the check: the grader verifies what crossed."""
    sb, path = child
    reply = _call(sb, path, "forged", (5, 8))
    assert reply.taken and reply.value.shape == (1, 1)
    with pytest.raises(StudentError):
        Form.columns(INDEX, np.zeros((5, 8))).received(reply.value, reply.taken, INFO)


def test_a_plain_function_is_called_judged_and_formed_here():
    got = columns(lambda R, K: np.arange(R * K, dtype=np.float64).reshape(R, K), INDEX, np.zeros((5, 8)))(5, 8)
    np.testing.assert_array_equal(got, np.arange(40.0).reshape(5, 8)[:, INDEX])
    with pytest.raises(CheckFailed):
        columns(lambda R, K: np.zeros((R, K + 1)), INDEX, np.zeros((5, 8)))(5, 8)
    assert zero_one(lambda: np.ones((2, 2)), np.zeros((2, 2)))().dtype == np.float64


def test_ch18_checks_that_cut_give_the_old_outcomes():
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


def test_ch9_keep_rate_gives_the_old_outcomes():
    """ch9's keep-rate check reads a 2·10⁶-entry mask as bools: the reference passes it,
    a mask that keeps with probability 1 - p fails the keep rate, and a result that is
    not all 0s and 1s (inverted-dropout values 1/p, a NaN) crosses whole and fails with
    the messages it had before (the fraction counts 1/p; the NaN is found)."""
    report = grade("ch9", with_replaced("ch9", ""), exercises=["dropout"])
    assert not failures(report), failures(report)
    body = "def sample_mask(shape, p_keep, rng):\n    m = (rng.random(shape) {}).astype(np.float64)\n{}    return m\n"
    for extra, says in ((body.format(">= p_keep", ""), "fraction of ones 0.44"),
                        (body.format("< p_keep", "    m /= p_keep\n"), "fraction of ones 1.00"),
                        (body.format("< p_keep", "    m[5, 7] = np.nan\n"), "1 NaN and 0 inf entries (of 2000000), first at [5, 7]")):
        report = grade("ch9", with_replaced("ch9", extra), exercises=["dropout"])
        (check,) = [c for ex in report.exercises for c in ex.checks if c.name.startswith("the fraction of ones in 2·10⁶ entries")]
        assert check.status == "failed" and says in check.message, check.message
