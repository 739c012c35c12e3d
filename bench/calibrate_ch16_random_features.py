"""Calibration of the statistical check of ch16.random_features: the reference on
many seeds of the check's own problem generator (graders/ch16_*/_helpers.rf_problem).

For each seed: nested fits with N = 10, 20, 40, 80, 160 random ReLU features on 500
points; the check passes when the training RMS error never increases and its
log-log slope against N is at most -0.5. Prints the slope distribution, the
distance of the threshold in standard deviations and the number of false failures
(must be 0).

    python bench/calibrate_ch16_random_features.py [--seeds 4000]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from support import grader_helpers, reference  # noqa: E402


def slopes(seeds) -> tuple[np.ndarray, int]:
    """(slopes, failures) of the check on the reference for these seeds."""
    ref = reference("ch16")
    h = grader_helpers("ch16")
    out, failures = [], 0
    for seed in seeds:
        x, y, w, b = h.rf_problem(np.random.default_rng(seed))
        preds = [ref.random_features_predict(x, ref.random_features_fit(x, y, w[:N], b[:N]), w[:N], b[:N]) for N in h.RF_NS]
        errs = h.rf_errors(preds, y)
        s = h.loglog_slope(h.RF_NS, errs)
        mono = bool(np.all(errs[1:] <= errs[:-1] * (1 + 1e-9) + 1e-12))
        failures += (not mono) or s > -0.5
        out.append(s)
    return np.array(out), failures


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=4000)
    args = ap.parse_args()
    s, failures = slopes(range(args.seeds))
    print(f"{args.seeds} seeds: slope mean {s.mean():.3f}, sd {s.std():.3f}, min {s.min():.3f}, max {s.max():.3f}")
    print(f"threshold -0.5 is {(-0.5 - s.mean()) / s.std():.1f} sd above the mean, {-0.5 - s.max():.2f} above the largest slope")
    print(f"false failures: {failures}")
    raise SystemExit(1 if failures else 0)


if __name__ == "__main__":
    main()
