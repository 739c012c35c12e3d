"""Everything one grading run shares: the course, the sandbox, modes and seeds."""

from __future__ import annotations

import hashlib
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from ..catalog import Chapter, Course, Exercise
from ..results import CheckResult
from ..sandbox import Sandbox
from ..sandbox.box import LOAD, LOAD_TIMEOUT
from .errors import CheckOutcome, GraderError, StudentError, StudentTimeout
from .proxies import LiveReference, RecordedReference
from .recording import Recordings

MODES = ("student", "instructor", "record")
HUNG_GRACE = 1.0
# sandboxes whose child has served hidden checks
_served_hidden: "weakref.WeakSet[Sandbox]" = weakref.WeakSet()


def stable_seed(*parts: Any) -> int:
    """A 64-bit seed from strings/ints, identical on every platform and run."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "little")


@dataclass
class GradingState:
    course: Course
    mode: str  # student | instructor | record
    sandbox: Sandbox
    modules: dict[str, str]  # chapter module name -> path of the submission file inside the sandbox
    seed: int = 0
    hidden_seed: Callable[[Exercise], int] | None = None
    exercises: set[str] | None = None  # exercise ids to grade (None: all)
    case: str | None = None
    deadline: float | None = None  # time.monotonic() by which the whole submission must be done
    results: list[CheckResult] = field(default_factory=list)
    _recordings: dict[str, Recordings] = field(default_factory=dict)
    _loaded: dict[str, int] = field(default_factory=dict)
    _broken: dict[str, CheckOutcome] = field(default_factory=dict)
    _references: dict[str, Any] = field(default_factory=dict)  # chapter module -> its reference, for this run
    hung: set[str] = field(default_factory=set)  # functions that already timed out once
    _phase: bool | None = None  # whether the checks running now are hidden
    hung_ranks: set[str] = field(default_factory=set)  # functions whose ranks already deadlocked once (chapter 23)

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")

    # -- the student's side ---------------------------------------------
    def timeout(self, limit: float, func: str | None = None) -> float:
        """Seconds a call may take: its own limit, or what is left of the submission's.
        A function that already timed out gets HUNG_GRACE seconds on its other
        cases, so one infinite loop cannot use up the time of the other exercises."""
        if func is not None and func in self.hung:
            limit = min(limit, HUNG_GRACE)
        if self.deadline is None:
            return limit
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise StudentTimeout(
                "the submission's total time limit was used up before this check could run",
                {"kind": "timeout", "limit_seconds": 0.0},
            )
        return min(limit, left)

    def module_path(self, chapter: Chapter) -> str:
        path = self.modules.get(chapter.module)
        if path is None:
            raise GraderError(f"no submission module for chapter {chapter.number} in this run")
        return path

    def ensure_loaded(self, module: str) -> None:
        """Import a submission module once per child, so an import that hangs,
        crashes or exits is reported once and not retried by every check."""
        if module in self._broken:
            known = self._broken[module]  # a fresh exception each time: re-raising one object grows its traceback
            raise type(known)(known.message, dict(known.diagnostic), known.output)
        if self._loaded.get(module) == self.sandbox.starts and self.sandbox.proc is not None:
            return
        reply = self.sandbox.call(module, LOAD, [], {}, timeout=self.timeout(LOAD_TIMEOUT))
        name = Path(module).name
        if reply.kind == "timeout":
            self._broken[module] = StudentTimeout(
                f"importing {name} did not finish within {LOAD_TIMEOUT:g} s: is there a loop or a long computation at module level? "
                'Code you run yourself (experiments, plots, training) belongs under `if __name__ == "__main__":`.',
                {"kind": "timeout", "limit_seconds": LOAD_TIMEOUT},
            )
            raise StudentTimeout(self._broken[module].message, dict(self._broken[module].diagnostic))
        if reply.kind in ("crashed", "protocol_error"):
            self._broken[module] = StudentError(f"importing {name} stopped the Python process: {reply.detail}", {"kind": "crash"})
            raise StudentError(self._broken[module].message, {"kind": "crash"})
        # an import error is reported by the call itself (the child remembers it)
        self._loaded[module] = self.sandbox.starts

    def begin_phase(self, hidden: bool) -> None:
        """Public checks run first, hidden checks after them: no public result can
        show anything of a hidden input, which reaches the child only once every
        public check is done. The hidden checks go on in the same child (a fresh
        one costs about a fifth of a submission's grading and would protect
        nothing more), but a child that served hidden checks never serves a
        public one: a sandbox shared across runs (validate) gets a fresh child
        for the next run's public checks."""
        sandbox = self.sandbox
        if sandbox is None or self._phase == hidden:
            return
        self._phase = hidden
        if hidden:
            _served_hidden.add(sandbox)
        elif sandbox in _served_hidden:
            sandbox.kill()  # the next call starts a fresh child
            _served_hidden.discard(sandbox)

    # -- the reference's side --------------------------------------------
    def reference(self, chapter: Chapter, check: str, exercise: Exercise, hidden: bool = False) -> Any:
        if self.mode == "student":
            return RecordedReference(self.recordings(exercise).for_check(check), chapter, self.seed)
        module = self._references.get(chapter.module)
        if module is None:
            from ..solutions import load_reference

            module = self._references[chapter.module] = load_reference(self.course, chapter)  # executed once per process
        # only public checks are recorded: recordings ship to students
        recorder = self.recordings(exercise).for_check(check) if self.mode == "record" and not hidden else None
        return LiveReference(module, chapter, recorder)

    def recordings(self, exercise: Exercise) -> Recordings:
        rec = self._recordings.get(exercise.id)
        if rec is None:
            path = self.course.graders_dir / exercise.chapter.module / "_recorded" / f"{exercise.short}.npz"
            rec = self._recordings[exercise.id] = Recordings(path)
        return rec

    def save_recordings(self) -> list[Path]:
        saved = []
        for rec in self._recordings.values():
            if rec.new:
                rec.save()
                saved.append(rec.path)
        return saved

    # -- randomness --------------------------------------------------------
    def rng_for(self, exercise: Exercise, check: str, hidden: bool) -> np.random.Generator:
        """The check's generator. With a per-student seed (instructor grading),
        every check draws from it, public ones included: the public cases'
        recorded outputs ship with mathdl and must not be replayable."""
        if self.hidden_seed is not None and (hidden or self.mode == "instructor"):
            base = self.hidden_seed(exercise)
        else:
            base = self.seed
        return np.random.default_rng(stable_seed(base, exercise.id, check))
