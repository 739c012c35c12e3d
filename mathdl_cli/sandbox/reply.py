"""What a call into the child returned (a module of its own: a sandbox is
created and started without it, before the grader's first call)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Reply:
    """What came back from one call, already decoded into plain data."""

    kind: str  # return | raise | missing | import_error | unencodable | timeout | crashed | protocol_error
    value: Any = None
    mutated: list = field(default_factory=list)  # arguments changed in place, by path (a list per call for batches)
    index: int = 0  # in a batch, the call that raised
    stdout: str = ""
    warnings: list[str] = field(default_factory=list)
    type: str = ""
    bases: list[str] = field(default_factory=list)  # the names of the exception's base classes (its MRO after itself)
    message: str = ""
    frames: list = field(default_factory=list)
    not_implemented: bool = False
    parameters: str = ""  # a TypeError of the call itself: the function's own parameters, e.g. "(X, y)"
    elapsed: float = 0.0
    detail: str = ""
    callbacks: int = 0  # calls of the grader's functions the child made during this call
    taken: bool = False  # the value is in the form the call asked for (Sandbox.call's ``form``), not the whole result
