"""Turn results into terminal output. Student text is always cleaned of control
sequences (see mathdl_cli.inert) and escaped for Rich markup."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .console import escape, points
from .import_errors import import_block, import_failures, is_import_failure
from .inert import clean
from .results import ExerciseResult, Report
from .suggest import command

if TYPE_CHECKING:
    from rich.console import Console


def _text(value: str) -> str:
    """Student-controlled text, safe for the terminal and for Rich markup."""
    return escape(clean(value))

ICON = {
    "passed": "[green]✓[/]",
    "failed": "[red]✗[/]",
    "error": "[red]![/]",
    "timeout": "[red]⧖[/]",
    "not_started": "[dim]·[/]",
    "skipped": "[dim]-[/]",
    "internal_error": "[magenta]?[/]",
}
WORD = {
    "passed": "[green]passed[/]",
    "failed": "[red]failed[/]",
    "error": "[red]error[/]",
    "timeout": "[red]timed out[/]",
    "not_started": "[dim]not started[/]",
    "skipped": "[dim]skipped[/]",
    "internal_error": "[magenta]grader error[/]",
}


def _indent(text: str, pad: str) -> str:
    return "\n".join(pad + line for line in clean(text).splitlines())


def exercise(console: Console, ex: ExerciseResult, *, detail: bool = True, again: dict | None = None) -> None:
    width = 30
    console.print(f"{ICON.get(ex.status, '?')} {escape(ex.id):<{width}} {points(ex.score):>5} / {points(ex.max_score):<4} {WORD.get(ex.status, ex.status)}")
    skipped = sum(c.status == "skipped" for c in ex.checks)
    if skipped and detail:
        console.print(f"    [dim]{skipped} check(s) skipped: {_text(next(c.message for c in ex.checks if c.status == 'skipped'))}[/]")
    if ex.status == "passed" or not detail:
        return
    if ex.checks and all(c.status in ("passed", "skipped") or is_import_failure(c) for c in ex.checks):
        console.print("    [dim]not run: the module could not be imported (see above)[/]")
        return
    if ex.status == "not_started":
        short = ex.id.split(".", 1)[1]
        again = again or {}
        check_it = command("check", f"ch{ex.chapter}", short, **again)
        hint_it = command("hint", ex.id, dir=again.get("dir"))
        console.print(f"    [dim]implement it, then: {escape(check_it)}   (stuck? {escape(hint_it)})[/]", soft_wrap=True)
        return
    shown = 0
    for check in ex.checks:
        if check.status in ("passed", "skipped", "not_started"):
            continue
        label = f"case {check.case}" + (" (hidden)" if check.visibility == "hidden" else "")
        if shown >= 2:
            console.print(f"    {ICON.get(check.status, '?')} {label}: {_text(check.name)} [dim]({_text(check.rerun or 'hidden case')})[/]", soft_wrap=True)
            continue
        console.print(f"    {ICON.get(check.status, '?')} {label}: {_text(check.name)}")
        console.print(escape(_indent(check.message, "      ")))
        if check.warnings:
            console.print(escape(_indent("warnings: " + "; ".join(check.warnings), "      ")), style="yellow")
        if check.output.strip():
            console.print("      [dim]your code printed:[/]")
            console.print(escape(_indent(check.output.strip()[-1200:], "      │ ")), style="dim")
        if check.rerun:
            console.print(f"      [dim]rerun just this case:[/] {_text(check.rerun)}", soft_wrap=True)
        shown += 1
    not_started = [c for c in ex.checks if c.status == "not_started"]
    if not_started:
        console.print(f"    [dim]{len(not_started)} check(s) not started: a function still raises NotImplementedError[/]")


def report(console: Console, rep: Report, *, title: str = "", again: dict | None = None, sources: dict | None = None) -> None:
    """``sources``: chapter number -> (module file name, its bytes), to show an import error once."""
    if title:
        console.print(f"[bold]{escape(title)}[/]")
    failures = import_failures(rep)
    for ex in rep.exercises:
        if ex.chapter in failures:
            message, diagnostic = failures.pop(ex.chapter)
            filename, source = (sources or {}).get(ex.chapter, (f"chapter {ex.chapter}'s module", None))
            console.print(f"[red]![/] {_text(import_block(filename, source, message, diagnostic)[0])}")
            for line in import_block(filename, source, message, diagnostic)[1:]:
                console.print(_text("  " + line), style="red")
        exercise(console, ex, again=again)
    counts: dict[str, int] = {}
    for ex in rep.exercises:
        counts[ex.status] = counts.get(ex.status, 0) + 1
    summary = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in counts.items())
    console.print(f"\n[bold]Score {points(rep.score)} / {points(rep.max_score)}[/]  ({summary}; {rep.elapsed:.2f} s)")
    for note in rep.notes:
        console.print(f"[dim]{_text(note)}[/]")
