"""Full calibration sweep of ch09.dropout's keep-rate check (tests/oracles runs a short one).

For each seed, the check's keep probability is drawn exactly as the grader draws it
(_helpers.keep_probability), the reference's sample_mask draws the 2·10⁶-entry mask
with the same generator, and the check's statistic is compared with its threshold.
The same is done for a sampler quantised to hundredths (the mutant
dropout__mask_quantised), which must fail every time.

    python bench/keep_rate_calibration.py [--seeds 2000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(HERE / "tests"))

from support import grader_helpers, reference  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=2000)
    args = ap.parse_args()
    H = grader_helpers("ch09")
    ref = reference("ch09")
    t0 = time.perf_counter()
    false_failures, escapes, worst = 0, 0, 0.0
    for seed in range(args.seeds):
        rng = np.random.default_rng(seed)
        p = H.keep_probability(rng)
        state = rng.bit_generator.state
        dev = H.mask_rate_deviation(ref.sample_mask(H.MASK_SHAPE, p, rng), p)
        worst = max(worst, dev / H.MASK_T)
        false_failures += not dev < H.MASK_T
        rng.bit_generator.state = state
        quantised = (rng.integers(0, 100, size=H.MASK_SHAPE) < 100 * p).astype(np.float64)
        escapes += H.mask_rate_deviation(quantised, p) < H.MASK_T
    print(
        f"{args.seeds} seeds in {time.perf_counter() - t0:.0f} s: reference false failures {false_failures} "
        f"(largest deviation {worst:.2f} of the threshold), quantised sampler escapes {escapes}"
    )
    sys.exit(1 if false_failures or escapes else 0)


if __name__ == "__main__":
    main()
