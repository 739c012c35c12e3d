"""Validate the course: the graders accept the reference and catch every mutant.

For each exercise of each chapter:
  * the reference scores full marks in instructor mode (hidden checks too), for
    every seed asked for;
  * the reference also passes the public checks in student mode, which proves
    the recorded expected outputs are up to date;
  * the stub is reported not_started, with score 0;
  * every mutant (a known student bug) fails at least one check.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from .catalog import PARSED_NAME, Chapter, Course, parsed_is_current, preload_for, write_parsed

from .grading import fastpath
from .grading.session import pytest_args, run_checks
from .grading.state import stable_seed
from .results import NOT_CAUGHT, Report
from .sandbox import Sandbox
from .solutions import mutant_source, mutants, reference_source
from .stubs import stub_source

MIN_MUTANTS = 3


@dataclass
class MutantVerdict:
    id: str
    description: str
    status: str
    caught: bool
    caught_by: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"id": self.id, "description": self.description, "status": self.status, "caught": self.caught, "caught_by": self.caught_by}


@dataclass
class ExerciseVerdict:
    id: str
    reference: str = "passed"  # passed | failed
    reference_problems: list[str] = field(default_factory=list)
    recorded: str = "passed"
    stub: str = "not_started"
    mutants: list[MutantVerdict] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        out = list(self.reference_problems)
        if self.stub != "not_started":
            out.append(f"the stub is {self.stub}, not not_started")
        if len(self.mutants) < MIN_MUTANTS:
            out.append(f"only {len(self.mutants)} mutant(s); every exercise needs at least {MIN_MUTANTS}")
        out += [f"mutant {m.id} was not caught ({m.description})" for m in self.mutants if not m.caught]
        return out

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "ok": self.ok,
            "reference": self.reference,
            "recorded_outputs": self.recorded,
            "stub": self.stub,
            "mutants_total": len(self.mutants),
            "mutants_caught": sum(m.caught for m in self.mutants),
            "mutants": [m.to_json() for m in self.mutants],
            "problems": self.problems,
        }


@dataclass
class ValidationReport:
    exercises: list[ExerciseVerdict]
    seeds: list[int]

    @property
    def ok(self) -> bool:
        return all(e.ok for e in self.exercises)

    def to_json(self) -> dict:
        return {
            "version": 1,
            "kind": "mathdl.validate",
            "ok": self.ok,
            "seeds": self.seeds,
            "exercises": [e.to_json() for e in self.exercises],
        }


def _failures(report: Report) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for ex in report.exercises:
        for c in ex.checks:
            if c.status != "passed":
                out.setdefault(ex.id, []).append(f"case {c.case} ({c.name}): {c.status}: {c.message.splitlines()[0] if c.message else ''}")
    return out


def validate_chapter(course: Course, chapter: Chapter, seeds: list[int], on_progress=None) -> list[ExerciseVerdict]:
    verdicts = {ex.id: ExerciseVerdict(ex.id) for ex in chapter.exercises}
    ref = reference_source(course, chapter).encode()
    with Sandbox(zygote=True, preload=preload_for([chapter])) as sandbox:
        for seed in seeds:
            hidden = lambda ex, s=seed: stable_seed("validate", s, ex.id)  # noqa: E731
            report = run_checks(course, {chapter: ref}, mode="instructor", seed=seed, hidden_seed=hidden, sandbox=sandbox, fast=True)
            for ex_id, problems in _failures(report).items():
                verdicts[ex_id].reference = "failed"
                verdicts[ex_id].reference_problems += [f"reference, seed {seed}: {p}" for p in problems]
        report = run_checks(course, {chapter: ref}, mode="student", sandbox=sandbox, fast=True)
        for ex_id, problems in _failures(report).items():
            verdicts[ex_id].recorded = "failed"
            verdicts[ex_id].reference_problems += [f"student mode (recorded outputs): {p}" for p in problems]
        for problem in stale_records(course, chapter):
            for verdict in verdicts.values():
                verdict.recorded = "failed"
                verdict.reference_problems.append(problem)
        report = run_checks(course, {chapter: stub_source(chapter).encode()}, mode="instructor", sandbox=sandbox, fast=True)
        for ex in report.exercises:
            verdicts[ex.id].stub = ex.status
        if on_progress:
            on_progress()
        for mutant in mutants(course, chapter):
            exercise = chapter.exercise(mutant.exercise)
            report = run_checks(
                course, {chapter: mutant_source(course, mutant).encode()}, mode="instructor", exercises=[exercise], sandbox=sandbox,
                hidden_seed=lambda ex: stable_seed("validate", seeds[0], ex.id), seed=seeds[0], fast=True,
                first_failure=True,  # caught is caught: the first failing check names it
            )
            result = report.exercises[0]
            caught_by = [f"case {c.case}: {c.name} ({c.status})" for c in result.checks if c.status not in NOT_CAUGHT]
            verdicts[exercise.id].mutants.append(
                MutantVerdict(mutant.id, mutant.description, result.status, caught=bool(caught_by), caught_by=caught_by)
            )
            if on_progress:
                on_progress()
    return list(verdicts.values())


def validate(
    course: Course, chapters: list[Chapter], seeds: list[int] | None = None, on_progress=None, workers: int = 0
) -> ValidationReport:
    """Validate ``chapters``: with several, in ``workers`` processes (default: one
    per core); the report lists the chapters in the order given either way."""
    seeds = seeds or [0]
    workers = min(workers or os.cpu_count() or 1, len(chapters))
    if workers <= 1:
        return ValidationReport([v for ch in chapters for v in validate_chapter(course, ch, seeds, on_progress)], seeds)
    # chapters are independent, and pytest runs in-process: one chapter per worker
    # process at a time, the ones with most mutants first (the slowest, roughly)
    from .sandbox import hand_down, probe_isolation

    hand_down(probe_isolation())  # probed once, here, for every worker
    by_chapter: dict[str, list[ExerciseVerdict]] = {}
    order = sorted(chapters, key=lambda ch: -len(mutants(course, ch)))
    with _pool(workers) as pool:
        running = {pool.submit(_validate_in_worker, str(course.root), ch.module, seeds): ch for ch in order}
        for fut in as_completed(running):
            ch = running[fut]
            by_chapter[ch.module] = fut.result()
            if on_progress:
                for _ in range(1 + len(mutants(course, ch))):  # the units validate_chapter reports
                    on_progress()
    return ValidationReport([v for ch in chapters for v in by_chapter[ch.module]], seeds)


def _validate_in_worker(root: str, module: str, seeds: list[int]) -> list[ExerciseVerdict]:
    from .catalog import load_course

    course = load_course(Path(root))
    try:
        return validate_chapter(course, course.chapter(module), seeds)
    finally:
        from .sandbox import cleanup

        cleanup()  # pool workers skip atexit: remove this worker's zygote, cgroups and folders


def _pool(workers: int):
    import multiprocessing

    from .batch.runner import PRELOAD

    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx)


def record(course: Course, chapter: Chapter) -> Report:
    """Record the reference's outputs on the public checks (for student mode), and
    the graders' collection (so runs can skip pytest's collection)."""
    write_parsed(course.folders[chapter.number] / "chapter.yaml")
    folder = course.graders_dir / chapter.module / "_recorded"
    for old in folder.glob("*.npz"):
        old.unlink()
    report = run_checks(course, {chapter: reference_source(course, chapter).encode()}, mode="record")
    cache = folder / fastpath.CACHE_NAME
    data = _live_collection(course, chapter)
    if data is None:
        cache.unlink(missing_ok=True)
    else:
        folder.mkdir(exist_ok=True)
        cache.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return report


def _live_collection(course: Course, chapter: Chapter) -> dict | None:
    files = sorted((course.graders_dir / chapter.module).glob("test_*.py"))
    return fastpath.collection_record(course, course.graders_dir / chapter.module, pytest_args(course, files))


def stale_records(course: Course, chapter: Chapter) -> list[str]:
    """What ``mathdl record`` has to be run for: the graders' recorded collection,
    and the parsed form of chapter.yaml."""
    problems = []
    if not collection_is_current(course, chapter):
        problems.append("the recorded collection of the graders is out of date (run `mathdl record`)")
    if not parsed_is_current(course.folders[chapter.number] / "chapter.yaml"):
        problems.append(f"{chapter.module}/{PARSED_NAME} is out of date with chapter.yaml (run `mathdl record {chapter.short}`)")
    return problems


def collection_is_current(course: Course, chapter: Chapter) -> bool:
    cache = course.graders_dir / chapter.module / "_recorded" / fastpath.CACHE_NAME
    try:
        stored = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stored = None
    return stored == _live_collection(course, chapter)
