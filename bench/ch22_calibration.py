"""Calibration of chapter 22's theory checks on many random problems, with the
reference (the windows must hold with room to spare) and with known-wrong
variants (which must fall outside them):

  * ode_solvers: fitted orders of Euler (n = 10..80) and RK4 (n = 5..40), window ±0.15;
  * resnet_euler: ratios of distances to x(T) for L = 16, 32, 64, window [1.8, 2.2];
  * liouville: max |log|det J| - ∫ tr| at n = 40 (threshold 2e-6), and the fitted
    order of the trace integral on n = 5, 10, 20 (window 4 ± 1).

    python bench/ch22_calibration.py [--problems 1000]
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

import test_ch22_neural_odes as O  # noqa: E402

R, _mutant = O.R, O._mutant
orders, resnet_ratios, liouville = O.cal_orders, O.cal_resnet_ratios, O.cal_liouville


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--problems", type=int, default=1000)
    n = ap.parse_args().problems

    t0 = time.perf_counter()
    o = np.array([orders(R, s) for s in range(n)])
    print(f"orders, {n} problems: Euler in [{o[:, 0].min():.3f}, {o[:, 0].max():.3f}], RK4 in [{o[:, 1].min():.3f}, "
          f"{o[:, 1].max():.3f}]; outside 1 ± 0.15 / 4 ± 0.15: {int(np.sum((abs(o[:, 0] - 1) > 0.15) | (abs(o[:, 1] - 4) > 0.15)))}"
          f"   [{time.perf_counter() - t0:.0f} s]")
    for name in ("rk4_equal_weights", "rk4_stages_at_t", "euler_time_shifted"):
        m = np.array([orders(_mutant(name), 50_000 + s) for s in range(10)])
        print(f"  mutant {name}: Euler orders {m[:, 0].min():.2f}..{m[:, 0].max():.2f}, RK4 orders {m[:, 1].min():.2f}..{m[:, 1].max():.2f}")

    t0 = time.perf_counter()
    r = np.array([resnet_ratios(R, s) for s in range(n)])
    print(f"ResNet ratios, {n} problems: in [{r.min():.3f}, {r.max():.3f}]; outside [1.8, 2.2]: "
          f"{int(np.sum((r < 1.8) | (r > 2.2)))}   [{time.perf_counter() - t0:.0f} s]")

    t0 = time.perf_counter()
    lv = np.array([liouville(R, s) for s in range(n)])
    print(f"Liouville, {n} problems: identity gap max {lv[:, 0].max():.2e} (threshold 2e-6), trace orders in "
          f"[{lv[:, 1].min():.3f}, {lv[:, 1].max():.3f}] (window 4 ± 1); failures: "
          f"{int(np.sum((lv[:, 0] > 2e-6) | (abs(lv[:, 1] - 4) > 1.0)))}   [{time.perf_counter() - t0:.0f} s]")
    for name in ("left_riemann_trace", "euler_jacobian"):
        m = np.array([liouville(_mutant(name), 60_000 + s) for s in range(10)])
        print(f"  mutant {name}: identity gap min {m[:, 0].min():.2e}, trace orders {m[:, 1].min():.2f}..{m[:, 1].max():.2f}")


if __name__ == "__main__":
    main()
