"""A chapter module that cannot be imported, shown once, the way Python shows it.

Every check of such a module fails with the same import error; the terminal
shows it once per chapter: ``File "...", line N``, the line, a caret under the
fault and ``SyntaxError: ...``, trimmed to the student's own lines (at most
:data:`MAX_LINES`). A syntax error is found again by compiling the student's
source here (compiling runs nothing); a file that is not UTF-8 is told to be
saved as UTF-8; other import errors come from the frames the child reported,
which are already limited to the student's files.
"""

from __future__ import annotations

import traceback

MAX_LINES = 15


def not_utf8(source: bytes) -> str:
    """Why ``source`` is not UTF-8 (``""`` when it is)."""
    try:
        source.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = source[: exc.start].count(b"\n") + 1
        return f"line {line} has the byte 0x{source[exc.start]:02x}, which is not UTF-8"
    return ""


def _syntax_lines(source: bytes, filename: str) -> list[str]:
    try:
        compile(source, filename, "exec", dont_inherit=True)
    except SyntaxError as exc:
        return "".join(traceback.format_exception_only(type(exc), exc)).rstrip("\n").splitlines()
    except (ValueError, MemoryError, RecursionError):  # null bytes, absurd nesting
        return []
    return []


def _frame_lines(diagnostic: dict, first_line: str) -> list[str]:
    frames = [f for f in diagnostic.get("traceback") or [] if isinstance(f, (list, tuple)) and len(f) == 4]
    lines = ["Traceback (most recent call last):"] if frames else []
    for fname, lineno, func, text in frames[-4:]:
        lines.append(f'  File "{fname}", line {lineno}, in {func}')
        if text:
            lines.append(f"    {text}")
    return lines + [first_line]


def import_block(filename: str, source: bytes | None, message: str, diagnostic: dict) -> list[str]:
    """The lines that explain why ``filename`` could not be imported."""
    head = f"{filename} could not be imported"
    if diagnostic.get("kind") == "crash":
        lines = message.strip().splitlines()
        return lines[:1] + ["  " + line for line in lines[1:]][-(MAX_LINES - 1):]
    if source is not None:
        bad = not_utf8(source)
        if bad:
            return [f"{head}: {bad}.", "Save it as UTF-8 (in your editor: Save with Encoding / File Encoding → UTF-8) and check again."]
        lines = _syntax_lines(source, filename)
        if lines:
            return [f"{head}:", *lines][:MAX_LINES]
    # "<file> could not be imported: Type: message" then the child's frames
    first = message.split("\n", 1)[0]
    first = first.split(": ", 1)[1] if first.startswith(head) and ": " in first else first
    lines = [f"{head}:", *("  " + line for line in _frame_lines(diagnostic, first))]
    if len(lines) > MAX_LINES:
        lines = lines[:2] + ["  ..."] + lines[-(MAX_LINES - 3):]
    return lines


def is_import_failure(check) -> bool:
    """A check that failed on an import error, or on a child that died while importing."""
    kind = (check.diagnostic or {}).get("kind")
    return kind == "import" or (kind == "crash" and check.message.startswith("importing "))


def import_failures(report) -> dict[int, tuple[str, dict]]:
    """Chapter number -> (message, diagnostic) of its import error, if any check had one."""
    found: dict[int, tuple[str, dict]] = {}
    for ex in report.exercises:
        for check in ex.checks:
            if ex.chapter not in found and is_import_failure(check):
                found[ex.chapter] = (check.message, check.diagnostic or {})
    return found
