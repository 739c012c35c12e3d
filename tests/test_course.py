"""Every chapter of the course: the graders accept the reference on many seeds,
report the stub as not started, and catch every mutant; recordings are current."""

import pytest

from mathdl_cli.catalog import load_course
from mathdl_cli.solutions import mutants
from mathdl_cli.validate import MIN_MUTANTS, validate_chapter

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
