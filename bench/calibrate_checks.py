"""Calibration sweeps of the Part 2 statistical and random-problem checks: each
check's own code (graders/...) run on the reference for many seeds, in this
process, through tests/check_runner.py. Every check must pass on every seed
(false failures: 0); the sweep also times the checks.

    python bench/calibrate_checks.py                 # every chapter below, default seeds
    python bench/calibrate_checks.py ch18 --seeds 400
    python bench/calibrate_checks.py ch16 --only random_features

The short versions of these sweeps run in tests/oracles/test_ch1[678]_*.py.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from check_runner import check_passes  # noqa: E402
from support import reference  # noqa: E402

# (chapter, exercise, check, params): the checks whose verdict depends on random data
SWEEPS = [
    ("ch16", "random_features", "test_approximation_rate", {}),
    ("ch17", "gd_quadratic_rate", "test_rate_theorem", {}),
    ("ch17", "gd_quadratic_rate", "test_hidden_ill_conditioned", {}),
    ("ch17", "pl_rate_and_implicit_bias", "test_hidden_pl_rate", {}),
    ("ch17", "pl_rate_and_implicit_bias", "test_hidden_implicit_bias", {}),
    ("ch18", "robbins_monro_rate", "test_rate_fast", {}),
    ("ch18", "robbins_monro_rate", "test_rate_slow", {}),
    ("ch18", "robbins_monro_rate", "test_hidden_rate", {}),
    ("ch18", "polyak_averaging", "test_optimal_constant", {}),
    ("ch18", "polyak_averaging", "test_hidden_optimal_constant", {}),
    ("ch18", "interpolation_regime", "test_linear_convergence", {}),
    ("ch18", "interpolation_regime", "test_hidden_linear_convergence", {}),
    ("ch18", "interpolation_regime", "test_noise_floor", {}),
]


def floor_ratios(seeds) -> None:
    """The spread of measured/exact noise floors behind the ±20% / ±35% bands of
    ch18.interpolation_regime (the reference on the check's own problems)."""
    import numpy as np
    from support import grader_helpers

    h, ref = grader_helpers("ch18"), reference("ch18")
    ratios = {lr: [] for lr in h.FLOOR["lrs"]}
    for seed in seeds:
        rng = np.random.default_rng(seed)
        X, y = h.floor_problem(rng)
        theta0 = rng.standard_normal(h.FLOOR["d"])
        for lr in h.FLOOR["lrs"]:
            exact, theta_hat = h.stationary_floor(X, y, lr, h.FLOOR["B"])
            traj = ref.sgd_least_squares(X, y, theta0, lr, rng.integers(0, h.FLOOR["M"], (h.FLOOR["K"], h.FLOOR["B"])))
            ratios[lr].append(h.time_average_floor(traj, theta_hat) / exact)
    for lr, band in zip(h.FLOOR["lrs"], (0.2, 0.35)):
        r = np.array(ratios[lr])
        print(f"noise floor at η = {lr}: measured/exact mean {r.mean():.3f}, sd {r.std():.3f}, range [{r.min():.3f}, {r.max():.3f}]; band ±{band} = {band / r.std():.1f} sd")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("chapters", nargs="*", help="ch16, ch17, ch18 (default: all)")
    ap.add_argument("--seeds", type=int, default=250)
    ap.add_argument("--only", default=None, help="only this exercise")
    args = ap.parse_args()
    total = 0
    for chapter, exercise, check, params in SWEEPS:
        if (args.chapters and chapter not in args.chapters) or (args.only and exercise != args.only):
            continue
        ref = reference(chapter)
        t0 = time.perf_counter()
        failed = []
        for seed in range(args.seeds):
            ok, message = check_passes(chapter, exercise, check, ref, seed, **params)
            if not ok:
                failed.append((seed, message.splitlines()[0] if message else ""))
        label = f"{chapter}.{exercise} {check}" + (f" {params}" if params else "")
        print(f"{label:<78} {args.seeds} seeds, {len(failed)} false failures, {(time.perf_counter() - t0) / args.seeds * 1000:.0f} ms/seed", flush=True)
        for seed, message in failed[:5]:
            print(f"    seed {seed}: {message}")
        total += len(failed)
    if (not args.chapters or "ch18" in args.chapters) and args.only in (None, "interpolation_regime"):
        floor_ratios(range(args.seeds))
    print(f"false failures: {total}")
    raise SystemExit(1 if total else 0)


if __name__ == "__main__":
    main()
