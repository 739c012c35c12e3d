"""Plots: every hook renders a valid PNG from the reference, a buggy variant's
curve differs, and the CLI writes and lists them."""

import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("matplotlib")  # the plots extra: in dev, so present in CI

from mathdl_cli.plots import hooks, render  # noqa: E402
from support import course, mutant_source, mutants, reference_source  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PLOTTED = [(ch.short, short) for ch in course.chapters for short in hooks(course, ch)]


def test_some_exercises_have_plots():
    assert ("ch2", "gd_least_squares") in PLOTTED and ("ch2", "poly_design") in PLOTTED


# The rate plots of Part 2: on the reference (fixed public seed), the numbers its legend
# shows must be the theorem's. (legend entry, the word the number follows, low, high).
THEORY = {
    ("ch16", "relu_interpolant"): [(0, "slope", 1.95, 2.05), (1, "slope", 1.95, 2.05)],
    ("ch16", "random_features"): [(0, "slope", -math.inf, -0.5)],
    ("ch17", "gd_quadratic_rate"): [(0, "factor", 0.66, 0.82), (3, "contraction_factor =", 0.66, 0.82)],
    ("ch17", "convex_sublinear"): [(0, "slope", -1.05, -0.95), (0, "bound", 0.0, 1.0), (1, "slope", -1.05, -0.95)],
    ("ch18", "robbins_monro_rate"): [(0, "slope", -1.15, -0.85), (2, "slope", -0.65, -0.35)],
    ("ch18", "polyak_averaging"): [(0, "slope", -1.15, -0.85), (0, "σ² =", 0.8, 1.25), (3, "slope", -0.8, -0.45)],
    ("ch19", "wide_network_tracks_kernel"): [(0, "slope", -0.6, -0.4), (1, "slope", -1.2, -0.3)],
    ("ch20", "output_scaling"): [(0, "slope", -0.15, 0.15), (2, "slope", -0.65, -0.35), (4, "slope", -1.15, -0.85)],
    ("ch20", "lln_convergence"): [(0, "slope", -0.7, -0.3), (2, "slope", -0.2, 0.2)],
    ("ch22", "ode_solvers"): [(0, "slope", 0.9, 1.1), (0, "empirical_order", 0.9, 1.1), (2, "slope", 3.8, 4.2), (2, "empirical_order", 3.8, 4.2)],
}


def test_part2_rate_exercises_have_plots():
    assert set(THEORY) <= set(PLOTTED)


def legend_number(text: str, after: str) -> float:
    found = re.search(re.escape(after) + r"[^0-9-]*(-?\d+\.\d+)", text)
    assert found, f"no number after {after!r} in {text!r}"
    return float(found.group(1))


def assert_png(path: Path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
    import matplotlib.image

    pixels = matplotlib.image.imread(str(path))
    assert pixels.ndim == 3 and pixels.shape[0] > 200 and pixels.shape[1] > 300
    assert np.ptp(pixels[..., :3]) > 0.5  # something is drawn, not a blank canvas


@pytest.mark.parametrize("chapter,short", PLOTTED)
def test_plot_renders_and_a_buggy_variant_differs(tmp_path, chapter, short):
    ch = course.chapter(chapter)
    ex = ch.exercise(short)
    (ref,) = render(course, {ch: reference_source(course, ch).encode()}, [ex], tmp_path / "ref")
    assert ref.error == "" and ref.path == tmp_path / "ref" / f"{ex.id}.png"
    assert_png(ref.path)
    assert ref.legend and all(ref.yours[k].size and np.all(np.isfinite(ref.yours[k])) for k in ref.yours)
    for entry, after, low, high in THEORY.get((chapter, short), []):
        assert low <= legend_number(ref.legend[entry], after) <= high, (ref.legend[entry], after, low, high)
    differs = []
    for m in (m for m in mutants(course, ch) if m.exercise == short):
        (bad,) = render(course, {ch: mutant_source(course, m).encode()}, [ex], tmp_path / m.name)
        if bad.error:
            continue  # the bug stops the curve altogether: the student sees why
        assert_png(bad.path)
        if any(bad.yours[k].shape != ref.yours[k].shape or not np.allclose(bad.yours[k], ref.yours[k], rtol=1e-6, atol=1e-9) for k in ref.yours):
            differs.append(m.name)
            break  # one buggy curve that differs is the point; the rest would only cost time
    assert differs, f"no mutant of {ex.id} changes its plotted curve"


def test_a_failing_function_is_reported_not_plotted(tmp_path):
    ch = course.chapter("ch2")
    src = reference_source(course, ch) + "\n\ndef gd_least_squares(X, y, theta0, lr, n_steps):\n    raise ValueError('no descent today')\n"
    (res,) = render(course, {ch: src.encode()}, [ch.exercise("gd_least_squares")], tmp_path)
    assert res.path is None and "ValueError: no descent today" in res.error
    assert not list(tmp_path.glob("*.png"))


def test_a_function_whose_parameters_do_not_fit_says_so_not_plotted(tmp_path):
    """gd_least_squares without n_steps: the plot says the call never started and gives the
    stub's signature (as check does), not a frame of mathdl's child."""
    ch = course.chapter("ch2")
    src = reference_source(course, ch) + "\n\ndef gd_least_squares(X, y, theta0, lr):\n    return theta0\n"
    (res,) = render(course, {ch: src.encode()}, [ch.exercise("gd_least_squares")], tmp_path)
    assert res.path is None and "your gd_least_squares(X, y, theta0, lr) cannot take the arguments it was called with" in res.error
    assert "The exercise's signature is gd_least_squares(X: np.ndarray" in res.error and "child.py" not in res.error


def mathdl(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "mathdl_cli", *map(str, args)], capture_output=True, text=True, timeout=300, cwd=cwd, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_check_plot_and_plot_command_write_pngs_into_the_workbook(tmp_path):
    ch = course.chapter("ch2")
    (tmp_path / ch.filename).write_text(reference_source(course, ch))
    res = mathdl("check", "ch2", "--dir", tmp_path, "--plot", "--json")
    assert res.returncode == 0, res.stderr
    plots = json.loads(res.stdout)["plots"]
    assert {p["exercise"] for p in plots} == {f"ch02.{s}" for c, s in PLOTTED if c == "ch2"}
    for p in plots:
        assert Path(p["path"]).parent == tmp_path / "plots"
        assert_png(Path(p["path"]))
    res = mathdl("plot", "gd_least_squares", "--dir", tmp_path)
    assert res.returncode == 0 and "plots/ch02.gd_least_squares.png" in res.stdout and "factor" in res.stdout
    res = mathdl("plot", "ch02.ridge", "--dir", tmp_path)
    assert res.returncode == 2 and "has no plot" in res.stderr and "gd_least_squares" in res.stderr
    res = mathdl("plot", "ch2", "--dir", tmp_path, "--json")  # a chapter: every plot it has
    assert res.returncode == 0, res.stderr
    assert {p["exercise"] for p in json.loads(res.stdout)["plots"]} == {f"ch02.{s}" for c, s in PLOTTED if c == "ch2"}
    res = mathdl("plot", "ch3", "--dir", tmp_path)
    assert res.returncode == 2 and "chapter 3 has no plot" in " ".join(res.stderr.split())
    (tmp_path / ch.filename).write_text("def gd_least_squares(X, y, theta0, lr, n_steps):\n    raise NotImplementedError\n")
    res = mathdl("plot", "gd_least_squares", "--dir", tmp_path)
    assert res.returncode == 1 and "not implemented" in res.stderr

