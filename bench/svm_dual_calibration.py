"""Calibration of the ch04.svm dual checks: the reference and the second-order SMO of the
alternative corpus on 300 seeds of the hidden check's generator; prints the worst KKT violation,
duality gap, decision-value difference and time per call against the grader's thresholds.

    python bench/svm_dual_calibration.py [--seeds 300]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(HERE / "tests"), str(HERE / "tests" / "oracles")]

import test_ch04_perceptron_kernels as oracle  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=300)
    worst = oracle.svm_dual_sweep(range(ap.parse_args().seeds))
    tol = oracle.CH.exercise("svm").tolerances
    print(f"worst KKT violation {worst['kkt']:.3g} (threshold {tol['dual']['kkt']:g}), duality gap {worst['gap']:.3g} "
          f"(threshold {tol['dual']['gap']:g}), decision values {worst['decision']:.3g} apart (atol {tol['decision'].atol:g}), "
          f"slowest call {worst['seconds']:.2f} s (limit 10 s)")
    ok = worst["kkt"] <= tol["dual"]["kkt"] and worst["gap"] <= tol["dual"]["gap"] and worst["decision"] <= tol["decision"].atol
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
