"""Batch grading runs collected checks without a pytest session per submission;
it must give exactly the results of the pytest path."""

import pytest

from mathdl_cli.grading.session import run_checks
from mathdl_cli.grading.state import stable_seed
from support import chapter_sandbox, course, mutant_source, mutants, reference_source, stub_source


# Mutants whose wrong values depend on the processes' timing by design (a server
# that takes gradients in arrival order): two runs of either path can differ, so
# they cannot show that the two paths agree. Their exercises are compared on
# another mutant.
TIMING_DEPENDENT = {"ch23.parameter_server/arrival_order"}


def verdicts(report):
    return [(ex.id, c.case, c.name, c.status, c.message, c.weight) for ex in report.exercises for c in ex.checks]


@pytest.mark.parametrize("chapter", course.chapters, ids=lambda c: c.module)
def test_fast_path_equals_pytest_path(chapter):
    sources = [reference_source(course, chapter), stub_source(chapter)]
    by_exercise = {}
    for m in mutants(course, chapter):
        if m.id not in TIMING_DEPENDENT:
            by_exercise.setdefault(m.exercise, m)  # one deterministic mutant of each exercise
    sources += [mutant_source(course, m) for m in by_exercise.values()]
    with chapter_sandbox(chapter) as sandbox:
        for source in sources:
            results = []
            for fast in (False, True):
                report = run_checks(
                    course, {chapter: source.encode()}, mode="instructor", sandbox=sandbox, fast=fast,
                    hidden_seed=lambda ex: stable_seed("fastpath", ex.id),
                )
                results.append(verdicts(report))
            assert results[0] == results[1]
            assert results[0]  # something was graded


def test_timing_dependent_mutants_exist():
    """The exclusion list names real mutants, so it cannot hide a renamed one."""
    known = {m.id for chapter in course.chapters for m in mutants(course, chapter)}
    assert TIMING_DEPENDENT <= known


def test_fast_path_student_mode_and_case_selection():
    ch = course.chapter("ch2")
    source = reference_source(course, ch).encode()
    ex = ch.exercise("ridge")
    for kwargs in ({"mode": "student"}, {"mode": "instructor", "exercises": [ex], "case": "2"}):
        a = run_checks(course, {ch: source}, fast=False, **kwargs)
        b = run_checks(course, {ch: source}, fast=True, **kwargs)
        assert verdicts(a) == verdicts(b)
    assert [c.case for c in b.exercises[0].checks] == ["2"]


def test_first_failure_stops_at_the_check_a_full_run_fails_first():
    """validate grades mutants with first_failure: the run ends at the first
    failing check, which is the first failing check of a full run, same message."""
    ch = course.chapter("ch2")
    mutant = mutants(course, ch)[0]
    source = mutant_source(course, mutant).encode()
    ex = [ch.exercise(mutant.exercise)]
    seed = lambda e: stable_seed("first", e.id)  # noqa: E731
    full = run_checks(course, {ch: source}, mode="instructor", exercises=ex, hidden_seed=seed, fast=True)
    short = run_checks(course, {ch: source}, mode="instructor", exercises=ex, hidden_seed=seed, fast=True, first_failure=True)
    full_checks, short_checks = verdicts(full), verdicts(short)
    first_bad = next(i for i, v in enumerate(full_checks) if v[3] not in ("passed", "skipped"))
    assert short_checks == full_checks[: first_bad + 1]
    assert len(short_checks) < len(full_checks)
