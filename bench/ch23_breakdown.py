"""Where chapter 23's grading time goes: the child's torch import, the launches of
gloo process groups (fork world_size ranks, join the group, run, collect, kill)
and everything else, for `mathdl check` (public checks) and instructor grading
(public and hidden), on the reference.

    MATHDL_ISOLATION=process python bench/ch23_breakdown.py [--repeat 3]

Prints, per mode: wall time, time of the first student call (child start plus
importing the module, i.e. torch), the number of rank launches with their total
and median time, and the rest (numpy checks, the grader's own work); then a
bare `import torch` and a bare `import numpy` for scale. Run it on an idle
machine for absolute numbers: every figure scales with the machine's load.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

from mathdl_cli.catalog import load_course
from mathdl_cli.grading.session import run_checks
from mathdl_cli.sandbox import Sandbox
from mathdl_cli.solutions import reference_source


def measure(mode: str) -> dict:
    course = load_course()
    chapter = course.chapter("ch23")
    source = reference_source(course, chapter).encode()
    launches: list[tuple[int, float]] = []
    first: list[float] = []
    original = Sandbox.call

    def timed(self, module, func, args, kwargs, **kw):
        t0 = time.perf_counter()
        reply = original(self, module, func, args, kwargs, **kw)
        took = time.perf_counter() - t0
        if kw.get("ranks"):
            launches.append((kw["ranks"]["world_size"], took))
        elif func == "__mathdl_load__":
            first.append(took)
        return reply

    Sandbox.call = timed
    try:
        t0 = time.perf_counter()
        report = run_checks(course, {chapter: source}, mode=mode, hidden_seed=lambda ex: 12345, fast=True)
        wall = time.perf_counter() - t0
    finally:
        Sandbox.call = original
    bad = [e.id for e in report.exercises if e.status != "passed"]
    if bad:
        raise SystemExit(f"the reference did not pass in {mode} mode: {bad}")
    spent = sum(t for _, t in launches)
    return {"wall": wall, "load": sum(first), "launches": len(launches), "launch_total": spent,
            "launch_median": statistics.median(t for _, t in launches) if launches else 0.0,
            "rest": wall - sum(first) - spent}


def bare(code: str) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-I", "-c", code], check=True)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    rows = {"student": [], "instructor": []}
    torch_s, numpy_s = [], []
    for _ in range(args.repeat):
        for mode in rows:
            rows[mode].append(measure(mode))
        torch_s.append(bare("import torch"))
        numpy_s.append(bare("import numpy"))
    med = statistics.median
    print(f"{'mode':<12}{'wall s':>8}{'load s':>8}{'launches':>10}{'in launches s':>15}{'per launch s':>14}{'rest s':>8}")
    for mode, runs in rows.items():
        print(f"{mode:<12}{med(r['wall'] for r in runs):>8.2f}{med(r['load'] for r in runs):>8.2f}{runs[0]['launches']:>10d}"
              f"{med(r['launch_total'] for r in runs):>15.2f}{med(r['launch_median'] for r in runs):>14.3f}{med(r['rest'] for r in runs):>8.2f}")
    print(f"bare python -I -c 'import torch': {med(torch_s):.2f} s; 'import numpy': {med(numpy_s):.2f} s")


if __name__ == "__main__":
    main()
