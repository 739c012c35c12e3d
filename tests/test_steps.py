"""Sandbox.steps and ``student.f.steps``: the steps of a recursion on the student's own
state in one request. The child replies per step without waiting for the grader; a
check that stops early never sees (and never pays for) the steps after; and what a
student is told is what the same steps made one call at a time would tell them."""

from __future__ import annotations

import time

import numpy as np
import pytest

from mathdl_cli.grading import proxies
from mathdl_cli.sandbox import ProcessIsolation, Sandbox
from mathdl_cli.sandbox.box import DRAIN_SECONDS

STUDENT = '''
import numpy as np

def step(theta, v, g, lr):
    print("step with lr", lr)
    v = 0.9 * v + g
    return theta - lr * v, v

def as_list(theta, v, g, lr):
    return [theta - lr * g, v]

def as_array(theta, v, g, lr):
    return np.stack([theta - lr * g, v])

def fails_at(theta, k):
    if k == 3:
        raise ValueError("step three")
    return (theta + 1.0,)

def hangs_from(theta, k):
    while k >= 2:
        pass
    return (theta + 1.0,)

def changes_g_at(theta, g, k):
    if k == 2:
        g[0] += 1.0
    return (theta + g,)

def add(x, y):
    return x + y
'''


@pytest.fixture(scope="module", params=["process", "zygote"])
def box(request):
    zygote = request.param == "zygote"
    with Sandbox(isolation=ProcessIsolation() if not zygote else None, zygote=zygote) as sb:
        yield sb, sb.add_file("student.py", STUDENT.encode())


def recursion(state, extras):
    """What the same steps give made one call at a time, in this process."""
    values = []
    for g, lr in extras:
        theta, v = state
        v = 0.9 * v + g
        state = (theta - lr * v, v)
        values.append(state)
    return values


def run(sb, path, func, state, extras, **kw):
    return list(sb.steps(path, func, list(state), [list(e) for e in extras], {}, timeout=lambda: 10.0, **kw))


def test_steps_run_the_recursion_on_the_students_own_values_with_a_reply_per_step(box):
    sb, path = box
    rng = np.random.default_rng(1)
    state, extras = (rng.standard_normal(3), np.zeros(3)), [(rng.standard_normal(3), 0.1 / (k + 1)) for k in range(6)]
    replies = run(sb, path, "step", state, extras)
    assert [r.kind for r in replies] == ["return"] * 6
    for reply, want, (_, lr) in zip(replies, recursion(state, extras), extras):
        assert isinstance(reply.value, tuple)
        np.testing.assert_array_equal(reply.value[0], want[0])  # bit for bit: the values crossed as they would have
        np.testing.assert_array_equal(reply.value[1], want[1])
        assert reply.stdout == f"step with lr {lr}\n"  # each step's own output
        assert reply.mutated == []


def test_a_list_is_fed_back_and_a_value_that_is_not_a_sequence_stops_the_steps(box):
    sb, path = box
    state, extras = (np.ones(2), np.zeros(2)), [(np.ones(2), 0.5)] * 3
    assert [r.kind for r in run(sb, path, "as_list", state, extras)] == ["return"] * 3
    replies = run(sb, path, "as_array", state, extras)
    assert [r.kind for r in replies] == ["return", "steps_stopped"]  # the grader goes on with calls
    assert replies[1].index == 1
    assert sb.call(path, "add", [1.0, 2.0], {}, timeout=10).value == 3.0


def test_a_failure_ends_the_steps_and_names_its_step(box):
    sb, path = box
    replies = run(sb, path, "fails_at", (np.zeros(2),), [(k,) for k in range(6)])
    assert [r.kind for r in replies] == ["return"] * 3 + ["raise"]
    assert replies[-1].index == 3 and replies[-1].message == "step three"
    assert sb.call(path, "add", [1.0, 2.0], {}, timeout=10).value == 3.0  # nothing else was sent


def test_a_check_that_stops_at_the_failure_waits_for_nothing_more(box):
    # the grader raises on the failed step (a stub's NotImplementedError): closing the
    # steps there must not wait for steps the child never runs, nor restart the child
    sb, path = box
    steps = sb.steps(path, "fails_at", [np.zeros(2)], [[k] for k in range(3, 9)], {}, timeout=lambda: 10.0)
    assert next(steps).kind == "raise"
    starts = sb.starts  # counted once the steps run (the box may start with them: a fresh box, first test of a worker)
    t0 = time.monotonic()
    steps.close()
    assert time.monotonic() - t0 < DRAIN_SECONDS / 2
    assert sb.call(path, "add", [1.0, 2.0], {}, timeout=10).value == 3.0 and sb.starts == starts


def test_steps_nobody_reads_never_reach_another_call(box):
    sb, path = box
    extras = [(np.ones(2), 0.1)] * 8
    steps = sb.steps(path, "step", [np.ones(2), np.zeros(2)], [list(e) for e in extras], {}, timeout=lambda: 10.0)
    assert next(steps).kind == "return"
    steps.close()  # a check that failed on the first step
    assert sb.call(path, "add", [np.ones(2), np.ones(2)], {}, timeout=10).value.tolist() == [2.0, 2.0]
    left_open = sb.steps(path, "step", [np.ones(2), np.zeros(2)], [list(e) for e in extras], {}, timeout=lambda: 10.0)
    assert next(left_open).kind == "return"  # not closed: the next request reads the rest first
    assert sb.call(path, "add", [1.0, 1.0], {}, timeout=10).value == 2.0
    assert list(left_open) == []  # and the steps end there (the caller goes on with calls)


def test_a_step_that_hangs_after_the_last_one_read_costs_the_drain_not_the_time_limit(box):
    sb, path = box
    steps = sb.steps(path, "hangs_from", [np.zeros(1)], [[k] for k in range(5)], {}, timeout=lambda: 30.0)
    assert next(steps).kind == "return"
    t0 = time.monotonic()
    steps.close()
    assert time.monotonic() - t0 < DRAIN_SECONDS + 2.0  # killed, not waited for 30 s
    assert sb.call(path, "add", [1.0, 1.0], {}, timeout=30).value == 2.0  # a new child


def test_steps_left_unread_never_outlast_the_time_a_call_has_left(box):
    # a submission whose time is nearly used up: the drain is that short, or the child killed
    sb, path = box
    for left in (0.3, None):  # None: grading.state raises, the submission's time is up

        def timeout(calls=[]):
            calls.append(1)
            if len(calls) > 1 and left is None:
                raise TimeoutError("the submission's total time limit was used up")
            return 30.0 if len(calls) == 1 else left

        steps = sb.steps(path, "hangs_from", [np.zeros(1)], [[k] for k in range(5)], {}, timeout=timeout)
        assert next(steps).kind == "return"
        t0 = time.monotonic()
        steps.close()
        assert time.monotonic() - t0 < (left or 0.0) + 0.5
        assert sb.call(path, "add", [1.0, 1.0], {}, timeout=30).value == 2.0


def test_a_step_read_in_time_gets_a_time_limit_of_its_own(box):
    sb, path = box
    limits = iter([10.0, 10.0, 0.5])
    started = time.monotonic()
    replies = list(sb.steps(path, "hangs_from", [np.zeros(1)], [[k] for k in range(4)], {}, timeout=lambda: next(limits)))
    assert [r.kind for r in replies] == ["return", "return", "timeout"]
    assert time.monotonic() - started < 5.0
    assert sb.call(path, "add", [1.0, 1.0], {}, timeout=30).value == 2.0


def test_an_argument_changed_by_one_step_is_reported_for_that_step(box):
    sb, path = box
    replies = run(sb, path, "changes_g_at", (np.zeros(2),), [(np.ones(2), k) for k in range(4)])
    assert [r.mutated for r in replies] == [[], [], ["1"], []]


# -- grading: what the student is told is what the calls one by one would tell them -------

PRINTS_AND_DRIFTS_AT_STEP_3 = '''
_ok = momentum_step


def momentum_step(theta, v, g, lr, mu=0.9, nesterov=False):
    print("momentum step, lr =", lr)
    theta, v = _ok(theta, v, g, lr, mu, nesterov)
    return (theta + 1e-3, v) if abs(lr - 0.1 / 1.4) < 1e-12 else (theta, v)
'''
RAISES_AT_STEP_4 = '''
_ok = momentum_step


def momentum_step(theta, v, g, lr, mu=0.9, nesterov=False):
    if abs(lr - 0.1 / 1.6) < 1e-12:
        raise FloatingPointError("step 4 blew up")
    return _ok(theta, v, g, lr, mu, nesterov)
'''
CHANGES_G_AT_STEP_2 = '''
_ok = rmsprop_step


def rmsprop_step(theta, r, g, lr, rho=0.9, delta=1e-6):
    out = _ok(theta, r, g, lr, rho, delta)
    if r.any():  # from the second step on
        g[0] += 1.0
    return out
'''
RETURNS_A_LIST = '''
_ok = adam_step


def adam_step(theta, s, r, g, k, lr, rho1=0.9, rho2=0.999, delta=1e-8):
    return list(_ok(theta, s, r, g, k, lr, rho1, rho2, delta))
'''


def one_by_one(self, exercise, spec, state, extras, kwargs):
    """The steps as the graders made them before Sandbox.steps: one call each."""
    for extra in extras:
        value = self._call(exercise, spec, (*state, *extra), kwargs)
        yield value
        state = tuple(value)


def told(report) -> list:
    return [(c.name, c.status, c.message, c.diagnostic, c.output, c.warnings) for ex in report.exercises for c in ex.checks]


def variants():
    from mathdl_cli.solutions import reference_source
    from support import chapter, course, mutant_source, mutants, with_replaced

    yield "reference", reference_source(course, chapter("ch8")), None
    for m in mutants(course, chapter("ch8")):
        if m.exercise in ("momentum", "rmsprop", "adam"):
            yield f"mutant {m.id}", mutant_source(course, m), [m.exercise]
    for name, source, exercise in (("prints and drifts at step 3", PRINTS_AND_DRIFTS_AT_STEP_3, "momentum"),
                                   ("raises at step 4", RAISES_AT_STEP_4, "momentum"),
                                   ("changes its argument g", CHANGES_G_AT_STEP_2, "rmsprop"),
                                   ("returns a list", RETURNS_A_LIST, "adam")):
        yield name, with_replaced("ch8", source), [exercise]


def test_every_ch8_diagnostic_is_the_one_the_calls_one_by_one_give(monkeypatch):
    from support import chapter_sandbox, course, grade

    used = []
    real_steps = proxies.StudentProxy._steps

    def counted(self, *args):
        used.append(args[1].name)
        return real_steps(self, *args)

    with chapter_sandbox(course.chapter("ch8")) as sandbox:
        for name, source, exercises in variants():
            monkeypatch.setattr(proxies.StudentProxy, "_steps", counted)
            batched = grade("ch8", source, exercises=exercises, sandbox=sandbox)
            monkeypatch.setattr(proxies.StudentProxy, "_steps", one_by_one)
            single = grade("ch8", source, exercises=exercises, sandbox=sandbox)
            assert told(batched) == told(single), name
            if name == "reference":
                assert all(c.status == "passed" for ex in batched.exercises for c in ex.checks)
            if name == "prints and drifts at step 3":
                (check, *_) = [c for ex in batched.exercises for c in ex.checks if c.status == "failed"]
                assert "after step 3" in check.message and check.output.count("momentum step") == 3, (check.message, check.output)
    assert {"momentum_step", "rmsprop_step", "adam_step"} <= set(used)  # the steps did go through Sandbox.steps
