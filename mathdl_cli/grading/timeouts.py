"""The message of a call stopped at its time limit. Many calls back into the
grader's functions (each a round trip between processes) are the likely cause
when there were many: say how many, and what the function's docstring allows."""

from __future__ import annotations

import re

MANY = 100  # callbacks before a timeout that make them the likely cause


def allowance(chapter, func: str) -> str:
    """The docstring's sentence on how the callable arguments may be called (batches), if any."""
    owner = chapter.function_owner(func)
    spec = owner.function(func) if owner else None
    if spec is None:
        return ""
    text = " ".join(spec.doc.split())
    for sentence in re.split(r"(?<=[.;])\)?\s+", text):
        sentence = sentence.lstrip("(").rstrip(")")
        if re.search(r"\bcall(s|ed)?\b|\bbatch", sentence, re.I) and re.search(r"\b(times|once|batch|at most)\b", sentence, re.I):
            return sentence[:300]
    return ""


def timeout_message(func: str, timeout: float, callbacks: int, chapter) -> str:
    head = f"{func} did not finish within {timeout:g} s and was stopped"
    if callbacks < MANY:
        return head + " (an infinite loop, or far too slow?)"
    rule = allowance(chapter, func)
    return (f"{head} after calling the function it was given {callbacks} times: each call is a round trip between "
            f"processes, so call it with a batch of points at once" + (f". The docstring: {rule}" if rule else ""))
