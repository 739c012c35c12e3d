"""The two consoles: results on stdout, errors and progress on stderr."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markup import escape

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

USAGE_ERROR = 2


def fail(message: str, next_step: str = "") -> typer.Exit:
    """Print a usage error with what to do next; return the Exit to raise."""
    from .inert import clean

    err.print(f"[bold red]error:[/] {escape(clean(message))}")
    if next_step:
        err.print(f"[dim]next:[/] {escape(clean(next_step))}")
    return typer.Exit(USAGE_ERROR)


__all__ = ["out", "err", "escape", "fail", "USAGE_ERROR"]
