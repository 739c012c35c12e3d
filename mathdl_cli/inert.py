"""Make text a student controls inert wherever mathdl writes it.

Student code chooses what it prints, the messages of its exceptions, the names
of its files and folders (hence student ids), and strings inside its results.
All of that reaches a terminal (``mathdl check``), Markdown feedback, a CSV
gradebook and JSON files. Here it is neutralised once, in one place:

* :func:`clean`: no terminal control sequences (CSI, OSC, ...), no other C0/C1
  control characters but newline and tab, no carriage returns (which overwrite a
  terminal line), no bidirectional overrides (which reorder what a reader
  sees), no lone surrogates (which make UTF-8 writers raise).
* :func:`one_line`: a name (a student id, a file name) in a line of its own
  making: control characters and line breaks shown as escapes, not obeyed.
* :func:`md_inline`, :func:`md_code` and :func:`md_block`: Markdown whose
  structure the text cannot change: inline text with every punctuation character
  escaped; code spans and blocks in a fence longer than any run of backticks
  inside them, so they cannot be closed from inside (and a renderer's text
  filters, emoji codes, mentions, autolinks, do not reach into them).
* :func:`csv_cell`: a spreadsheet shows a cell beginning with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return as text, not a formula (prefixed
  with a single quote, the usual CSV-injection rule).

Standard library only: the grading engine imports it for every check.
"""

from __future__ import annotations

import re

# ESC-introduced sequences (CSI ... final byte, OSC/DCS/APC/PM/SOS ... ST or BEL,
# two-byte escapes) and their 8-bit C1 forms
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"  # CSI
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC, DCS, SOS, PM, APC
    r"|\x1b[ -/]*[0-~]?"  # other escapes
)
# what is left to drop: C0 controls but \t and \n, DEL, C1 controls, bidi
# embeddings/overrides/isolates, and lone surrogates
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# inline Markdown syntax (emphasis, code, links, images, HTML, tables, strikethrough,
# entities); the text never starts a line, so block syntax (#, -, 1.) needs no escape
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~!#$])")
_BACKTICKS = re.compile(r"`+")


def clean(text: str) -> str:
    """``text`` without terminal escape sequences or other control characters
    (newlines and tabs kept; carriage returns become newlines)."""
    if not isinstance(text, str):
        text = str(text)
    if text.isascii() and text.isprintable():  # the common case, at C speed
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ESCAPES.sub("", text)
    return _CONTROLS.sub("", text)


_BREAKS_AND_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def one_line(text: str) -> str:
    """``text`` (a student id, a file name) for one line of a terminal or a log: every
    control character, line break (newline, carriage return, U+2028) and bidi control
    shown as its escape (``\\n``, ``\\x1b``, ``\\u202e``), so it can neither start
    a line of its own nor restyle one, and two names that differ only there still read
    differently."""
    if not isinstance(text, str):
        text = str(text)
    if text.isascii() and text.isprintable():
        return text
    return _BREAKS_AND_CONTROLS.sub(lambda m: m.group().encode("unicode_escape", "backslashreplace").decode("ascii"), text)


def clean_tree(value):
    """:func:`clean` applied to every string in a JSON-like tree."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {clean(str(k)): clean_tree(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_tree(v) for v in value]
    return value


def shorten(text: str, limit: int, *, keep: str = "head") -> str:
    """At most ``limit`` characters, saying how many were left out."""
    if len(text) <= limit:
        return text
    note = f"[... {len(text) - limit} more characters not shown]"
    return text[:limit] + "\n" + note if keep == "head" else note + "\n" + text[-limit:]


def md_inline(text: str) -> str:
    """Text for one line of Markdown: cleaned, on one line, every character that
    Markdown or HTML could read as syntax escaped with a backslash."""
    one_line = " ".join(clean(text).split())
    return _MD_SPECIAL.sub(r"\\\1", one_line)


def _fence(text: str, shortest: int) -> str:
    """Backticks longer than any run of them in ``text`` (at least ``shortest``): a fence the text cannot close."""
    return "`" * max(shortest, max((len(m) for m in _BACKTICKS.findall(text)), default=0) + 1)


def md_code(text: str) -> str:
    """Text for one line of Markdown as a code span: shown as written (cleaned, on one
    line), in a fence of backticks longer than any run inside it. Nothing in a code span
    is syntax, and renderers' text filters (GitHub's :emoji: codes, @mentions, #123
    references, autolinked addresses) leave it alone: for names a student chooses."""
    one_line = " ".join(clean(text).split()) or " "
    fence = _fence(one_line, 1)
    pad = " " if one_line[0] == "`" or one_line[-1] == "`" else ""
    return f"{fence}{pad}{one_line}{pad}{fence}"


def md_block(text: str, indent: str = "", info: str = "text") -> list[str]:
    """Lines of a fenced code block holding ``text`` verbatim (cleaned): the fence
    is longer than any run of backticks in the text, so no line of it can close
    the block, and nothing inside is rendered (no headings, links or HTML)."""
    body = clean(text)
    fence = _fence(body, 3)
    return [f"{indent}{fence}{info}", *(indent + line for line in body.split("\n")), f"{indent}{fence}"]


def csv_cell(value):
    """A CSV cell a spreadsheet shows as text: strings beginning with ``=``, ``+``,
    ``-``, ``@`` (after any spaces), a tab, a carriage return or other white space
    get a leading single quote."""
    if isinstance(value, str):
        value = clean(value)  # first: removing a control character could expose a "="
        if value[:1].isspace() or value.lstrip()[:1] in ("=", "+", "-", "@"):
            return "'" + value
    return value
