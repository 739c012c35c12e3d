"""Commands printed as suggestions ("next: ..."), built so that pasting one
works: the workbook folder and the other options in effect are carried along,
and every word is quoted for the shell."""

from __future__ import annotations

import shlex
from pathlib import Path


def command(*words: object, dir: Path | str | None = None, **options: object) -> str:
    """``mathdl WORDS... [--dir DIR] [--option VALUE]...``; options that are None,
    False or the default folder are left out, True ones become flags."""
    parts = ["mathdl", *(str(w) for w in words if w not in (None, ""))]
    if dir is not None and Path(dir) != Path("."):
        parts += ["--dir", str(dir)]
    for name, value in options.items():
        if value is None or value is False:
            continue
        flag = "--" + name.replace("_", "-")
        parts += [flag] if value is True else [flag, str(value)]
    return " ".join(shlex.quote(p) if p != "mathdl" else p for p in parts)


def options_suffix(dir: Path | str | None = None, **options: object) -> str:
    """`` --dir DIR --seed 3``: what :func:`command` appends for these options."""
    return command(dir=dir, **options)[len("mathdl"):]


def carry(report, dir: Path | str | None = None, **options: object) -> None:
    """Append the options in effect to every rerun command of a report (the
    graders write ``mathdl check ch2 ridge --case 1``, knowing no folder)."""
    suffix = options_suffix(dir, **options)
    if not suffix:
        return
    for ex in report.exercises:
        for check in ex.checks:
            if check.rerun.startswith("mathdl ") and check.visibility != "hidden":
                check.rerun += suffix
