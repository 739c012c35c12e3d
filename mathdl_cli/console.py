"""The two consoles: results on stdout, errors and progress on stderr.

On a terminal, output wraps to its width and is styled, unless ``NO_COLOR`` is
set (to anything) or ``TERM=dumb``: then no style at all (no colour, no bold,
no dim). Into a pipe or a file, lines are never wrapped nor styled. A line that
holds a command to paste is printed with ``soft_wrap=True``: never broken."""

from __future__ import annotations

import os
import sys

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

USAGE_ERROR = 2


class Exit(SystemExit):
    """Leave a command with this exit status (typer and click let a SystemExit
    through untouched, and ``mathdl check``'s fast start runs without them)."""


def _utf8(stream: Any) -> bool:
    """Whether ``stream`` writes UTF-8 (a stream without an encoding takes any text)."""
    import codecs

    encoding = getattr(stream, "encoding", None)
    if not isinstance(encoding, str):
        return True
    try:
        return codecs.lookup(encoding).name in ("utf-8", "utf-8-sig")
    except LookupError:
        return False


def printable_streams() -> None:
    """On a stdout or stderr that is not UTF-8 (a terminal in a Latin-1 or ASCII
    locale) and would raise on what it cannot show (θ, ✓, –), such a character is
    printed as '?' instead of ending the command with a UnicodeEncodeError
    (Python's stderr already shows it as an escape: it is left so)."""
    for stream in (sys.stdout, sys.stderr):
        if not _utf8(stream) and getattr(stream, "errors", None) in ("strict", "surrogateescape", "surrogatepass"):  # (these raise)
            try:
                stream.reconfigure(errors="replace")
            except (AttributeError, ValueError, OSError):
                pass


def print_json(doc: Any) -> None:
    """One JSON document on stdout, its text as it is where stdout is UTF-8, else
    with every non-ASCII character escaped: valid JSON in any locale, never a '?'."""
    import json

    print(json.dumps(doc, ensure_ascii=not _utf8(sys.stdout)))


def escape(text: str) -> str:
    """rich's markup escaping (rich is imported on first use)."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def _console(stderr: bool) -> Console:
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    plain = bool(os.environ.get("NO_COLOR")) or os.environ.get("TERM") == "dumb"
    # emoji=False: rich would turn ":white_check_mark:" in a student's message, output or
    # source line into a real ✅ (markup escaping does not stop it); what they wrote is shown
    return Console(stderr=stderr, highlight=False, emoji=False, soft_wrap=not tty, **({"color_system": None} if plain else {}))


class _LazyConsole:
    """A rich Console made on first use: a run that prints only JSON never
    imports rich (about 35 ms of every command's start-up)."""

    def __init__(self, stderr: bool) -> None:
        self._stderr = stderr
        self._console: Console | None = None

    @property
    def console(self) -> Console:
        """The Console itself (for rich objects that take one, such as Progress)."""
        if self._console is None:
            self._console = _console(self._stderr)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.console, name)


out = _LazyConsole(stderr=False)
err = _LazyConsole(stderr=True)


def points(value: float) -> str:
    """A score for people: at most two decimals (1.0526 -> 1.05); JSON keeps the exact value."""
    return f"{round(float(value), 2):g}"


def fail(message: str, next_step: str = "") -> Exit:
    """Print a usage error with what to do next; return the Exit to raise."""
    from .inert import clean

    err.print(f"[bold red]error:[/] {escape(clean(message))}")
    if next_step:
        err.print(f"[dim]next:[/] {escape(clean(next_step))}", soft_wrap=True)
    return Exit(USAGE_ERROR)


__all__ = ["out", "err", "escape", "fail", "points", "Exit", "USAGE_ERROR"]
