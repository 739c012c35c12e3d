"""Helpers for the project's tests: grade a module's source like mathdl would."""

from __future__ import annotations

from pathlib import Path

from mathdl_cli.catalog import load_course
from mathdl_cli.grading.session import run_checks
from mathdl_cli.grading.state import stable_seed
from mathdl_cli.results import Report
from mathdl_cli.solutions import join_sources, load_reference, mutant_source, mutants, reference_source
from mathdl_cli.stubs import stub_source

course = load_course()


def chapter(name):
    return course.chapter(name)


def reference(name):
    """The reference module of a chapter, imported in this process (for oracle tests)."""
    return load_reference(course, course.chapter(name))


def grade(chapter_name: str, source: str, *, exercises=None, mode: str = "instructor", seed: int = 0, sandbox=None) -> Report:
    """Grade module source for a chapter; hidden cases use a seed derived from ``seed``."""
    ch = course.chapter(chapter_name)
    selected = [ch.exercise(e) for e in exercises] if exercises else None
    return run_checks(
        course, {ch: source.encode()}, mode=mode, exercises=selected, seed=seed,
        hidden_seed=lambda ex: stable_seed("tests", seed, ex.id), sandbox=sandbox,
    )


def chapter_sandbox(chapter):
    """A sandbox for grading many submissions of one chapter, as validate and grade
    make it: children fork from a zygote that has imported what the chapter needs
    (torch for a torch chapter), so a child costs a fork, not an import (in every
    isolation: bwrap's zygote runs in bubblewrap's own container)."""
    from mathdl_cli.catalog import preload_for
    from mathdl_cli.sandbox import Sandbox

    return Sandbox(zygote=True, preload=preload_for([chapter]))


def with_replaced(chapter_name: str, extra_source: str) -> str:
    """The reference with some functions redefined (an alternative implementation)."""
    ch = course.chapter(chapter_name)
    return join_sources(reference_source(course, ch), extra_source)


def failures(report: Report) -> list[str]:
    return [
        f"{ex.id} case {c.case} {c.status}: {c.message}"
        for ex in report.exercises
        for c in ex.checks
        if c.status != "passed"
    ]


__all__ = ["course", "chapter", "reference", "grade", "with_replaced", "failures", "stub_source", "mutants", "mutant_source", "live_children"]


def grader_helpers(chapter_name: str, module: str = "_helpers"):
    """A chapter's grader helper module (graders/<chapter>/<module>.py), imported the
    way the graders import it, so oracle tests can calibrate the graders' statistics."""
    import importlib
    import sys

    folder = course.graders_dir
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
    return importlib.import_module(f"{course.chapter(chapter_name).module}.{module}")


def forked_in_worker(mode: str, source: bytes) -> dict:
    """In a grading worker (tests/test_sandbox.py): call ``f`` of ``source`` in a
    child of this worker's zygote; how the child came to be."""
    from mathdl_cli.sandbox import Sandbox, fs, probe_isolation
    from mathdl_cli.sandbox import zygote as zyg

    with Sandbox(isolation=probe_isolation(mode), zygote=True) as sb:
        path = sb.add_file("m.py", source)
        reply = sb.call(path, "f", [], {}, timeout=60)
        return {
            "value": reply.value, "forked": sb.forked,
            "own_zygotes": [z.proc is not None for z in zyg._zygotes.values()],
            "base": str(fs.private_base()), "box": str(sb.root),
        }


def live_children(pid: int) -> list[int]:
    """Processes whose parent is pid, zombies left out."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry.name))
    return found
