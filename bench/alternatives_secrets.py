"""No false failures over many secrets: grade every alternative correct
implementation in tests/alternatives/ in instructor mode (public and hidden
checks) on --secrets different course secrets, and list any that lose points.

    python bench/alternatives_secrets.py [--secrets 20] [chNN ...]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(HERE / "tests"))

from support import chapter_sandbox, course, failures, with_replaced  # noqa: E402

from mathdl_cli.grading.session import run_checks  # noqa: E402
from mathdl_cli.grading.state import stable_seed  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("chapters", nargs="*")
    ap.add_argument("--secrets", type=int, default=20)
    args = ap.parse_args()
    files = sorted((HERE / "tests" / "alternatives").glob("ch*/*__*.py"))
    if args.chapters:
        wanted = {course.chapter(c).module for c in args.chapters}
        files = [f for f in files if f.parent.name in wanted]
    t0 = time.perf_counter()
    bad, runs = [], 0
    by_chapter: dict[str, list[Path]] = {}
    for path in files:
        by_chapter.setdefault(path.parent.name, []).append(path)
    for module, paths in by_chapter.items():
        ch = course.chapter(module)
        with chapter_sandbox(ch) as sandbox:
            for path in paths:
                ex = ch.exercise(path.stem.partition("__")[0])
                source = with_replaced(ch.module, path.read_text()).encode()
                for secret in range(args.secrets):
                    runs += 1
                    rep = run_checks(course, {ch: source}, mode="instructor", exercises=[ex], sandbox=sandbox, fast=True,
                                     hidden_seed=lambda e, s=secret: stable_seed("bench-alternatives", s, e.id))
                    if rep.exercises[0].status != "passed":
                        bad.append(f"{path.relative_to(HERE)} secret {secret}: " + "; ".join(failures(rep))[:800])
        print(f"{module}: {len(paths)} alternatives done ({time.perf_counter() - t0:.0f} s)", flush=True)
    print(f"{len(files)} alternatives x {args.secrets} secrets = {runs} gradings in {time.perf_counter() - t0:.0f} s; false failures: {len(bad)}")
    for line in bad:
        print("  " + line)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
