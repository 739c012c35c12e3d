"""Render a chapter's student module from its metadata."""

from __future__ import annotations

import textwrap

from .catalog import Chapter

RULE = "# " + "-" * 75


def _docstring(text: str, indent: str = "    ") -> str:
    body = text.strip("\n").replace('"""', '\\"\\"\\"')
    return indent + 'r"""' + textwrap.indent(body, indent).lstrip() + "\n" + indent + '"""'


def stub_source(chapter: Chapter) -> str:
    """The module a student receives from ``mathdl new``: every function a stub."""
    lines = [
        '"""',
        f"Chapter {chapter.number}: {chapter.title}   (mathdl workbook module {chapter.filename})",
        "",
    ]
    if chapter.summary:
        lines += [chapter.summary.strip(), ""]
    books = "; ".join(f"{k.upper()}: {v}" for k, v in chapter.book.items())
    if books:
        lines += [f"Book sections: {books}", ""]
    lines += ["Exercises (implement the functions below, then check them):"]
    width = max(len(ex.id) for ex in chapter.exercises)
    for ex in chapter.exercises:
        lines.append(f"  {ex.id:<{width}}  {ex.title} ({ex.points:g} points)")
    lines += [
        "",
        f"  mathdl check {chapter.short}                 grade this module",
        f"  mathdl check {chapter.short} EXERCISE        grade one exercise",
        "  mathdl hint EXERCISE              a hint, one at a time",
        "",
        "Conventions: arrays are float64 numpy arrays (int64 for labels and indices);",
        "do not modify your inputs in place; keep this module self-contained",
        "(numpy, the standard library" + (", torch" if chapter.needs_torch else "") + ").",
        '"""',
        "",
        "from __future__ import annotations",
        "",
    ]
    lines += chapter.imports
    # the provided helpers are a module of their own (the reference runs after them), so
    # drop the import lines the stub already has
    skip = set(chapter.imports) | {"from __future__ import annotations"}
    provided = "\n".join(line for line in chapter.provided.splitlines() if line.split("#")[0].strip() not in skip).strip()
    if provided:
        lines += ["", "", RULE, "# Provided helpers (already implemented; you may use them)", RULE, "", provided]
    for ex in chapter.exercises:
        lines += ["", "", RULE, f"# {ex.id}: {ex.title}" + (f"   [{ex.section}]" if ex.section else ""), RULE]
        for fn in ex.functions:
            lines += [
                "",
                "",
                fn.stub_def(),
                _docstring(fn.doc),
                f'    raise NotImplementedError("{ex.id}: implement {fn.name}, then run `mathdl check {chapter.short} {ex.short}`")',
            ]
    return "\n".join(lines).rstrip() + "\n"
