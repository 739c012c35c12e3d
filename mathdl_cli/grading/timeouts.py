"""The message of a call stopped at its time limit. Many calls back into the
grader's functions (each a round trip between processes) are the likely cause
when there were many: say how many, and what the function's docstring allows."""

from __future__ import annotations

import re

MANY = 100  # callbacks before a timeout that make them the likely cause


_CALLING = re.compile(r"\b(call|calls|called|calling)\b", re.I)
_HOW_OFTEN = re.compile(r"\b(once|twice|times|at most|exactly|single)\b", re.I)


def allowance(chapter, func: str) -> str:
    """The docstring's sentence on how often the callable arguments may be called
    ("Call it ONCE", "called exactly 4n times"), if it has one."""
    owner = chapter.function_owner(func)
    spec = owner.function(func) if owner else None
    if spec is None:
        return ""
    text = " ".join(spec.doc.split())
    for sentence in re.split(r"(?<=[.;])\)?\s+", text):
        sentence = sentence.lstrip("(").rstrip(")")
        if _CALLING.search(sentence) and _HOW_OFTEN.search(sentence):
            return sentence[:300]
    return ""


def timeout_message(func: str, timeout: float, callbacks: int, chapter) -> str:
    head = f"{func} did not finish within {timeout:g} s and was stopped"
    if callbacks < MANY:
        return head + " (an infinite loop, or far too slow?)"
    rule = allowance(chapter, func)
    return (f"{head} after calling the function it was given {callbacks} times: each call is a round trip between "
            f"processes, so call it with a batch of points at once" + (f". The docstring: {rule}" if rule else ""))
