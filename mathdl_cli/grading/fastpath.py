"""Run graders' checks directly: no pytest session per submission.

Batch grading, validation and ``mathdl check`` run the same checks again and
again. A pytest session (configuration, plugins, collection, reports) costs
more than most submissions' checks. Here the checks are found once, each check
function is called with the values of mathdl's fixtures (``student``, ``ref``,
``tol``, ``rng``, ``exercise``) and its parameters, and its outcome becomes a
result through the plugin's own code.

The checks are found by pytest's own collection, done once per process, or read
from ``graders/<chapter>/_recorded/_collection.json``, which ``mathdl record``
writes from that same collection (names, parameters, markers; the grader files'
hashes prove it current). Graders that use any other fixture run through pytest
as usual. ``tests/test_fastpath.py`` proves both paths give the same results.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import importlib
import inspect
import io
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from .. import wire
from ..catalog import Course
from ..results import NOT_CAUGHT
from . import checks as checking
from .errors import set_current
from .marks import forget_inert_modules

if TYPE_CHECKING:
    import pytest

CACHE_NAME = "_collection.json"
_collected: dict[tuple, list["Check"] | None] = {}


@dataclass
class Check:
    """One check: its pytest name (seeds derive from it), function, parameters and metadata."""

    name: str
    obj: Callable[..., Any]
    params: dict[str, Any]
    meta: dict[str, Any]


def _params(item: pytest.Item) -> dict[str, Any]:
    return dict(getattr(getattr(item, "callspec", None), "params", {}))


def _usable(obj: Callable[..., Any], params: dict[str, Any], fixturenames: list[str] | None = None) -> bool:
    wanted = list(inspect.signature(obj).parameters)
    # pytest adds "request" for our own fixtures; anything else (an autouse fixture,
    # a fixture of the grader's) needs pytest's machinery
    extra = set(fixturenames or ()) - set(wanted) - {"request"}
    return not extra and all(name in checking.FIXTURES or name in params for name in wanted)


def pytest_items(course: Course, files: list[Path], args: list[str]) -> list[pytest.Function] | None:
    """pytest's collection of these grader files (markers described), or None."""
    import pytest

    from . import plugin
    from .state import GradingState

    class Grab:
        def __init__(self) -> None:
            self.items: list[pytest.Item] = []

        @pytest.hookimpl(trylast=True)
        def pytest_collection_finish(self, session: pytest.Session) -> None:
            self.items = list(session.items)

    forget_inert_modules()  # graders imported without pytest: pytest must see their real marks
    state = GradingState(course=course, mode="instructor", sandbox=None, modules={})  # type: ignore[arg-type]
    grab = Grab()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = pytest.main([*args, "--collect-only"], plugins=[plugin.Inject(state), grab])
    items = [i for i in grab.items if isinstance(i, pytest.Function)]
    if code not in (0, 5) or len(items) != len(grab.items):
        return None
    return items


def collect(course: Course, files: list[Path], args: list[str]) -> list[Check] | None:
    """The checks of these grader files, or None if some check needs pytest
    itself. Cached per process; read from the recorded collection when current."""
    key = tuple((str(f), f.stat().st_mtime_ns) for f in files)
    if key not in _collected:
        checks = recorded(course, files)
        if checks is None:
            items = pytest_items(course, files, args)
            if items is not None and all(_usable(i.obj, _params(i), i.fixturenames) for i in items):
                from .plugin import META

                checks = [Check(i.name, i.obj, _params(i), i.stash[META]) for i in items]
        _collected[key] = checks
    return _collected[key]


# -- the recorded collection -------------------------------------------------------


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def collection_record(course: Course, folder: Path, args: list[str]) -> dict | None:
    """What ``mathdl record`` stores for one chapter's graders (None: not recordable)."""
    from .plugin import META

    files = sorted(folder.glob("test_*.py"))
    items = pytest_items(course, files, args)
    if items is None:
        return None
    checks = []
    for item in items:
        params = _params(item)
        if not _usable(item.obj, params, item.fixturenames):
            return None
        try:
            encoded = base64.b64encode(wire.encode(params)).decode("ascii")
        except wire.WireError:
            return None
        meta = item.stash[META]
        checks.append({
            "file": Path(item.path).name, "name": item.name, "function": item.originalname, "params": encoded,
            "hidden": meta["hidden"], "case": meta["case"], "weight": meta["weight"], "title": meta["name"],
        })
    # every module of the folder: parameters may come from its helper modules
    return {"version": 1, "files": {f.name: _digest(f) for f in sorted(folder.glob("*.py"))}, "checks": checks}


def recorded(course: Course, files: list[Path]) -> list[Check] | None:
    """The checks of these files from the recorded collection, if it is current."""
    by_folder: dict[Path, list[Path]] = {}
    for f in files:
        by_folder.setdefault(f.parent, []).append(f)
    checks: list[Check] = []
    for folder, wanted in by_folder.items():
        try:
            data = json.loads((folder / "_recorded" / CACHE_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        names = {f.name for f in wanted}
        current = {f.name: _digest(f) for f in folder.glob("*.py")}
        if data.get("version") != 1 or data.get("files") != current:
            return None
        if str(folder.parent) not in sys.path:  # as pytest's prepend import mode does
            sys.path.insert(0, str(folder.parent))
        for entry in data["checks"]:
            if entry["file"] not in names:
                continue
            module = importlib.import_module(f"{folder.name}.{Path(entry['file']).stem}")
            exercise = checking.exercise_of(folder / entry["file"])
            meta = {"exercise": exercise, "hidden": entry["hidden"], "case": entry["case"], "weight": entry["weight"], "name": entry["title"]}
            params = wire.decode(base64.b64decode(entry["params"]))
            checks.append(Check(entry["name"], getattr(module, entry["function"]), params, meta))
    return checks


# -- running -----------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def _parameters(obj: Callable[..., Any]) -> tuple[str, ...]:
    """A check function's parameter names (read once: the same checks run for every submission)."""
    return tuple(inspect.signature(obj).parameters)


def run(checks: list[Check], state: Any, first_failure: bool = False) -> None:
    """Run the selected checks against the state's submission; results go to
    state.results. With ``first_failure``, stop after the first check that fails
    (not a grader error; public checks run before hidden ones)."""
    selected = [check for check in checks if checking.wanted(state, check.meta)]
    for check in checking.in_phases(selected, lambda c: c.meta["hidden"]):
        meta = dict(check.meta)
        state.begin_phase(meta["hidden"])
        checking.begin(meta)
        outcome: BaseException | None = None
        try:
            kwargs = {
                name: check.params[name] if name in check.params else checking.fixture_value(name, state, meta, check.name)
                for name in _parameters(check.obj)
            }
            check.obj(**kwargs)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # noqa: BLE001 - every outcome becomes a result
            outcome = exc
        finally:
            set_current(None)
        verdict = ("passed", "", None, "") if outcome is None else checking.classify_exception("call", outcome)
        result = checking.make_result(meta, *verdict)
        state.results.append(result)
        if first_failure and result.status not in NOT_CAUGHT:
            break
