"""Grader for ch20.output_scaling (init_output_variance): against the reference and
the forward pass (the 1/R variance); R = 1 gives 0; and the theorem, statistically:
the slope of log Var against log N over N = 10..10⁴ is 1 - 2γ for γ = ½, ¾, 1."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import GAMMAS, OS_R, OS_WIDTHS, gaussian_nets, scaling_calls, scaling_case, scaling_slopes


def _scaling_check(student, rng, tol, hidden):
    """The three slopes share the same networks (Var_γ = N^{2-2γ} Var_1 exactly), so they
    carry the same noise: s.d. √(2/R)/√Σ(log N - mean)² = 0.0275 for R = 100 Gaussian
    sums (measured 0.026 public, 0.029 hidden, bench/calibrate_wide_networks.py over 200
    seeds each, no failure). The window ±0.15 is 5.1 s.d.: FFP ≈ 3e-7 (normal approximation
    of log χ²_99/99; tests/oracles/test_ch20_mean_field.py runs 10 seeds of each)."""
    case = scaling_case(rng, hidden)
    calls = scaling_calls(case)
    variances = [float(expect.like(v, 0.0)) for v in student.init_output_variance.many(calls)]
    expect.that(min(variances) > 0, "the variances must be positive", quantity="Var g^{N,γ}_0(x)")
    slopes = scaling_slopes(variances)
    V = np.array(variances).reshape(len(OS_WIDTHS), len(GAMMAS))
    table = "\n".join(f"  N = {N:>6}: " + ", ".join(f"γ = {g:g}: {v:.4g}" for g, v in zip(GAMMAS, row)) for N, row in zip(OS_WIDTHS, V))
    for gamma, slope in zip(GAMMAS, slopes):
        expect.that(
            abs(slope - (1 - 2 * gamma)) <= tol.slope["tol"],
            f"Var g^{{N,γ}}_0(x) = N^{{1-2γ}} E[c²] E[σ(w·x)²]: the slope of log Var against log N must be 1 - 2γ ± {tol.slope['tol']:g}",
            quantity=f"slope for γ = {gamma:g}",
            detail=f"fitted slope {slope:.3f}, theory {1 - 2 * gamma:g} (R = {OS_R} initialisations per width); your variances:\n{table}",
        )


def test_small(student, ref, rng):
    """R = 5 networks of N = 4 particles, d = 3, γ = ¾"""
    c, W = gaussian_nets(rng, 5, 4, 3)
    x = rng.standard_normal(3)
    expect.close(student.init_output_variance(c, W, x, 0.75, "tanh"), ref.init_output_variance(c, W, x, 0.75, "tanh"))


def test_population_variance(student, rng):
    """the 1/R variance of the outputs N^{-γ} Σ c^i σ(w^i·x) (R = 6, N = 10, γ = ½, sigmoid)"""
    c, W = gaussian_nets(rng, 6, 10, 2)
    x = rng.standard_normal(2)
    g = np.sum(c / (1 + np.exp(-(W @ x))), axis=1) / np.sqrt(10)
    expect.close(student.init_output_variance(c, W, x, 0.5, "sigmoid"), float(np.mean((g - g.mean()) ** 2)),
                 detail="Var = (1/R) Σ_r (g_r - ḡ)² (ddof = 0), over the R networks (axis 0), not over the particles")


def test_one_network(student, rng):
    """R = 1: the 1/R variance of a single output is 0"""
    c, W = gaussian_nets(rng, 1, 7, 3)
    expect.close(student.init_output_variance(c, W, rng.standard_normal(3), 1.0, "tanh"), 0.0)


def test_scaling_law(student, rng, tol):
    """[statistical] slopes 1 - 2γ for γ = ½, ¾, 1 over N = 10, 10², 10³, 10⁴ (R = 100 each)"""
    _scaling_check(student, rng, tol, hidden=False)


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_random(student, ref, rng, trial):
    """random R (2 included), N (1 included), d, γ and activation"""
    R = [2, int(rng.integers(3, 50)), int(rng.integers(3, 50))][trial]
    N = [int(rng.integers(2, 30)), 1, int(rng.integers(30, 300))][trial]
    d = int(rng.integers(1, 5))
    c, W = gaussian_nets(rng, R, N, d)
    x, gamma = rng.standard_normal(d), float(rng.uniform(0.5, 1.0))
    act = str(rng.choice(["tanh", "relu", "sigmoid", "softplus"]))
    expect.close(student.init_output_variance(c, W, x, gamma, act), ref.init_output_variance(c, W, x, gamma, act))


@mark.hidden
@mark.weight(2)
def test_hidden_scaling_law(student, rng, tol):
    """[statistical] the slopes for a random input, dimension and smooth activation"""
    _scaling_check(student, rng, tol, hidden=True)
