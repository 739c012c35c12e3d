"""Regenerate the plot shown in the README: `mathdl plot gd_least_squares` on a
student module with a real bug (the intercept is never updated), from the course
repository (it reads the mutant in solutions_private/).

    python docs/make_readme_plot.py        # writes docs/plot_gd_least_squares.png
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mathdl_cli.catalog import load_course  # noqa: E402
from mathdl_cli.plots import render  # noqa: E402
from mathdl_cli.solutions import mutant_source, mutants  # noqa: E402

OUT = ROOT / "docs" / "plot_gd_least_squares.png"


def main() -> None:
    course = load_course()
    ch = course.chapter("ch2")
    bug = next(m for m in mutants(course, ch) if m.exercise == "gd_least_squares" and m.name == "intercept_frozen")
    with tempfile.TemporaryDirectory() as tmp:
        (plotted,) = render(course, {ch: mutant_source(course, bug).encode()}, [ch.exercise("gd_least_squares")], Path(tmp))
        if plotted.path is None:
            raise SystemExit(f"not plotted: {plotted.error}")
        shutil.copyfile(plotted.path, OUT)
    print(f"wrote {OUT.relative_to(ROOT)}: {'; '.join(plotted.legend)}")


if __name__ == "__main__":
    main()
