"""Notebooks: a chapter module built from a notebook's code cells, with line
numbers mapped back to cells, and the report rendered for Jupyter.

Only definitions are taken from the cells: imports, functions, classes and
assignments of constants (no calls) at top level (the module a student would
write), never the cells' experiments, prints, plots or training runs, nor
IPython magics and shell lines. The module
is graded like any other, in the sandboxed child; the notebook's kernel only
reads the code, it never runs it for grading.
"""

from __future__ import annotations

import ast
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from .catalog import Chapter
from .results import Report

_KEEP = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Assign, ast.AnnAssign)


@dataclass
class Cell:
    label: str  # how the student finds it: "cell 4" (position in the notebook) or "In [7]"
    source: str


@dataclass
class Built:
    """A chapter module made from cells; ``where[i]`` is the (cell label, line)
    of the module's line i + 1."""

    source: str
    where: list[tuple[str, int]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # cells that could not be parsed

    def locate(self, line: int) -> tuple[str, int] | None:
        return self.where[line - 1] if 0 < line <= len(self.where) else None


def _without_magics(source: str) -> str:
    """IPython-only lines (``%magic``, ``!shell``, ``?help``) become comments, keeping the numbering."""
    lines = []
    for line in source.splitlines():
        stripped = line.lstrip()
        lines.append("# " + line if stripped[:1] in ("%", "!") or stripped.endswith("?") and not stripped.startswith("#") else line)
    return "\n".join(lines)


def _mentions_mathdl(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Name) and n.id == "mathdl" or isinstance(n, ast.alias) and n.name.split(".")[0] in ("mathdl", "mathdl_cli") for n in ast.walk(node))


def build(cells: list[Cell]) -> Built:
    """The module: each cell's top-level definitions, in order, verbatim."""
    out: list[str] = []
    where: list[tuple[str, int]] = []
    skipped = []
    for cell in cells:
        text = _without_magics(cell.source)
        try:
            tree = ast.parse(text)
        except SyntaxError as exc:
            # kept whole, so grading reports the syntax error at its cell and line
            skipped.append(f"{cell.label}, line {exc.lineno}: {exc.msg}")
            lines = text.splitlines()
            out.extend(lines)
            where.extend((cell.label, i + 1) for i in range(len(lines)))
            continue
        lines = text.splitlines()
        for node in tree.body:
            if not isinstance(node, _KEEP) or _mentions_mathdl(node):
                continue
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and any(isinstance(n, ast.Call) for n in ast.walk(node)):
                continue  # an experiment (data, a training run), not a definition
            first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
            last = node.end_lineno or node.lineno
            out.extend(lines[first - 1 : last])
            where.extend((cell.label, n) for n in range(first, last + 1))
        if out and out[-1].strip():
            out.append("")
            where.append((cell.label, len(lines) + 1))
    return Built("\n".join(out) + "\n", where, skipped)


def read_notebook(path: Path) -> list[Cell]:
    """The code cells of an ``.ipynb`` file, labelled by their position among all cells."""
    import warnings

    import nbformat

    with warnings.catch_warnings():  # nbformat's advice on the file's own format (cells without ids, as older tools wrote them): not the student's concern
        warnings.simplefilter("ignore")
        nb = nbformat.read(str(path), as_version=4)
    return [Cell(f"cell {i}", cell.source) for i, cell in enumerate(nb.cells, 1) if cell.cell_type == "code"]


def kernel_cells() -> list[Cell]:
    """The cells this IPython kernel has run, in order, as the student typed them."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        raise RuntimeError("not running inside IPython or Jupyter")
    history = shell.user_ns.get("_ih") or shell.history_manager.input_hist_raw
    return [Cell(f"In [{n}]", text) for n, text in enumerate(history) if n and text.strip()]


def relabel(report: Report, chapter: Chapter, built: Built, origin: str = "", rerun: str = "") -> Report:
    """Point every ``<module>.py, line N`` of the report at its cell and line;
    ``rerun`` is appended to the commands that rerun a case (``--notebook F``)."""
    name = re.escape(chapter.filename)
    pattern = re.compile(rf"\"?{name}\"?, line (\d+)")
    prefix = f"{origin} " if origin else ""

    def cell_of(match: re.Match) -> str:
        place = built.locate(int(match.group(1)))
        return f"{prefix}{place[0]}, line {place[1]}" if place else match.group(0)

    def fix(value):
        if isinstance(value, str):
            return pattern.sub(cell_of, value)
        if isinstance(value, list):
            if len(value) == 4 and value[0] == chapter.filename and isinstance(value[1], int) and (place := built.locate(value[1])):
                return [f"{prefix}{place[0]}", place[1], value[2], value[3]]
            return [fix(v) for v in value]
        if isinstance(value, dict):
            return {k: fix(v) for k, v in value.items()}
        return value

    for ex in report.exercises:
        for check in ex.checks:
            check.message = fix(check.message)
            check.diagnostic = fix(check.diagnostic)
            if check.rerun and rerun:
                check.rerun += " " + rerun
    return report


# -- rich display in Jupyter --------------------------------------------------

_ICON = {"passed": "✓", "failed": "✗", "error": "!", "timeout": "⧖", "not_started": "·", "skipped": "-", "internal_error": "?"}
_COLOUR = {"passed": "#1a7f37", "failed": "#cf222e", "error": "#cf222e", "timeout": "#cf222e", "internal_error": "#8250df"}


def _failing(ex):
    return [c for c in ex.checks if c.status not in ("passed", "skipped", "not_started")]


def markdown(report: Report) -> str:
    lines = [f"**mathdl check**: score **{report.score:g} / {report.max_score:g}**", ""]
    for ex in report.exercises:
        lines.append(f"- {_ICON.get(ex.status, '?')} `{ex.id}` {ex.score:g} / {ex.max_score:g} — {ex.status.replace('_', ' ')}")
        for check in _failing(ex)[:2]:
            lines.append(f"  - case {check.case}: {check.name}")
            lines.append("    ```\n" + "\n".join("    " + l for l in check.message.splitlines()) + "\n    ```")
    lines += [f"_{n}_" for n in report.notes]
    return "\n".join(lines)


def html_report(report: Report) -> str:
    e = html.escape
    rows = []
    for ex in report.exercises:
        colour = _COLOUR.get(ex.status, "#57606a")
        detail = "".join(
            f"<div style='margin:2px 0 6px 1.5em'>case {e(c.case)}: {e(c.name)}<pre style='margin:2px 0;white-space:pre-wrap'>{e(c.message)}</pre></div>"
            for c in _failing(ex)[:2]
        )
        rows.append(
            f"<div><span style='color:{colour};font-weight:bold'>{_ICON.get(ex.status, '?')}</span> <code>{e(ex.id)}</code> "
            f"{ex.score:g} / {ex.max_score:g} <span style='color:{colour}'>{e(ex.status.replace('_', ' '))}</span></div>{detail}"
        )
    pct = 0 if report.max_score <= 0 else 100 * report.score / report.max_score
    bar = f"<div style='background:#eaeef2;width:20em;height:.6em;border-radius:.3em'><div style='background:#1a7f37;width:{pct:.1f}%;height:100%;border-radius:.3em'></div></div>"
    notes = "".join(f"<div style='color:#57606a'>{e(n)}</div>" for n in report.notes)
    return f"<div class='mathdl-report'><b>mathdl check</b>: score <b>{report.score:g} / {report.max_score:g}</b>{bar}{''.join(rows)}{notes}</div>"


# -- the Python API (``import mathdl``) -----------------------------------------


class Checked:
    """The report of ``mathdl.check``: the CLI's report (``.report``, ``.to_json()``,
    ``.score``, ``.ok`` ...), shown as HTML or Markdown in Jupyter."""

    def __init__(self, report: Report, source: str = ""):
        self.report = report
        self.source = source  # the module that was graded (built from cells, or the file's text)

    def __getattr__(self, name: str):
        return getattr(self.report, name)

    def to_json(self) -> dict:
        return self.report.to_json()

    def _repr_html_(self) -> str:
        return html_report(self.report)

    def _repr_markdown_(self) -> str:
        return markdown(self.report)

    def __repr__(self) -> str:
        from rich.console import Console

        from . import render

        import io

        console = Console(record=True, width=100, force_terminal=False, color_system=None, emoji=False, file=io.StringIO())  # see console._console
        render.report(console, self.report)
        return console.export_text()


def _in_ipython() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    return get_ipython() is not None


def check(chapter: str, exercise: str | None = None, *, dir: str | Path | None = None, notebook: str | Path | None = None, case: str | None = None, seed: int = 0) -> Checked:
    """Run a chapter's public checks and return the report.

    What is graded: the notebook file ``notebook`` (its code cells), else the
    workbook module in ``dir``, else, inside Jupyter or IPython, the cells this
    kernel has run, else the workbook module in the current folder. Student
    code runs in the sandboxed child process, never in this one.
    """
    from .catalog import load_course
    from .checking import check_sources

    course = load_course()
    ch = course.chapter(chapter)
    selected = [course.exercise(exercise, ch)] if exercise else None
    built = None
    origin = ""
    if notebook is not None:
        built, origin = build(read_notebook(Path(notebook))), Path(notebook).name
    elif dir is None and _in_ipython():
        built = build(kernel_cells())
    if built is not None:
        source = built.source
        target = origin or "this notebook's cells"
    else:
        folder = Path(dir or ".")
        path = folder / ch.filename
        if not path.is_file():
            raise FileNotFoundError(f"there is no {ch.filename} in {folder.resolve()} (run `mathdl new {ch.short} --dir {folder}`)")
        source = path.read_text(encoding="utf-8", errors="replace")
        target = str(folder.resolve())
    report = check_sources(course, {ch: source.encode()}, exercises=selected, case=case, seed=seed, target=target,
                           label=None if built is None else origin or "this notebook's code",
                           folder=Path(notebook).parent if notebook is not None else Path(dir or "."))
    if built is not None:
        relabel(report, ch, built, origin, f"--notebook {notebook}" if notebook is not None else "")
        if notebook is None:  # in the kernel, the rerun is a call of this function
            for ex in report.exercises:
                for c in ex.checks:
                    if c.rerun:
                        c.rerun = f'mathdl.check("{ch.short}", "{ex.id.split(".", 1)[1]}", case="{c.case}")'
    if case is None:
        from .workbook import NotWritable, save_progress

        try:  # beside the module or the notebook file; a kernel's cells: the kernel's folder, the notebook's as Jupyter starts it
            save_progress(folder if built is None else Path(notebook).parent if notebook is not None else Path("."), report,
                          notebook=None if built is None else origin)
        except NotWritable:
            if built is None:
                raise
    return Checked(report, source)
