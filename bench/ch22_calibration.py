"""Calibration of chapter 22's theory checks on many random problems, with the
reference (the windows must hold with room to spare) and with known-wrong
variants (which must fall outside them):

  * ode_solvers: fitted orders of Euler (n = 10..80) and RK4 (n = 5..40), window ±0.15;
  * resnet_euler: ratios of distances to x(T) for L = 16, 32, 64, window [1.8, 2.2];
  * liouville: max |log|det J| - ∫ tr| at n = 40 (threshold 2e-6), and the fitted
    order of the trace integral on n = 5, 10, 20 (window 4 ± 0.3).

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
from support import course, grader_helpers, mutant_source, mutants, reference  # noqa: E402

from mathdl_cli.solutions import load_module  # noqa: E402

R = reference("ch22")
H = grader_helpers("ch22")


def _mutant(name):
    (m,) = [m for m in mutants(course, course.chapter("ch22")) if m.name == name]
    return load_module(f"mutant_{name}", mutant_source(course, m))


def orders(mod, seed):
    f, x0, t0, T = H.order_case(np.random.default_rng(seed))
    truth = R.rk4(f, x0, t0, T, 2000)[-1]
    out = []
    for name, ns in (("euler", H.EULER_NS), ("rk4", H.RK4_NS)):
        errs = [np.linalg.norm(getattr(mod, name)(f, x0, t0, T, n)[-1] - truth) for n in ns]
        out.append(H.fitted_order(errs, (T - t0) / np.array(ns, dtype=np.float64)))
    return out


def resnet_ratios(mod, seed):
    rng = np.random.default_rng(seed)
    theta = H.smooth_theta(rng, 3)
    x0 = rng.standard_normal((5, 3))
    truth = R.rk4(H.theta_field(theta, (5, 3)), x0, 0.0, 1.0, 2000)[-1]
    e = [np.linalg.norm(mod.resnet_forward(x0, [theta(l / L) for l in range(L)], 1 / L)[-1] - truth) for L in (16, 32, 64)]
    return e[0] / e[1], e[1] / e[2]


def liouville(mod, seed):
    rng = np.random.default_rng(seed)
    field = H.liouville_field(rng, 4, 3)
    J, ell = mod.flow_jacobian(field, rng.standard_normal((4, 3)), 1.0, 40)
    gap = float(np.abs(np.linalg.slogdet(J)[1] - ell).max())
    field = H.liouville_field(rng, 3, 2)
    x0 = rng.standard_normal((3, 2))
    truth = R.flow_jacobian(field, x0, 1.0, 400)[1]
    errs = [np.linalg.norm(mod.flow_jacobian(field, x0, 1.0, n)[1] - truth) for n in H.TRACE_NS]
    return gap, H.fitted_order(errs, 1 / np.array(H.TRACE_NS, dtype=np.float64))


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
          f"[{lv[:, 1].min():.3f}, {lv[:, 1].max():.3f}] (window 4 ± 0.3); failures: "
          f"{int(np.sum((lv[:, 0] > 2e-6) | (abs(lv[:, 1] - 4) > 0.3)))}   [{time.perf_counter() - t0:.0f} s]")
    for name in ("left_riemann_trace", "euler_jacobian"):
        m = np.array([liouville(_mutant(name), 60_000 + s) for s in range(10)])
        print(f"  mutant {name}: identity gap min {m[:, 0].min():.2e}, trace orders {m[:, 1].min():.2f}..{m[:, 1].max():.2f}")


if __name__ == "__main__":
    main()
