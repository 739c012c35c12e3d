"""Calibration of the statistical checks of chapters 19 and 20 on the reference.

For every statistical check, runs the grader's own statistic (the graders' helper
functions, the same inputs as the check for seed s: numpy.random.default_rng(s))
on the reference over many seeds, with the public and the hidden parameters, and
prints the distribution of the statistic, the threshold, the number of false
failures (must be 0) and the margin in standard deviations (the basis of the
false-failure probabilities quoted in the graders). Positive, skewed statistics
(deviations, eigenvalues, ratios) are shown on a log scale, where they are close
to normal and the margin means something. With --power, known-wrong
implementations (the chapters' mutants) are run on a few seeds and must fail.

    python bench/calibrate_wide_networks.py                 # 200 seeds per statistic (about 30 min on one core)
    python bench/calibrate_wide_networks.py --seeds 400 --only lazy lln
    python bench/calibrate_wide_networks.py --seeds 20 --power

The test suite runs short versions (tests/oracles/test_ch19_ntk.py, test_ch20_mean_field.py).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from support import course, grader_helpers, reference  # noqa: E402

from mathdl_cli import kernels  # noqa: E402
from mathdl_cli.solutions import load_module, mutant_source, mutants  # noqa: E402

R19, R20 = reference("ch19"), reference("ch20")
H19, H20 = grader_helpers("ch19", "_helpers"), grader_helpers("ch20", "_helpers")
G19 = grader_helpers("ch19", "test_wide_network_tracks_kernel")
EX19 = {ex.short: ex for ex in course.chapter("ch19").exercises}
EX20 = {ex.short: ex for ex in course.chapter("ch20").exercises}


def mutant(chapter: str, exercise: str, name: str):
    (m,) = [m for m in mutants(course, course.chapter(chapter)) if (m.exercise, m.name) == (exercise, name)]
    return load_module(f"bench_{chapter}_{exercise}_{name}", mutant_source(course, m))


# -- the statistics: seed, hidden, module -> {name: (value, low, high)} ----------------------------


def mc_kernel(seed, hidden, module=R19):
    """ch19.limit_ntk_relu: max |z| over the entries (public shapes; hidden draws its own)."""
    rng = np.random.default_rng(seed)
    if hidden:
        d = int(rng.integers(2, 6))
        X1 = H19.unit_rows(rng, int(rng.integers(2, 6)), d) * rng.uniform(0.3, 3.0)
        X2 = H19.unit_rows(rng, int(rng.integers(2, 6)), d) * rng.uniform(0.3, 2.0)
    else:
        X1 = rng.standard_normal((5, 3)) * rng.uniform(0.5, 2.0, (5, 1))
        X2 = rng.standard_normal((4, 3)) * rng.uniform(0.5, 2.0, (4, 1))
    mean, se = H19.relu_kernel_mc(X1, X2, rng.standard_normal((20_000, X1.shape[1])))
    z = float(np.abs((module.limit_ntk_relu(X1, X2) - mean) / se).max())
    return {"max |z|": (z, 0.0, EX19["limit_ntk_relu"].tolerances["stat"]["z"])}


def relu_pd(seed, hidden, module=R19):
    """ch19.ntk_gram_pd: λ_min for 8 random unit vectors in d = 3 (public check: > 1e-4)."""
    lam = module.min_eig_limit_kernel(H19.unit_rows(np.random.default_rng(seed), 8, 3), "relu")
    return {"log λ_min": (float(np.log(lam)) if lam > 0 else -np.inf, float(np.log(1e-4)), np.inf)}


def lazy(seed, hidden, module=R19):
    lz = EX19["wide_network_tracks_kernel"].tolerances["lazy"]
    case = H19.lazy_case(np.random.default_rng(seed), hidden)
    runs = [module.train_wide_net(*a) for a in H19.sweep_calls(case)]
    st = H19.lazy_statistics(case, runs, R19.empirical_ntk)
    flow = H19.flow_deviation(case, st["flow_inputs"], R19.ntk_predict)
    return {
        "movement slope": (st["slope"], lz["slope"] - lz["tol"], lz["slope"] + lz["tol"]),
        "log deviation ratio": (float(np.log(st["ratio"])), -np.inf, float(np.log(lz["ratio"]))),
        "log deviation at N=1e4": (float(np.log(st["dev"][-1])), -np.inf, float(np.log(G19.DEV_WIDEST))),
        "log deviation from ODE": (float(np.log(flow)), -np.inf, float(np.log(lz["flow"]))),
    }


def scaling(seed, hidden, module=R20):
    tol = EX20["output_scaling"].tolerances["slope"]["tol"]
    case = H20.scaling_case(np.random.default_rng(seed), hidden)
    s = H20.scaling_slopes([module.init_output_variance(*kernels.concrete(a)) for a in H20.scaling_calls(case)])
    return {f"slope γ={g:g}": (float(v), 1 - 2 * g - tol, 1 - 2 * g + tol) for g, v in zip(H20.GAMMAS, s)}


def lln(seed, hidden, module=R20):
    tol = EX20["lln_convergence"].tolerances["lln"]
    case = H20.lln_case(np.random.default_rng(seed), hidden)
    slopes, _ = H20.lln_slopes(case, [module.train_mf(*a) for a in H20.lln_calls(case)])
    return {
        "s.d. slope γ=1": (slopes[0], tol["slope"] - tol["tol"], tol["slope"] + tol["tol"]),
        "s.d. slope γ=½": (slopes[1], -tol["tol"], tol["tol"]),
    }


def feature(seed, hidden, module=R20):
    tol = EX20["feature_learning_vs_lazy"].tolerances["slopes"]["tol"]
    case = H20.feature_case(np.random.default_rng(seed), hidden)
    moves = [R20.relative_movement(a[1], module.train_mf(*a)[1]) for a in H20.feature_calls(case)]
    s_mf, s_lazy = H20.movement_slopes(moves)
    return {"movement slope γ=1": (s_mf, -tol, tol), "movement slope γ=½": (s_lazy, -0.5 - tol, -0.5 + tol)}


STATISTICS = {"mc": mc_kernel, "pd": relu_pd, "lazy": lazy, "scaling": scaling, "lln": lln, "feature": feature}

# known-wrong implementations each statistic must catch (chapter, exercise, mutant)
POWER = {
    "mc": [("ch19", "limit_ntk_relu", "missing_order0"), ("ch19", "limit_ntk_relu", "phi_for_pi_minus_phi")],
    "lazy": [("ch19", "wide_network_tracks_kernel", "mean_field_scaling"), ("ch19", "wide_network_tracks_kernel", "predict_initial")],
    "scaling": [("ch20", "output_scaling", "scaling_applied_twice"), ("ch20", "output_scaling", "gamma_ignored")],
    "lln": [("ch20", "lln_convergence", "step_not_divided_by_n")],
    "feature": [("ch20", "lln_convergence", "gamma_ignored")],
}


def failed(values: dict) -> bool:
    return any(not (lo <= v <= hi) for v, lo, hi in values.values())


def calibrate(name: str, seeds: int) -> int:
    fn = STATISTICS[name]
    bad = 0
    for hidden in (False, True):
        if name == "pd" and hidden:
            continue
        t0 = time.perf_counter()
        rows = [fn(s, hidden) for s in range(seeds)]
        bad += sum(failed(r) for r in rows)
        print(f"\n{name} ({'hidden' if hidden else 'public'} parameters), {seeds} seeds, {(time.perf_counter() - t0) / seeds:.2f} s/seed:")
        for key in rows[0]:
            v = np.array([r[key][0] for r in rows])
            lo, hi = rows[0][key][1], rows[0][key][2]
            sd = v.std(ddof=1)
            margin = min((v.mean() - lo) / sd if np.isfinite(lo) else np.inf, (hi - v.mean()) / sd if np.isfinite(hi) else np.inf)
            n_bad = int(np.sum((v < lo) | (v > hi)))
            print(f"  {key:<24} mean {v.mean():+.4f}  s.d. {sd:.4f}  min {v.min():+.4f}  max {v.max():+.4f}  "
                  f"window [{lo:+.4g}, {hi:+.4g}]  margin {margin:.1f} s.d.  false failures {n_bad}")
    return bad


def power(name: str, seeds: int) -> int:
    escaped = 0
    for chapter, exercise, mname in POWER.get(name, []):
        module = mutant(chapter, exercise, mname)
        with np.errstate(all="ignore"):
            caught = [failed(STATISTICS[name](s, hidden, module)) for s in range(seeds) for hidden in (False, True)]
        escaped += caught.count(False)
        print(f"  power of {name}: {chapter}.{exercise}/{mname} caught on {sum(caught)}/{len(caught)} (seed, parameters) pairs")
    return escaped


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=200)
    ap.add_argument("--only", nargs="*", choices=sorted(STATISTICS), default=sorted(STATISTICS))
    ap.add_argument("--power", action="store_true", help="also run the mutants that each statistic must catch")
    args = ap.parse_args()
    total = sum(calibrate(name, args.seeds) for name in args.only)
    print(f"\nfalse failures of the reference: {total}")
    if args.power:
        escaped = sum(power(name, args.seeds) for name in args.only)
        print(f"mutant runs that escaped: {escaped}")
    sys.exit(1 if total else 0)


if __name__ == "__main__":
    main()
