"""List the public checks whose inputs do not depend on the seed.

In instructor grading every check draws its inputs from the per-student seed,
so the recorded outputs that ship with mathdl cannot be replayed for points.
A public check built from constants alone (no ``rng``) gets the same inputs for
every student: a submission can answer it from a table of the recorded
outputs. This script grades each chapter's reference twice in instructor mode
with two student seeds, fingerprints the arguments of every student call, and
prints the public checks whose calls were identical both times, with their
share of the chapter's points.

    python bench/replayable_checks.py [ch2 ch6 ...]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mathdl_cli.catalog import load_course  # noqa: E402
from mathdl_cli.grading.errors import current  # noqa: E402
from mathdl_cli.grading.recording import fingerprint  # noqa: E402
from mathdl_cli.grading.session import run_checks  # noqa: E402
from mathdl_cli.grading.state import stable_seed  # noqa: E402
from mathdl_cli.sandbox import Sandbox  # noqa: E402
from mathdl_cli.solutions import reference_source  # noqa: E402


def calls_by_check(course, chapter, sandbox, student_seed) -> tuple[dict, dict]:
    seen: dict[tuple[str, str], list] = {}
    real = sandbox.call

    def spy(module, func, args, kwargs, **options):
        ctx = current()
        if ctx is not None and not ctx.hidden:
            batch = options.get("calls")
            shown = [fingerprint(tuple(a), k).tolist() for a, k in batch] if batch else fingerprint(tuple(args), kwargs).tolist()
            seen.setdefault((ctx.exercise.id, ctx.case), []).append((func, shown))
        return real(module, func, args, kwargs, **options)

    sandbox.call = spy
    try:
        report = run_checks(course, {chapter: reference_source(course, chapter).encode()}, mode="instructor", sandbox=sandbox,
                            hidden_seed=lambda ex: stable_seed("replayable", student_seed, ex.id), fast=True)
    finally:
        sandbox.call = real
    weights = {(ex.id, c.case): (c.weight / sum(x.weight for x in ex.graded)) * ex.points for ex in report.exercises for c in ex.checks}
    return seen, weights


def main(names: list[str]) -> None:
    course = load_course()
    chapters = [course.chapter(n) for n in names] if names else course.chapters
    for chapter in chapters:
        with Sandbox(zygote=True) as sandbox:
            first, weights = calls_by_check(course, chapter, sandbox, 1)
            second, _ = calls_by_check(course, chapter, sandbox, 2)
        fixed = sorted((key for key in first if first[key] == second.get(key)), key=lambda k: (k[0], int(k[1])))
        total = sum(ex.points for ex in chapter.exercises)
        points = sum(weights.get(key, 0.0) for key in fixed)
        print(f"{chapter.module}: {len(fixed)} of {len(first)} public checks have seed-independent inputs "
              f"({points:.2f} of {total:g} points replayable)")
        for ex_id, case in fixed:
            print(f"    {ex_id} case {case}")


if __name__ == "__main__":
    main(sys.argv[1:])
