"""Grading results: checks, exercises, reports, scoring and the JSON schema.

JSON schema (``SCHEMA_VERSION``), documented in the README:

    {version, kind, mode, score, max_score, status, isolation, target, elapsed,
     exercises: [{id, chapter, title, status, score, max_score, points,
                  checks: [{name, case, visibility, weight, status, message,
                            rerun, output, warnings, diagnostic}]}]}
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = 1

STATUSES = ("passed", "failed", "error", "not_started", "timeout", "skipped", "internal_error")
# how an exercise's status is chosen from its checks' statuses (first match wins)
_PRECEDENCE = ("internal_error", "timeout", "error", "failed")
# statuses that say nothing against the submission: a check with any other status caught something
NOT_CAUGHT = ("passed", "skipped", "internal_error")


@dataclass
class CheckResult:
    exercise: str
    name: str
    case: str  # "1", "2", ... for public checks, "h1", "h2", ... for hidden ones
    visibility: str  # public | hidden
    weight: float
    status: str
    message: str = ""
    rerun: str = ""
    output: str = ""
    warnings: list[str] = field(default_factory=list)
    diagnostic: dict[str, Any] | None = None
    duration: float = 0.0

    def to_json(self) -> dict:
        # by hand: dataclasses.asdict deep-copies every field, a cost paid for every check of every submission
        return {
            "name": self.name, "case": self.case, "visibility": self.visibility, "weight": self.weight,
            "status": self.status, "message": self.message, "rerun": self.rerun, "output": self.output,
            "warnings": list(self.warnings), "diagnostic": _json_safe(self.diagnostic), "duration": self.duration,
        }


@dataclass
class ExerciseResult:
    id: str
    chapter: int
    title: str
    points: float
    checks: list[CheckResult] = field(default_factory=list)
    note: str = ""

    @property
    def graded(self) -> list[CheckResult]:
        return [c for c in self.checks if c.status != "skipped"]

    @property
    def status(self) -> str:
        checks = self.graded
        if not checks:
            return "not_started" if not self.checks else "skipped"
        statuses = {c.status for c in checks}
        if statuses == {"passed"}:
            return "passed"
        if statuses == {"not_started"}:
            return "not_started"
        for status in _PRECEDENCE:
            if status in statuses:
                return status
        return "failed"  # a mix of passed and not_started: partly done

    @property
    def max_score(self) -> float:
        return self.points

    @property
    def score(self) -> float:
        checks = self.graded
        total = sum(c.weight for c in checks)
        if total <= 0:
            return 0.0
        won = sum(c.weight for c in checks if c.status == "passed")
        return round(self.points * won / total, 4)

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "chapter": self.chapter,
            "title": self.title,
            "status": self.status,
            "score": self.score,
            "max_score": self.max_score,
            "checks": [c.to_json() for c in self.checks],
            **({"note": self.note} if self.note else {}),
        }


@dataclass
class Report:
    mode: str  # student | instructor
    target: str
    isolation: str
    exercises: list[ExerciseResult]
    elapsed: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        return round(sum(e.score for e in self.exercises), 4)

    @property
    def max_score(self) -> float:
        return round(sum(e.max_score for e in self.exercises), 4)

    @property
    def status(self) -> str:
        statuses = [e.status for e in self.exercises]
        if statuses and all(s == "passed" for s in statuses):
            return "passed"
        if statuses and all(s == "not_started" for s in statuses):
            return "not_started"
        return "failed"

    @property
    def ok(self) -> bool:
        return self.status == "passed"

    def to_json(self) -> dict:
        return {
            "version": SCHEMA_VERSION,
            "kind": "mathdl.check",
            "mode": self.mode,
            "target": self.target,
            "isolation": self.isolation,
            "status": self.status,
            "score": self.score,
            "max_score": self.max_score,
            "elapsed": round(self.elapsed, 3),
            "exercises": [e.to_json() for e in self.exercises],
            "notes": list(self.notes),
        }


def _json_safe(value: Any) -> Any:
    """Non-finite floats become strings: JSON has no inf or nan."""
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value
