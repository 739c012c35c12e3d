"""How long do `mathdl check` (student mode) and instructor grading take on a
complete chapter (the reference), compared with a bare Python start?

For each chapter, interleaved over --repeat rounds:
  * check:  `python -m mathdl_cli check CH --dir WB --json` on a workbook holding
            the reference (public checks, recorded outputs), wall time;
  * grade:  instructor mode (public and hidden checks) on the reference in one
            process, as a grading worker does, wall time;
  * bare:   `python -I -c "import numpy"`.
Prints medians and the ratios check/bare. Targets for Part 2 chapters:
check < 5 s and grade < 20 s on 2 cores.

    python bench/chapter_speed.py ch16 ch17 [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mathdl_cli.catalog import load_course
from mathdl_cli.solutions import reference_source


def timed(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if res.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd[:5])} ... failed ({res.returncode}):\n{res.stderr[-2000:]}")
    return elapsed


GRADE = """
import sys, time
from mathdl_cli.catalog import load_course
from mathdl_cli.grading.session import run_checks
from mathdl_cli.solutions import reference_source
course = load_course(); ch = course.chapter(sys.argv[1])
src = reference_source(course, ch).encode()
t0 = time.perf_counter()
rep = run_checks(course, {ch: src}, mode="instructor", hidden_seed=lambda ex: 12345, fast=True, zygote=True)
el = time.perf_counter() - t0
bad = [f"{e.id}: {e.status}" for e in rep.exercises if e.status != "passed"]
print(el if not bad else "FAIL " + "; ".join(bad))
"""


def grade_time(chapter: str) -> float:
    res = subprocess.run([sys.executable, "-c", GRADE, chapter], capture_output=True, text=True)
    line = (res.stdout.strip().splitlines() or ["?"])[-1]
    if line.startswith("FAIL") or res.returncode:
        raise SystemExit(f"grading the {chapter} reference failed: {line}\n{res.stderr[-2000:]}")
    return float(line)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("chapters", nargs="+")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    course = load_course()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.chapters:
            ch = course.chapter(name)
            wb = Path(tmp) / ch.module
            wb.mkdir()
            (wb / ch.filename).write_text(reference_source(course, ch))
            check, grade, bare = [], [], []
            for _ in range(args.repeat):
                bare.append(timed([sys.executable, "-I", "-c", "import numpy"]))
                check.append(timed([sys.executable, "-m", "mathdl_cli", "check", ch.short, "--dir", str(wb), "--json"]))
                grade.append(grade_time(ch.short))
            med = statistics.median
            rows.append((ch.module, med(check), med(grade), med(bare)))
    print(f"{'chapter':<28}{'check s':>9}{'grade s':>9}{'bare s':>8}{'check/bare':>12}")
    for module, c, g, b in rows:
        flag = "" if c < 5 and g < 20 else "   <-- over the Part 2 target (check < 5 s, grade < 20 s)"
        print(f"{module:<28}{c:>9.2f}{g:>9.2f}{b:>8.2f}{c / b:>12.1f}{flag}")
    print(json.dumps({"chapters": [{"module": m, "check": c, "grade": g, "bare": b} for m, c, g, b in rows]}))


if __name__ == "__main__":
    main()
