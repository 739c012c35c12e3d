"""The course catalog: chapters and exercises, loaded from the chapters' YAML.

Each chapter lives in ``exercises/chNN_<slug>/chapter.yaml`` (plus an optional
``provided.py`` of helper code copied into the student's module). That YAML is
the single source of truth for ids, titles, points, signatures, tolerances and
hints; stubs, listings, grader markers and docs are derived from it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
SIG_RE = re.compile(r"^\(.*\)(\s*->\s*.+)?$", re.S)


class CatalogError(Exception):
    """The course metadata is malformed. The message names file, key and expectation."""


class LookupFailed(Exception):
    """A chapter or exercise name given by the user matched nothing (or too much)."""


@dataclass(frozen=True)
class Tol:
    rtol: float
    atol: float

    def describe(self) -> str:
        return f"rtol {self.rtol:g}, atol {self.atol:g}"


@dataclass(frozen=True)
class FunctionSpec:
    name: str
    signature: str
    doc: str
    returns: tuple[str, ...] = ()

    def stub_def(self) -> str:
        return f"def {self.name}{self.signature}:"


@dataclass(eq=False)
class Exercise:
    chapter: "Chapter"
    short: str
    title: str
    section: str
    points: float
    functions: list[FunctionSpec]
    hints: list[str]
    tolerances: dict[str, Any]
    timeout: float = 10.0
    note: str = ""
    programs: list[str] = field(default_factory=list)  # provided functions the graders run (see Chapter.provided_function)
    torch_override: bool | None = None  # the YAML's needs_torch for this exercise; None: the chapter's (see needs_torch)

    @property
    def id(self) -> str:
        return f"ch{self.chapter.number:02d}.{self.short}"

    @property
    def needs_torch(self) -> bool:
        """Whether the child must have torch for this exercise's checks: its own
        ``needs_torch`` in the YAML (a numpy exercise of a torch chapter says false),
        else its chapter's."""
        return self.chapter.needs_torch if self.torch_override is None else self.torch_override

    def tol(self, name: str = "default") -> Tol:
        value = self.tolerances.get(name)
        if not isinstance(value, Tol):
            raise KeyError(f"{self.id} has no tolerance set {name!r}")
        return value

    def function(self, name: str) -> FunctionSpec | None:
        spec = next((f for f in self.functions if f.name == name), None)
        if spec is None and name in self.programs:
            spec = self.chapter.provided_function(name)
        return spec


@dataclass(eq=False)
class Chapter:
    number: int
    slug: str
    title: str
    summary: str
    book: dict[str, str]
    imports: list[str]
    directory: Path
    needs_torch: bool = False
    exercises: list[Exercise] = field(default_factory=list)
    shared: list[str] = field(default_factory=list)  # helper files from exercises/_provided/

    @property
    def module(self) -> str:
        """Name of the workbook module (without .py)."""
        return f"ch{self.number:02d}_{self.slug}"

    @property
    def filename(self) -> str:
        return self.module + ".py"

    @property
    def short(self) -> str:
        return f"ch{self.number}"

    @property
    def provided(self) -> str:
        """Helper code given, implemented, to students: the shared helper files the
        YAML names (exercises/_provided/<name>.py), then the chapter's provided.py."""
        paths = [self.directory.parent / "_provided" / f"{name}.py" for name in self.shared]
        paths.append(self.directory / "provided.py")
        return "\n\n".join(p.read_text(encoding="utf-8") for p in paths if p.exists())

    def provided_function(self, name: str) -> FunctionSpec | None:
        """A function of the provided helper code, as a spec (signature and
        docstring read from the code). An exercise's ``programs`` name such
        functions: implemented for the student, they call the student's own
        functions, and graders may run them (chapter 23 runs them on every rank
        of a process group, since torch objects cannot cross the process boundary)."""
        import ast

        for node in ast.parse(self.provided).body:
            if isinstance(node, ast.FunctionDef) and node.name == name:
                args = ast.unparse(node.args)
                returns = f" -> {ast.unparse(node.returns)}" if node.returns is not None else ""
                return FunctionSpec(name=name, signature=f"({args}){returns}", doc=ast.get_docstring(node) or "")
        return None

    def exercise(self, name: str) -> Exercise:
        name = name.strip()
        for ex in self.exercises:
            if name in (ex.short, ex.id) or name == f"{self.short}.{ex.short}":
                return ex
        known = ", ".join(ex.short for ex in self.exercises)
        raise LookupFailed(f"chapter {self.number} has no exercise {name!r}; its exercises are: {known}")

    def function_owner(self, func: str) -> Exercise | None:
        return next((ex for ex in self.exercises if ex.function(func)), None)


FOLDER_RE = re.compile(r"^ch(\d{2})_([a-z][a-z0-9_]*)$")


@dataclass(eq=False)
class Course:
    """The chapters of a course. A chapter's YAML is read when it is first
    needed, so checking one chapter never parses (or trips over) the others."""

    root: Path
    folders: dict[int, Path]  # chapter number -> exercises/chNN_<slug>
    _loaded: dict[int, Chapter] = field(default_factory=dict)

    @property
    def exercises_dir(self) -> Path:
        return self.root / "exercises"

    @property
    def graders_dir(self) -> Path:
        return self.root / "graders"

    @property
    def solutions_dir(self) -> Path:
        return self.root / "solutions_private"

    @property
    def has_solutions(self) -> bool:
        return self.solutions_dir.is_dir()

    def load(self, number: int) -> Chapter:
        chapter = self._loaded.get(number)
        if chapter is None:
            chapter = self._loaded[number] = load_chapter(self.folders[number] / "chapter.yaml")
        return chapter

    @property
    def chapters(self) -> list[Chapter]:
        return [self.load(n) for n in sorted(self.folders)]

    def numbered(self, numbers) -> list[Chapter]:
        """The chapters with these numbers, in course order; only their YAML is read
        (reading every chapter's costs about 10 ms)."""
        return [self.load(n) for n in sorted(self.folders) if n in numbers]

    def module_names(self) -> dict[int, str]:
        """Chapter number -> workbook module name, without reading any YAML."""
        return {n: folder.name for n, folder in sorted(self.folders.items())}

    def chapter(self, name: str | int) -> Chapter:
        """Resolve ``ch6``, ``ch06``, ``6`` or a slug such as ``backprop``."""
        text = str(name).strip().lower()
        m = re.fullmatch(r"(?:ch(?:apter)?)?0*(\d+)", text)
        for number, folder in sorted(self.folders.items()):
            slug = FOLDER_RE.match(folder.name).group(2)
            if (m and int(m.group(1)) == number) or text in (slug, folder.name):
                return self.load(number)
        known = ", ".join(f"ch{n} ({FOLDER_RE.match(f.name).group(2)})" for n, f in sorted(self.folders.items()))
        raise LookupFailed(f"unknown chapter {name!r}. Chapters: {known}. Run `mathdl list` to see them all.")

    def exercise(self, name: str, chapter: Chapter | None = None) -> Exercise:
        """Resolve a full id (``ch06.mlp_backward``) or a short name."""
        text = name.strip()
        if chapter is not None:
            return chapter.exercise(text)
        if "." in text:
            head, _, tail = text.partition(".")
            return self.chapter(head).exercise(tail)
        hits = [ex for ch in self.chapters for ex in ch.exercises if ex.short == text]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            ids = ", ".join(ex.id for ex in hits)
            raise LookupFailed(f"{name!r} is ambiguous: {ids}. Give the full id.")
        raise LookupFailed(f"unknown exercise {name!r}. Run `mathdl list` to see exercise ids.")

    def all_exercises(self) -> list[Exercise]:
        return [ex for ch in self.chapters for ex in ch.exercises]


# ---------------------------------------------------------------------------
# loading and validation


def preload_for(chapters, exercises=None) -> tuple[str, ...]:
    """What children grading these chapters import before their first call: torch
    when a chapter's metadata says it needs it (``needs_torch``), else nothing
    beyond numpy (a zygote that has imported torch then serves them). With
    ``exercises`` (a check of some exercises only), torch only if one of those
    needs it: a numpy exercise of a torch chapter starts in a fifth of the time."""
    if exercises:
        return ("torch",) if any(ex.needs_torch for ex in exercises) else ()
    return ("torch",) if any(ch.needs_torch for ch in chapters) else ()


def ahead_for(chapters) -> tuple[str, ...]:
    """What the checks of these chapters will make a child import on top of numpy, so
    that it can do so ahead (Sandbox.load_ahead): numpy.random, imported on the first
    Generator argument (about 10 ms), where a function takes one."""
    takes = any("Generator" in fn.signature for ch in chapters for ex in ch.exercises for fn in ex.functions)
    return ("numpy.random",) if takes else ()


def course_root() -> Path:
    """Where exercises/ and graders/ live: $MATHDL_COURSE, the wheel, or the checkout."""
    env = os.environ.get("MATHDL_COURSE")
    if env:
        return Path(env).resolve()
    pkg = Path(__file__).resolve().parent
    bundled = pkg / "_course"
    if (bundled / "exercises").is_dir():
        return bundled
    return pkg.parent


@lru_cache(maxsize=4)
def load_course(root: Path | None = None) -> Course:
    root = Path(root) if root is not None else course_root()
    exdir = root / "exercises"
    if not exdir.is_dir():
        raise CatalogError(f"no exercises/ folder in {root} (set MATHDL_COURSE to a course folder)")
    folders: dict[int, Path] = {}
    for path in sorted(exdir.glob("ch*/chapter.yaml")):
        m = FOLDER_RE.match(path.parent.name)
        if not m:
            raise CatalogError(f"{path}: the folder must be named chNN_<slug> (two digits, a lowercase slug)")
        number = int(m.group(1))
        if number in folders:
            raise CatalogError(f"{path}: chapter {number} is also in {folders[number] / 'chapter.yaml'}")
        folders[number] = path.parent
    return Course(root=root, folders=folders)


# chapter.yaml as already parsed, keyed by the YAML's hash: importing PyYAML and
# parsing cost ~30 ms, a tenth of ``mathdl check``. ``mathdl record`` writes it;
# a stale or missing one is ignored (the YAML is parsed), so it never decides anything.
PARSED_NAME = "_chapter.json"


def _yaml_load(path: Path) -> Any:
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    try:
        parsed = json.loads((path.parent / PARSED_NAME).read_bytes())
        if isinstance(parsed, dict) and parsed.get("yaml_sha256") == digest:
            return parsed["data"]
    except (OSError, ValueError, KeyError):
        pass
    return _yaml_parse(path, raw)


def _yaml_parse(path: Path, raw: bytes) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(raw.decode("utf-8"), Loader=loader)
    except UnicodeDecodeError as exc:
        raise CatalogError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path}: not valid YAML: {exc}") from None


def _parsed_form(chapter_yaml: Path) -> dict:
    raw = chapter_yaml.read_bytes()
    return {"yaml_sha256": hashlib.sha256(raw).hexdigest(), "data": _yaml_parse(chapter_yaml, raw)}


def write_parsed(chapter_yaml: Path) -> None:
    """Store chapter.yaml's parsed form beside it (see PARSED_NAME)."""
    doc = _parsed_form(chapter_yaml)
    (chapter_yaml.parent / PARSED_NAME).write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def parsed_is_current(chapter_yaml: Path) -> bool:
    try:
        parsed = json.loads((chapter_yaml.parent / PARSED_NAME).read_bytes())
    except (OSError, ValueError):
        return False
    return parsed == _parsed_form(chapter_yaml)


class _Ctx:
    """Validation helper that names the file and key path in every error."""

    def __init__(self, path: Path):
        self.path = path

    def fail(self, key: str, expected: str, got: Any) -> CatalogError:
        shown = repr(got)
        if len(shown) > 60:
            shown = shown[:57] + "..."
        return CatalogError(f"{self.path}: {key}: expected {expected}, got {shown}")

    def get(self, data: dict, key: str, where: str, kind: type | tuple, expected: str, default: Any = ...) -> Any:
        full = f"{where}.{key}" if where else key
        if key not in data:
            if default is ...:
                raise CatalogError(f"{self.path}: {full}: missing (expected {expected})")
            return default
        value = data[key]
        if not isinstance(value, kind) or (kind in (int, float, (int, float)) and isinstance(value, bool)):
            raise self.fail(full, expected, value)
        return value

    def number(self, data: dict, key: str, where: str, default: Any = ..., positive: bool = True) -> float:
        full = f"{where}.{key}" if where else key
        if key not in data:
            if default is ...:
                raise CatalogError(f"{self.path}: {full}: missing (expected a number)")
            return default
        value = data[key]
        if isinstance(value, str):  # YAML 1.1 reads 1e-8 as a string
            try:
                value = float(value)
            except ValueError:
                raise self.fail(full, "a number", data[key]) from None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(full, "a number", value)
        if positive and value <= 0:
            raise self.fail(full, "a positive number", value)
        return float(value)


def load_chapter(path: Path) -> Chapter:
    ctx = _Ctx(path)
    data = _yaml_load(path)
    if not isinstance(data, dict):
        raise ctx.fail("(top level)", "a mapping with keys number, slug, title, exercises", data)
    allowed = {"number", "slug", "title", "summary", "book", "imports", "needs_torch", "provided", "exercises"}
    for key in data:
        if key not in allowed:
            raise CatalogError(f"{path}: {key}: unknown key (allowed: {', '.join(sorted(allowed))})")
    number = ctx.get(data, "number", "", int, "the chapter number, an integer")
    slug = ctx.get(data, "slug", "", str, "a lowercase identifier such as 'backprop'")
    if not ID_RE.match(slug):
        raise ctx.fail("slug", "a lowercase identifier such as 'backprop'", slug)
    expected_dir = f"ch{number:02d}_{slug}"
    if path.parent.name != expected_dir:
        raise CatalogError(f"{path}: the folder should be named {expected_dir} (from number and slug)")
    book = ctx.get(data, "book", "", dict, "a mapping of book to section, e.g. {ams: 'Ch. 6'}", {})
    imports = ctx.get(data, "imports", "", list, "a list of import lines", ["import numpy as np"])
    chapter = Chapter(
        number=number,
        slug=slug,
        title=ctx.get(data, "title", "", str, "the chapter title"),
        summary=ctx.get(data, "summary", "", str, "a paragraph of text", ""),
        book={str(k): str(v) for k, v in book.items()},
        imports=[str(x) for x in imports],
        directory=path.parent,
        needs_torch=ctx.get(data, "needs_torch", "", bool, "true or false", False),
        shared=[str(x) for x in ctx.get(data, "provided", "", list, "a list of helper names from exercises/_provided/", [])],
    )
    for name in chapter.shared:
        if not (path.parent.parent / "_provided" / f"{name}.py").exists():
            raise CatalogError(f"{path}: provided: no helper file exercises/_provided/{name}.py")
    raw = ctx.get(data, "exercises", "", list, "a list of exercises")
    if not raw:
        raise ctx.fail("exercises", "at least one exercise", raw)
    for i, item in enumerate(raw):
        chapter.exercises.append(_load_exercise(ctx, chapter, item, f"exercises[{i}]"))
    shorts = [ex.short for ex in chapter.exercises]
    dup = {s for s in shorts if shorts.count(s) > 1}
    if dup:
        raise CatalogError(f"{path}: exercises: duplicate id(s) {', '.join(sorted(dup))}")
    funcs = [f.name for ex in chapter.exercises for f in ex.functions]
    dupf = {f for f in funcs if funcs.count(f) > 1}
    if dupf:
        raise CatalogError(f"{path}: functions: name(s) used by two exercises: {', '.join(sorted(dupf))}")
    return chapter


def _load_exercise(ctx: _Ctx, chapter: Chapter, item: Any, where: str) -> Exercise:
    if not isinstance(item, dict):
        raise ctx.fail(where, "a mapping with id, title, points, functions, hints", item)
    short = ctx.get(item, "id", where, str, "a lowercase identifier")
    if not ID_RE.match(short):
        raise ctx.fail(f"{where}.id", "a lowercase identifier", short)
    where = f"{where} ({short})"
    allowed = {"id", "title", "section", "points", "timeout", "tolerances", "functions", "hints", "note", "programs", "needs_torch"}
    for key in item:
        if key not in allowed:
            raise CatalogError(f"{ctx.path}: {where}.{key}: unknown key (allowed: {', '.join(sorted(allowed))})")
    tolerances: dict[str, Any] = {}
    raw_tol = ctx.get(item, "tolerances", where, dict, "a mapping of name to {rtol, atol}", {})
    for name, spec in raw_tol.items():
        key = f"{where}.tolerances.{name}"
        if not isinstance(spec, dict):
            raise ctx.fail(key, "a mapping such as {rtol: 1.0e-10, atol: 1.0e-12}", spec)
        if set(spec) == {"rtol", "atol"}:
            tolerances[name] = Tol(ctx.number(spec, "rtol", key, positive=False), ctx.number(spec, "atol", key, positive=False))
        else:  # named scalars, e.g. {rel: 1.0e-6} for a gradient check
            tolerances[name] = {k: ctx.number(spec, k, key, positive=False) for k in spec}
    if "default" not in tolerances:
        raise CatalogError(f"{ctx.path}: {where}.tolerances.default: missing (every exercise states its rtol and atol)")
    functions = []
    raw_funcs = ctx.get(item, "functions", where, list, "a list of functions")
    if not raw_funcs:
        raise ctx.fail(f"{where}.functions", "at least one function", raw_funcs)
    for j, f in enumerate(raw_funcs):
        fw = f"{where}.functions[{j}]"
        if not isinstance(f, dict):
            raise ctx.fail(fw, "a mapping with name, signature, doc", f)
        name = ctx.get(f, "name", fw, str, "a function name")
        if not ID_RE.match(name):
            raise ctx.fail(f"{fw}.name", "a Python identifier in lowercase", name)
        sig = ctx.get(f, "signature", fw, str, "a signature such as '(x: np.ndarray) -> float'").strip()
        if not SIG_RE.match(sig):
            raise ctx.fail(f"{fw}.signature", "a signature such as '(x: np.ndarray) -> float'", sig)
        returns = f.get("returns", [])
        if isinstance(returns, str):
            returns = [returns]
        if not isinstance(returns, list) or not all(isinstance(r, str) for r in returns):
            raise ctx.fail(f"{fw}.returns", "a list of quantity names", returns)
        doc = ctx.get(f, "doc", fw, str, "the docstring: the maths and every argument's shape")
        functions.append(FunctionSpec(name=name, signature=sig, doc=doc.rstrip(), returns=tuple(returns)))
    programs = ctx.get(item, "programs", where, list, "a list of names of functions in the chapter's provided code", [])
    for name in programs:
        if not isinstance(name, str) or chapter.provided_function(name) is None:
            raise ctx.fail(f"{where}.programs", "names of functions defined in the chapter's provided code", name)
    hints = ctx.get(item, "hints", where, list, "a list of hint texts")
    if len(hints) < 2 or not all(isinstance(h, str) and h.strip() for h in hints):
        raise ctx.fail(f"{where}.hints", "at least two non-empty hint texts", hints)
    return Exercise(
        chapter=chapter,
        short=short,
        title=ctx.get(item, "title", where, str, "a title"),
        section=str(item.get("section", "")),
        points=ctx.number(item, "points", where),
        functions=functions,
        hints=[h.strip() for h in hints],
        tolerances=tolerances,
        timeout=ctx.number(item, "timeout", where, 10.0),
        note=str(item.get("note", "")),
        programs=list(programs),
        torch_override=ctx.get(item, "needs_torch", where, bool, "true or false", None),
    )
