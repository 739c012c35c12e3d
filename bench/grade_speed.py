"""How fast does `mathdl grade` grade a class, compared with what an instructor
would otherwise write?

In one run, on N copies of a correct submission of one chapter:
  * mathdl:  `mathdl grade SUBMISSIONS --out OUT` (default workers: the cores);
  * naive:   a loop running pytest on the chapter's graders once per submission
             (`python -m pytest graders/<chapter> --mathdl-workbook SUB`), one
             submission after another, as a course's own script would;
  * bare:    `python -I -c "import numpy"`, the cost of one Python start.
Prints the per-submission wall times and the ratios naive/mathdl and
mathdl/bare. Targets: naive/mathdl >= 10 and mathdl/bare <= 1.

    python bench/grade_speed.py [--chapter ch6] [-n 40] [--naive-n 8]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mathdl_cli.catalog import load_course
from mathdl_cli.solutions import reference_source


def timed(cmd: list[str], **kw) -> float:
    t0 = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True, **kw)
    elapsed = time.perf_counter() - t0
    if res.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd[:4])} ... failed ({res.returncode}):\n{res.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chapter", default="ch6")
    parser.add_argument("-n", type=int, default=100, help="submissions graded by mathdl")
    parser.add_argument("--naive-n", type=int, default=8, help="submissions graded by the naive loop (it is slow)")
    args = parser.parse_args()

    course = load_course()
    chapter = course.chapter(args.chapter)
    source = reference_source(course, chapter)
    base = Path(tempfile.mkdtemp(prefix="mathdl-bench-"))
    try:
        subs = base / "subs"
        for i in range(args.n):
            folder = subs / f"student{i:03d}"
            folder.mkdir(parents=True)
            (folder / chapter.filename).write_text(source)

        # this machine's speed drifts: time the bare start just before and just after
        bare_runs = [timed([sys.executable, "-I", "-c", "import numpy"]) for _ in range(9)]
        mathdl_total = timed([sys.executable, "-m", "mathdl_cli", "grade", str(subs), "--out", str(base / "out"), "--secret", "bench"])
        per_mathdl = mathdl_total / args.n
        bare_runs += [timed([sys.executable, "-I", "-c", "import numpy"]) for _ in range(9)]
        bare = statistics.median(bare_runs)

        graders = course.graders_dir / chapter.module
        naive_times = []
        for i in range(args.naive_n):
            folder = subs / f"student{i:03d}"
            naive_times.append(timed([sys.executable, "-m", "pytest", str(graders), "-q", "-p", "no:cacheprovider", "--mathdl-workbook", str(folder)], cwd=str(base)))
        per_naive = statistics.mean(naive_times)

        print(f"chapter {chapter.module}: {args.n} submissions with mathdl, {args.naive_n} with the naive loop")
        print(f"bare `python -I -c 'import numpy'`:        {bare * 1000:8.1f} ms")
        print(f"mathdl grade, per submission:               {per_mathdl * 1000:8.1f} ms   (total {mathdl_total:.2f} s)")
        print(f"naive pytest loop, per submission:          {per_naive * 1000:8.1f} ms")
        print(f"ratio naive / mathdl:                       {per_naive / per_mathdl:8.1f}   (target >= 10)")
        print(f"ratio mathdl / bare numpy start:            {per_mathdl / bare:8.2f}   (target <= 1)")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
