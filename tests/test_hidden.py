"""Hidden inputs never leak, and no points come without work.

A hidden check reports fixed text, the quantity and a built-in exception's name;
hidden checks run after every public one, and a child that served them never
serves a public check; in instructor
mode every check draws its inputs from the per-student seed; recordings (which
ship to students) hold public checks only; degenerate results fail."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mathdl_cli.grading import expect
from mathdl_cli.grading.errors import BUILTIN_EXCEPTIONS, CheckFailed, hidden_diagnostic, hidden_message
from mathdl_cli.grading.recording import Recordings
from mathdl_cli.grading.session import run_checks
from mathdl_cli.grading.state import GradingState, stable_seed
from mathdl_cli.sandbox import Sandbox
from support import course, grade, reference_source, with_replaced

CH2 = course.chapter("ch2")
LEAK = "LEAK-91c2"
# Every call prints, warns and raises with the leak marker in the text: public
# checks may show it (their inputs are the student's to see), hidden ones never.
LEAKY = f'''
import warnings as _warnings


class {LEAK.replace("-", "_")}Error(Exception):
    pass


def least_squares(X, y, fit_intercept=True):
    print("{LEAK}", X.ravel()[:3].tolist())
    _warnings.warn("{LEAK} " + str(y[:2].tolist()))
    if X.shape[0] % 2:
        raise ValueError("{LEAK} " + str(X.ravel()[:3].tolist()))
    raise {LEAK.replace("-", "_")}Error("{LEAK}")
'''


def test_hidden_checks_report_fixed_text_only():
    report = grade("ch2", with_replaced("ch2", LEAKY), exercises=["least_squares"], seed=3)
    checks = report.to_json()["exercises"][0]["checks"]
    public = [c for c in checks if c["visibility"] != "hidden"]
    hidden = [c for c in checks if c["visibility"] == "hidden"]
    assert public and hidden
    assert any(LEAK in json.dumps(c, ensure_ascii=False) for c in public)  # the marker does reach what may show it
    for c in hidden:
        text = json.dumps(c, ensure_ascii=False)
        assert LEAK not in text and LEAK.replace("-", "_") not in text, text
        assert c["status"] in ("error", "failed")
        assert c["output"] == "" and c["warnings"] == [] and c["rerun"] == ""
        assert set(c["diagnostic"]) <= {"kind", "quantity", "exception", "function", "where"}
        assert c["message"] in {
            "least_squares raised ValueError on a hidden case (details of hidden cases are not shown)",
            "least_squares raised an exception on a hidden case (details of hidden cases are not shown)",
        }, c["message"]


def test_hidden_messages_are_built_from_a_whitelist():
    diag = hidden_diagnostic({"kind": "exception", "exception": "Leak_42", "call": "f(X=(9, 3), lam=0.3)", "quantity": "w",
                              "max_abs": 0.123, "first": [[0], 1.0, 2.0]}, "least_squares")
    assert diag == {"kind": "exception", "quantity": "w", "function": "least_squares"}
    assert hidden_message("error", diag) == "least_squares raised an exception on a hidden case (details of hidden cases are not shown)"
    assert "ValueError" in BUILTIN_EXCEPTIONS and "Leak_42" not in BUILTIN_EXCEPTIONS
    internal = hidden_diagnostic({"kind": "internal", "exception": "ValueError", "where": "test_ridge.py:42"})
    assert hidden_message("internal_error", internal).endswith("ValueError in test_ridge.py:42")
    assert hidden_message("failed", {"kind": "value", "quantity": "dL/dW^2"}).startswith("dL/dW^2: wrong on a hidden case")


class Spy:
    """Records, for every call into the child, which child served it and whether
    the running check is hidden."""

    def __init__(self, sandbox: Sandbox):
        from mathdl_cli.grading.errors import current

        self.calls: list[tuple[int, bool]] = []
        real = sandbox.call

        def call(*args, **kwargs):
            reply = real(*args, **kwargs)
            ctx = current()
            self.calls.append((sandbox.starts, bool(ctx and ctx.hidden)))
            return reply

        sandbox.call = call


@pytest.mark.parametrize("fast", [True, False])
def test_hidden_checks_run_after_the_public_ones_and_their_child_serves_no_public_check(fast):
    """Every public call comes before every hidden one (no hidden input is in the
    child while a public result is made); the hidden checks go on in the public
    checks' child, and a shared sandbox's next run starts its public checks in a
    fresh child."""
    source = reference_source(course, CH2).encode()
    with Sandbox(zygote=True) as sandbox:
        spy = Spy(sandbox)
        for run in range(2):  # a shared sandbox: the second run's public checks get a fresh child
            report = run_checks(course, {CH2: source}, mode="instructor", sandbox=sandbox, fast=fast,
                                hidden_seed=lambda ex: stable_seed("t", run, ex.id))
            assert report.score == report.max_score
    flags = [hidden for _, hidden in spy.calls]
    runs = [flags[: len(flags) // 2], flags[len(flags) // 2 :]]
    for flags_of_run in runs:
        assert True in flags_of_run and False in flags_of_run
        assert flags_of_run == sorted(flags_of_run)  # public first, then hidden
    children = [child for child, _ in spy.calls]
    first, second = children[: len(children) // 2], children[len(children) // 2 :]
    assert len(set(first)) == 1 and len(set(second)) == 1, "one child per run"
    assert first[0] != second[0], "the child that served hidden checks served no later public one"


def test_public_and_hidden_order_does_not_change_results():
    """The report lists public checks, then hidden ones, each in collection order."""
    report = grade("ch2", reference_source(course, CH2), seed=1)
    for ex in report.exercises:
        cases = [c.case for c in ex.checks]
        public = [c for c in cases if not c.startswith("h")]
        hidden = [c for c in cases if c.startswith("h")]
        assert cases == public + hidden and public == sorted(public, key=int) and hidden == sorted(hidden, key=lambda h: int(h[1:]))


def test_instructor_mode_draws_every_check_from_the_student_seed():
    ex = CH2.exercise("ridge")
    state = GradingState(course=course, mode="instructor", sandbox=None, modules={}, hidden_seed=lambda e: 1234)  # type: ignore[arg-type]
    other = GradingState(course=course, mode="instructor", sandbox=None, modules={}, hidden_seed=lambda e: 999)  # type: ignore[arg-type]
    student = GradingState(course=course, mode="student", sandbox=None, modules={}, hidden_seed=lambda e: 1234)  # type: ignore[arg-type]
    plain = GradingState(course=course, mode="instructor", sandbox=None, modules={})  # type: ignore[arg-type]
    draw = lambda s, hidden: s.rng_for(ex, "test_values", hidden).random()  # noqa: E731
    assert draw(state, False) != draw(other, False)  # public checks: per student
    assert draw(student, False) == draw(plain, False)  # without a student seed: the recorded inputs
    assert draw(state, False) != draw(student, False)


def test_recordings_hold_public_checks_only():
    """Recordings ship with mathdl: a hidden check's reference output must never be in them."""
    for chapter in course.chapters:
        folder = course.graders_dir / chapter.module / "_recorded"
        collection = json.loads((folder / "_collection.json").read_text())
        hidden = {c["name"] for c in collection["checks"] if c["hidden"]}
        for npz in folder.glob("*.npz"):
            keys = Recordings(npz).data().keys()
            leaked = {k for k in keys if k.split("#", 1)[0] in hidden}
            assert not leaked, f"{npz.name}: {sorted(leaked)[:3]}"


def test_gradient_check_refuses_zero_against_zero():
    with pytest.raises(CheckFailed) as err:
        expect.gradient(np.zeros(4), np.zeros(4), rel=1e-6)
    assert err.value.diagnostic["kind"] == "degenerate" and "both (nearly) zero" in err.value.message
    expect.gradient(np.ones(4), np.ones(4) + 1e-9, rel=1e-6)
    with pytest.raises(CheckFailed):  # scaled towards zero: consistent, but not the size a correct gradient has
        expect.gradient(1e-6 * np.ones(4), 1e-6 * np.ones(4), rel=1e-6, scale=2.0)
    expect.gradient(1e-12 * np.ones(4), 1e-12 * np.ones(4), rel=1e-6, scale=1e-11)  # tiny problems state their scale


def test_nontrivial_refuses_degenerate_results():
    assert expect.nontrivial((np.ones(3), 2.0), at_least=1.0)[1] == 2.0
    for degenerate in (np.zeros(5), (np.zeros(2), 0.0), {"a": np.zeros(3)}, 1e-9 * np.ones(3), np.full(3, np.nan)):
        with pytest.raises(CheckFailed) as err:
            expect.nontrivial(degenerate, at_least=1e-3, quantity="θ")
        assert err.value.diagnostic["kind"] == "degenerate" and err.value.message.startswith("θ: must not be (nearly) zero")


def test_all_zero_results_earn_nothing_on_chapter_2_property_checks():
    zeros = (
        "def mse_objective_and_grad(theta, X, y):\n    return 0.0, np.zeros_like(theta)\n\n\n"
        "def poly_design(x, degree):\n    return np.zeros((len(x), degree + 1))\n\n\n"
        "def train_test_curve(x_tr, y_tr, x_te, y_te, degrees):\n    return np.zeros(len(degrees)), np.zeros(len(degrees))\n"
    )
    for mode in ("student", "instructor"):
        report = grade("ch2", with_replaced("ch2", zeros), exercises=["mse_objective_and_grad", "poly_design"], mode=mode)
        passed = [(ex.id, c.name) for ex in report.exercises for c in ex.checks if c.status == "passed"]
        assert passed == [], passed


HOARDER = """
_seen = []


def least_squares(X, y, fit_intercept=True):
    _seen.append(repr(float(X.ravel()[0])))
    print("SEEN " + " ".join(_seen))  # everything this child was ever given
    raise ValueError("no")
"""


def test_no_public_output_shows_what_a_hidden_call_was_given():
    """A submission that prints every input its child has seen: the public checks'
    outputs hold public inputs only, since hidden calls come after all of them."""
    from mathdl_cli.grading.errors import current

    hidden_inputs, real = [], Sandbox.call

    def call(self, module, func, args, kwargs, **kw):
        ctx = current()
        if ctx is not None and ctx.hidden and func == "least_squares":
            hidden_inputs.append(repr(float(args[0].ravel()[0])))
        return real(self, module, func, args, kwargs, **kw)

    Sandbox.call = call
    try:
        report = grade("ch2", with_replaced("ch2", HOARDER), exercises=["least_squares"], seed=5)
    finally:
        Sandbox.call = real
    checks = report.to_json()["exercises"][0]["checks"]
    public_output = " ".join(c["output"] + c["message"] for c in checks if c["visibility"] == "public")
    assert "SEEN" in public_output and hidden_inputs
    assert not any(value in public_output for value in hidden_inputs)
