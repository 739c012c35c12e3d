"""The ratios of issue 17's "Done when", paired with a bare Python start.

Each measurement is interleaved with a bare `python -I -c "import numpy"` start
(the machine's speed drifts, and it is shared: a ratio to a bare start taken at
the same moment is steadier than a time), and the medians over --repeat rounds
are printed:

  * check:   `mathdl check CH --json` on a workbook holding the reference
             (a complete chapter), ÷ bare, for every chapter of --check-chapters
             (default: every numpy chapter);                   target <= 2
             with the time the checks spend in the chapter's own code (the
             reference's functions, timed by the child around each call), the
             rest of the check's time ÷ bare (the grader's share), and the floor:
             the child's own start (Python, numpy, numpy.random where a function
             takes a Generator) plus the chapter's own code, ÷ bare (what the
             check would take if the grader cost nothing);
             and once, for --chapter, the same check as a student runs it,
             with the terminal report instead of --json (it imports rich)
  * resume:  `mathdl grade` again over a finished --out (nothing left to
             grade), ÷ bare;                                   target <= 1.5
  * grade:   `mathdl grade` of -n copies of the reference with --workers 2,
             per submission, ÷ bare;                           target <= 0.5
  * naive:   a loop running pytest on the graders once per submission
             (--naive-n of them), per submission, ÷ grade's;    target >= 15
  * torch:   `mathdl grade` of --torch-n copies of the reference of a torch
             chapter (--torch-chapter), per submission, ÷ a bare
             `python -I -c "import torch"`;                    target <= 0.5

Python's bytecode cache is on (as for an installed package; the variable
PYTHONDONTWRITEBYTECODE is dropped) and every command runs once before the
rounds. The isolation `grade` chose is printed (MATHDL_ISOLATION picks one).

    python bench/floor_speed.py [--chapter ch2] [--repeat 5] [-n 40] [--naive-n 4]
    python bench/floor_speed.py --skip naive torch --chapter ch6
    python bench/floor_speed.py --check-chapters ch6 ch9 --skip grade resume naive torch
    python bench/floor_speed.py --tree /path/to/other/checkout   # the same, for another tree
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(cmd: list[str], env: dict | None = None, ok=(0, 1), **kw) -> float:
    t0 = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, **kw)
    elapsed = time.perf_counter() - t0
    if res.returncode not in ok:
        raise SystemExit(f"{' '.join(map(str, cmd[:5]))} ... failed ({res.returncode}):\n{res.stderr[-2000:]}")
    return elapsed


def bare(module: str = "numpy") -> float:
    return timed([sys.executable, "-I", "-c", f"import {module}"])


def student_seconds(course, chapter, source: str, repeat: int = 3) -> float:
    """The time the chapter's public checks spend in the student's own functions
    (here the reference), as the child measures it around each call (median of
    ``repeat`` in-process runs of the checks, as `mathdl check` runs them): the part of
    a check's time that is the student's code, not the grader's."""
    from mathdl_cli.grading.session import run_checks
    from mathdl_cli.sandbox import box

    spent = [0.0]
    real = box.Sandbox._reply  # every reply: a call's, a batch's, each step's of Sandbox.steps

    def spy(self, *args, **kwargs):
        reply = real(self, *args, **kwargs)
        spent[0] += reply.elapsed
        return reply

    runs = []
    box.Sandbox._reply = spy
    try:
        for _ in range(repeat):
            spent[0] = 0.0
            run_checks(course, {chapter: source.encode()}, mode="student", fast=True)
            runs.append(spent[0])
    finally:
        box.Sandbox._reply = real
    return statistics.median(runs)


def child_start(chapter) -> float:
    """What the child of a check needs before the chapter's first call, timed alone: a
    Python without site that imports numpy (and numpy.random where a function takes a
    Generator), as the sandbox starts it. With the chapter's own code, the floor of a
    check: the time it would take if the grader cost nothing."""
    from mathdl_cli.catalog import ahead_for
    from mathdl_cli.sandbox.zygote import site_folders

    modules = ", ".join(["numpy", *ahead_for([chapter])])
    return timed([sys.executable, "-I", "-S", "-c", f"import sys; sys.path += {site_folders()!r}; import {modules}"])


FRESH_MEMORY = """
import time, numpy as np
n = 64 << 20
t = time.perf_counter(); a = np.empty(n // 8); a.fill(1.0); fresh = time.perf_counter() - t
del a
t = time.perf_counter(); a = np.empty(n // 8); a.fill(1.0); again = time.perf_counter() - t
print(fresh * 1000 / 64, again * 1000 / 64)
"""


def fresh_memory_cost() -> tuple[float, float]:
    """ms per MB to write 64 MB a new process has never used, and again once freed:
    on a virtual machine whose freed memory goes back to the host the first is
    ten times the second, and a chapter that moves large arrays pays it."""
    out = subprocess.run([sys.executable, "-I", "-c", FRESH_MEMORY], capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), float(out[1])


def paired(run, repeat: int, module: str = "numpy") -> tuple[float, float]:
    """Median of run()/bare over rounds (a bare start before each run), and the median run time."""
    ratios, times = [], []
    for _ in range(repeat):
        b = bare(module)
        t = run()
        ratios.append(t / b)
        times.append(t)
    return statistics.median(ratios), statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chapter", default="ch2", help="the chapter graded by the grade, resume and naive rows")
    parser.add_argument("--check-chapters", nargs="*", default=None, help="the chapters of the check rows (default: every chapter without torch)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("-n", type=int, default=40, help="submissions graded by mathdl grade")
    parser.add_argument("--naive-n", type=int, default=4, help="submissions graded by the naive pytest loop")
    parser.add_argument("--tree", type=Path, default=ROOT, help="the checkout whose mathdl_cli is measured")
    parser.add_argument("--torch-chapter", default="ch22")
    parser.add_argument("--torch-n", type=int, default=8, help="submissions of the torch chapter")
    parser.add_argument("--skip", nargs="*", default=[], choices=["check", "resume", "grade", "naive", "torch"])
    args = parser.parse_args()

    tree = args.tree.resolve()
    env = {**os.environ, "PYTHONPATH": str(tree), "MATHDL_COURSE": str(tree), "MATHDL_SECRET": "bench"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    sys.path.insert(0, str(tree))
    from mathdl_cli.catalog import load_course
    from mathdl_cli.solutions import reference_source

    course = load_course(tree)
    chapter = course.chapter(args.chapter)
    source = reference_source(course, chapter)
    mathdl = [sys.executable, "-m", "mathdl_cli"]
    base = Path(tempfile.mkdtemp(prefix="mathdl-floor-"))
    rows = []
    try:
        wb = base / "wb"
        wb.mkdir()
        (wb / chapter.filename).write_text(source)
        subs = base / "subs"
        for i in range(args.n):
            (subs / f"student{i:03d}").mkdir(parents=True)
            (subs / f"student{i:03d}" / chapter.filename).write_text(source)
        print(f"{tree} · chapter {chapter.module} · medians of {args.repeat} paired rounds (bare = python -I -c 'import numpy')")
        fresh, again = fresh_memory_cost()
        print(f"  memory a process has not used costs {fresh:.2f} ms per MB to write (once freed and taken again: {again:.2f})")
        timed([*mathdl, "check", args.chapter, "--dir", str(wb), "--json"], env)  # warm: bytecode caches written

        if "check" not in args.skip:
            wanted = args.check_chapters or [str(ch.number) for ch in course.chapters if not ch.needs_torch]
            checked = []
            for name in wanted:
                ch = course.chapter(name)
                folder = base / f"wb-{ch.module}"
                folder.mkdir()
                (folder / ch.filename).write_text(reference_source(course, ch))
                cmd = [*mathdl, "check", name, "--dir", str(folder), "--json"]
                timed(cmd, env)  # warm
                checked.append((ch.module, cmd))
            # interleaved: one round visits every chapter, so a slow minute of the machine is shared
            per: dict[str, list[tuple[float, float, float]]] = {module: [] for module, _ in checked}
            for _ in range(args.repeat):
                for module, cmd in checked:
                    b = bare()
                    per[module].append((timed(cmd, env), b, child_start(course.chapter(module))))
            for module, runs in per.items():
                r = statistics.median(t / b for t, b, _ in runs)
                own = student_seconds(course, course.chapter(module), reference_source(course, course.chapter(module)))
                grader = statistics.median((t - own) / b for t, b, _ in runs)
                floor = statistics.median((c + own) / b for _, b, c in runs)
                rows.append((f"check ÷ bare ({module}, complete; its own code {own * 1000:.0f} ms, the rest ÷ bare {grader:.2f}, "
                             f"floor {floor:.2f})", r, "<= 2", statistics.median(t for t, _, _ in runs)))
            if len(per) > 1:
                worst = max(rows[-len(per):], key=lambda row: row[1])
                rows.append((f"check ÷ bare, worst chapter ({worst[0].split('(')[1].split(',')[0]})", worst[1], "<= 2", worst[3]))
            terminal = [*mathdl, "check", args.chapter, "--dir", str(wb)]
            timed(terminal, env)  # warm
            r, t = paired(lambda: timed(terminal, env), args.repeat)
            rows.append((f"check ÷ bare ({chapter.module}, the terminal report, not --json)", r, "<= 2", t))
        out = base / "out"
        grade = [*mathdl, "grade", str(subs), "--out", str(out), "--workers", "2", "--json"]
        if "grade" not in args.skip or "resume" not in args.skip or "naive" not in args.skip:
            per = []
            for _ in range(max(1, args.repeat // 2)):
                shutil.rmtree(out, ignore_errors=True)
                b = bare()
                per.append((timed(grade, env) / args.n, b))
            grade_ratio = statistics.median(p / b for p, b in per)
            per_sub = statistics.median(p for p, _ in per)
            if "grade" not in args.skip:
                rows.append((f"grade per submission ÷ bare ({args.n}, 2 workers, isolation {_isolation(out)})", grade_ratio, "<= 0.5", per_sub))
        if "resume" not in args.skip:
            r, t = paired(lambda: timed(grade, env), args.repeat)
            rows.append(("resume over finished work ÷ bare", r, "<= 1.5", t))
        if "naive" not in args.skip:
            graders = tree / "graders" / chapter.module
            naive = [
                timed([sys.executable, "-m", "pytest", str(graders), "-q", "-p", "no:cacheprovider", "--mathdl-workbook",
                       str(subs / f"student{i:03d}")], env, cwd=str(base))
                for i in range(args.naive_n)
            ]
            rows.append(("naive pytest loop ÷ grade, per submission", statistics.median(naive) / per_sub, ">= 15", statistics.median(naive)))
        if "torch" not in args.skip:
            tchapter = course.chapter(args.torch_chapter)
            tsource = reference_source(course, tchapter)
            tsubs = base / "tsubs"
            for i in range(args.torch_n):
                (tsubs / f"student{i:03d}").mkdir(parents=True)
                (tsubs / f"student{i:03d}" / tchapter.filename).write_text(tsource)
            tout = base / "tout"
            tgrade = [*mathdl, "grade", str(tsubs), "--out", str(tout), "--workers", "2", "--json"]

            def torch_round() -> float:
                shutil.rmtree(tout, ignore_errors=True)
                return timed(tgrade, env) / args.torch_n

            r, t = paired(torch_round, max(1, args.repeat // 2), module="torch")
            rows.append((f"{tchapter.module}: grade per submission ÷ bare torch import ({args.torch_n}, isolation {_isolation(tout)})", r, "<= 0.5", t))
        for name, ratio, target, t in rows:
            print(f"  {name:<72} {ratio:7.2f}   (target {target}; median time {t * 1000:7.0f} ms)")
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _isolation(out: Path) -> str:
    """The isolation recorded in a grade's results (results.jsonl)."""
    import json

    seen = set()
    try:
        for line in (out / "results.jsonl").read_text().splitlines():
            seen.add(json.loads(line).get("isolation", "?"))
    except (OSError, ValueError):
        return "?"
    return ", ".join(sorted(seen)) or "?"


if __name__ == "__main__":
    main()
