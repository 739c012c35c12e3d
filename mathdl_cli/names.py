"""Closest matches for names a user mistyped ("did you mean ch06 backprop?").

A chapter is matched by ``chN``, its slug and its module name; an exercise by its
short name, its full id and each word of its short name, and a name close to the
chapter's slug (``backprpo`` in ``mathdl check ch6 backprpo``) points at the
chapter's exercises named after it (``mlp_backward``)."""

from __future__ import annotations

import re
from difflib import SequenceMatcher, get_close_matches
from pathlib import Path

CUTOFF = 0.6


def _ratio(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b).ratio()


def closest_chapters(course, text: str, n: int = 3) -> list:
    text = text.strip().lower()
    if re.fullmatch(r"(ch(apter)?)?\d+", text):  # ch99 is not a typo of ch9
        return []
    scored = []
    for number, folder in course.module_names().items():
        slug = folder.split("_", 1)[1]
        score = max(_ratio(text, slug), _ratio(text, folder), _ratio(text, f"ch{number}"), _ratio(text, f"ch{number:02d}"))
        if score >= CUTOFF:
            scored.append((score, number))
    return [course.load(number) for _, number in sorted(scored, key=lambda s: (-s[0], s[1]))[:n]]


def _exercise_score(text: str, ex) -> float:
    words = ex.short.split("_")
    score = max(_ratio(text, ex.short), _ratio(text, ex.id), *(_ratio(text, w) for w in words if len(w) > 2))
    # a misspelt chapter slug given as the exercise: the exercises sharing a stem with it
    stem = ex.chapter.slug.split("_")[0]
    if _ratio(text, ex.chapter.slug) >= 0.75 and any(w[:4] == stem[:4] for w in words):
        score = max(score, 0.9)
    return score


def closest_exercises(exercises, text: str, n: int = 3) -> list:
    text = text.strip().lower()
    scored = [(s, i, ex) for i, ex in enumerate(exercises) if (s := _exercise_score(text, ex)) >= CUTOFF]
    return [ex for _, _, ex in sorted(scored, key=lambda t: (-t[0], t[1]))[:n]]


def exercise_misspelt(exercises, text: str):
    """The exercise whose whole short name ``text`` misspells (``ridgee``), or None: a
    closer match than :func:`closest_exercises` asks, for a name found where no
    exercise was expected."""
    by_short = {ex.short: ex for ex in exercises}
    match = get_close_matches(text.strip().lower(), list(by_short), n=1, cutoff=0.8)
    return by_short[match[0]] if match else None


def nearest_folder(path: Path) -> Path | None:
    """An existing folder beside ``path`` whose name is close to its name (a typo)."""
    parent = path.parent if str(path.parent) else Path(".")
    try:
        names = [p.name for p in parent.iterdir() if p.is_dir() and not p.name.startswith(".")][:500]
    except OSError:
        return None
    match = get_close_matches(path.name, names, n=1, cutoff=0.75)
    return (parent / match[0]) if match else None
