"""The attack corpus: submissions that each try one attack on `mathdl grade`.

Every module ``tests/security/attacks_*.py`` defines ``ATTACKS: list[Attack]``.
The runner (``test_corpus.py``) writes every confinement attack
(``attacks_confinement.py``) as a submission of one batch, next to honest controls, grades the batch with the real ``mathdl grade``
in every isolation mode the machine offers, and asserts for each attack:

* each exercise in ``attacked`` scores 0 and every exercise in ``honest``
  (default: the rest of the attacked chapters) keeps full marks;
* no canary file appears (payloads write canaries, never destroy: use
  ``canary(name)`` for the path a successful escape would write);
* the batch completes, the honest controls keep full marks, the project's files
  are untouched, no process of the attack survives (``MARKER`` tags them);
* (the data attacks, ``attacks_data.py``, are about parsing and outputs, which do
  not depend on the isolation mode: ``test_corpus_data.py`` grades them once, in
  the default mode, and passes ``verify`` an ``outputs_view.BatchRun``);
* ``verify(run, attack)``, when given, holds (extra assertions on the outputs);
* nothing in the outputs contains the host secret or the course secret.

An attack is graded, and must hold, in the isolation modes listed in ``modes``
(default: all of them; ``CONFINED`` for attacks a plain process cannot stop,
see the README's Isolation section). The runner grades each mode the machine
offers: ``bwrap`` and ``namespaces`` (forced with ``MATHDL_ISOLATION``), and
``process`` with ``--allow-weak-isolation`` when the grader is root (cgroups).

Layout of a batch: ``BASE/submissions/<attack>``, ``BASE/out``,
``BASE/canaries`` (``{canary_dir}``, writable by anyone) and
``BASE/host_secret.txt`` (a random token, readable by anyone on the host, that
no output may contain). ``verify`` gets a ``Run`` with ``mode``, ``out``,
``records`` (student -> results.jsonl record), ``table`` (grades.csv rows),
``host_secret`` and ``canary_dir``.

Payloads receive ``{canary_dir}``, ``{out_dir}``, ``{course_dir}`` and
``{marker}`` through ``str.format`` when ``template=True`` (the default), so a
literal brace in a payload is written ``{{``.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).parent
MARKER = "mathdl-attack-7f3a"
ALL_MODES = ("bwrap", "namespaces", "process")
CONFINED = ("bwrap", "namespaces")  # attacks only confinement stops


@dataclass
class Attack:
    name: str  # unique; the submission's folder (student id) unless ``folder`` is set
    klass: str  # the attack class, e.g. "host files via the crash log", "csv injection"
    files: dict[str, str | bytes]  # path inside the submission -> content (subfolders allowed)
    attacked: list[str]  # exercise ids ("ch02.least_squares") that must score 0
    honest: list[str] | None = None  # exercise ids that must keep full marks (default: the others)
    folder: str | None = None  # the submission's folder or zip name, if not ``name``
    zip: bool = False  # deliver as <folder>.zip instead of a folder
    raw_zip: bytes | None = None  # deliver these exact bytes as <folder>.zip (corrupt zips; ``files`` unused)
    template: bool = True  # fill {canary_dir}, {out_dir}, {course_dir}, {marker} with str.format
    verify: Callable[[Any, "Attack"], None] | None = None  # extra assertions on the batch's outputs
    grade_args: list[str] = field(default_factory=list)  # reserved: attacks needing their own batch
    modes: tuple[str, ...] = ALL_MODES  # isolation modes whose batch includes the attack (and must stop it)


def load_attacks(kind: str = "*") -> list[Attack]:
    """The attacks of ``attacks_<kind>.py`` (default: every module); names are
    unique across the whole corpus."""
    by_module = {
        path.stem: importlib.import_module(f"security.{path.stem}").ATTACKS for path in sorted(HERE.glob("attacks_*.py"))
    }
    names = [a.name for attacks in by_module.values() for a in attacks]
    dupes = {n for n in names if names.count(n) > 1}
    assert not dupes, f"attack names used twice: {sorted(dupes)}"
    return [a for stem, attacks in by_module.items() if kind in ("*", stem.removeprefix("attacks_")) for a in attacks]
