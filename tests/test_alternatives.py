"""No false failures: every alternative correct implementation in
tests/alternatives/ gets full marks on its exercise, in student mode and in
instructor mode (hidden cases on a few secrets)."""

from __future__ import annotations

from pathlib import Path

import pytest

from support import chapter_sandbox, course, failures, with_replaced

HERE = Path(__file__).parent / "alternatives"
SECRETS = (0, 1)  # bench/alternatives_secrets.py runs 20


def alternative_files() -> list[Path]:
    return sorted(HERE.glob("ch*/*__*.py"))


def by_chapter() -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = {}
    for path in alternative_files():
        found.setdefault(path.parent.name, []).append(path)
    return found


def test_alternative_files_name_known_exercises():
    for path in alternative_files():
        chapter = course.chapter(path.parent.name)
        chapter.exercise(path.stem.partition("__")[0])  # raises for an unknown exercise
        first = path.read_text().lstrip()
        assert first.startswith('"""'), f"{path}: start with a docstring saying how it differs"


@pytest.mark.parametrize("chapter", sorted(by_chapter()))
def test_alternatives_get_full_marks(chapter):
    from mathdl_cli.grading.session import run_checks
    from mathdl_cli.grading.state import stable_seed

    problems = []
    with chapter_sandbox(course.chapter(chapter)) as sandbox:
        for path in by_chapter()[chapter]:
            ch = course.chapter(chapter)
            exercise = ch.exercise(path.stem.partition("__")[0])
            source = with_replaced(chapter, path.read_text())
            runs = [("student", 0)] + [("instructor", s) for s in SECRETS]
            for mode, seed in runs:
                report = run_checks(
                    course, {ch: source.encode()}, mode=mode, exercises=[exercise], seed=0,
                    hidden_seed=lambda ex, s=seed: stable_seed("alternatives", s, ex.id), sandbox=sandbox, fast=True,
                )
                if report.exercises[0].status != "passed":
                    problems.append(f"{path.name} ({mode}, secret {seed}): " + "; ".join(failures(report))[:1500])
    assert problems == []
