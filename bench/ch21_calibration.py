"""Calibration and power of chapter 21's statistical checks, on many seeds.

  * tabular_q_learning: ‖Q_K - Q*‖∞ / ‖Q*‖∞ of the reference after the grader's
    K = 2·10⁴ steps (threshold 0.05), Q* from scipy's linprog;
  * policy_gradient_bandit: the largest |z| of the batch-means t statistics
    (threshold 7) with and without the baseline, and the variance ratio
    (no baseline / baseline; the check needs > 1).

Prints the worst values, the number of false failures (must be 0) and the same
statistics for known-wrong variants (which must fail).

    python bench/ch21_calibration.py [--q-seeds 1000] [--pg-seeds 500]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "oracles"))

import test_ch21_reinforcement_learning as O  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--q-seeds", type=int, default=1000)
    ap.add_argument("--pg-seeds", type=int, default=500)
    args = ap.parse_args()

    t0 = time.perf_counter()
    errs = np.array([O._q_error(O.R, 10_000 + s) for s in range(args.q_seeds)])
    thr = 0.05  # chapter.yaml: tabular_q_learning tolerances.convergence.rel
    print(f"Q-learning, {args.q_seeds} reference seeds: max error {errs.max():.4f}, 99.9% quantile "
          f"{np.quantile(errs, 0.999):.4f}, median {np.median(errs):.4f}; false failures (> {thr}): "
          f"{int(np.sum(errs > thr))}   [{time.perf_counter() - t0:.0f} s]")
    for name in ("max_for_min", "bootstrap_current_state", "global_step_count"):
        mod = O._mutant(name, "tabular_q_learning")
        e = np.array([O._q_error(mod, 20_000 + s) for s in range(10)])
        print(f"  mutant {name}: caught on {int(np.sum(e > thr))}/10 seeds (min error {e.min():.3f})")

    t0 = time.perf_counter()
    st = np.array([O._reinforce_stats(O.R, 30_000 + s) for s in range(args.pg_seeds)])
    bad = int(np.sum((st[:, 0] > 7) | (st[:, 1] > 7) | (st[:, 2] <= 1)))
    print(f"REINFORCE, {args.pg_seeds} reference seeds: max |z| {st[:, 0].max():.2f} (no baseline), "
          f"{st[:, 1].max():.2f} (baseline); min variance ratio {st[:, 2].min():.2f}; false failures: {bad}"
          f"   [{time.perf_counter() - t0:.0f} s]")
    t0 = time.perf_counter()
    small = np.array([O._reinforce_stats(O.R, 50_000 + s, O.H.VAR_BATCH)[2] for s in range(args.pg_seeds)])
    print(f"  public variance check (batches of {O.H.VAR_BATCH}): min variance ratio {small.min():.2f}, "
          f"median {np.median(small):.2f}; false failures: {int(np.sum(small <= 1))}   [{time.perf_counter() - t0:.0f} s]")
    for name in ("grad_p_not_log_p", "score_without_normaliser", "baseline_added"):
        mod = O._mutant(name)
        s = np.array([O._reinforce_stats(mod, 40_000 + k) for k in range(5)])
        caught = int(np.sum((s[:, 0] > 7) | (s[:, 1] > 7) | (s[:, 2] <= 1)))
        print(f"  mutant {name}: caught on {caught}/5 seeds (min max|z| {s[:, :2].max(axis=1).min():.1f}, "
              f"max variance ratio {s[:, 2].max():.2f})")


if __name__ == "__main__":
    main()
