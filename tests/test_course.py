"""Every chapter of the course: the graders accept the reference on many seeds,
report the stub as not started, and catch every mutant; recordings are current."""

import pytest

from mathdl_cli.catalog import load_course
from mathdl_cli.solutions import mutants
from mathdl_cli.validate import MIN_MUTANTS, validate_chapter
from support import chapter_sandbox

COURSE = load_course()


@pytest.mark.parametrize("chapter", COURSE.chapters, ids=lambda c: c.module)
def test_chapter_validates(chapter):
    verdicts = validate_chapter(COURSE, chapter, seeds=[0, 1, 2, 3])
    problems = [f"{v.id}: {p}" for v in verdicts for p in v.problems]
    assert not problems, "\n".join(problems)
    assert all(v.stub == "not_started" for v in verdicts)


@pytest.mark.parametrize("chapter", COURSE.chapters, ids=lambda c: c.module)
def test_every_exercise_has_grader_and_mutants(chapter):
    found = {m.exercise for m in mutants(COURSE, chapter)}
    for ex in chapter.exercises:
        assert (COURSE.graders_dir / chapter.module / f"test_{ex.short}.py").exists(), f"{ex.id} has no grader"
        count = sum(m.exercise == ex.short for m in mutants(COURSE, chapter))
        assert count >= MIN_MUTANTS, f"{ex.id} has {count} mutants"
    assert found <= {ex.short for ex in chapter.exercises}, f"mutants for unknown exercises: {found}"
    graders = {p.stem.removeprefix("test_") for p in (COURSE.graders_dir / chapter.module).glob("test_*.py")}
    assert graders == {ex.short for ex in chapter.exercises}, "grader files and exercises differ"


@pytest.mark.parametrize("chapter", COURSE.chapters, ids=lambda c: c.module)
def test_every_mutant_fails_a_public_check(chapter):
    """A student who makes one of the known mistakes sees it in `mathdl check`
    (public checks, recorded outputs), not only in the instructor's hidden cases."""
    from mathdl_cli.grading.session import run_checks
    from mathdl_cli.solutions import mutant_source

    escaped = []
    with chapter_sandbox(chapter) as sandbox:
        for mutant in mutants(COURSE, chapter):
            report = run_checks(
                COURSE, {chapter: mutant_source(COURSE, mutant).encode()}, mode="student",
                exercises=[chapter.exercise(mutant.exercise)], sandbox=sandbox, fast=True, first_failure=True,
            )
            result = report.exercises[0]
            if result.status == "passed" or any(c.status == "internal_error" for c in result.checks):
                escaped.append(mutant.id)
    assert escaped == []
