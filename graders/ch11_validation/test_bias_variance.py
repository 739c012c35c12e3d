"""Grader for ch11.bias_variance: values against the reference, the exact
identity bias² + variance = mean squared error of the fits (ddof = 0) on the
student's own outputs, and two statistical checks on simulated polynomial
regression (fixed design, fresh noise per replicate)."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import DEGREES, SIGMA, poly_fits, error_z, u_shape_statistics

KEYS = ("bias2", "variance", "expected_mse")
TEMPLATE = {k: 0.0 for k in KEYS}

# A statistical check passes when |z| ≤ Z_MAX. z is a mean of R·n ≥ 12000
# independent terms, so by the CLT a correct answer fails with probability
# P(|N(0,1)| > 6) ≈ 2e-9 (FFP); calibrated on 500 seeds in tests/oracles.
Z_MAX = 6.0


def _identity(preds, f_true, got, tol):
    mse = float(np.mean((preds - f_true[None, :]) ** 2))
    total = got["bias2"] + got["variance"]
    expect.that(
        abs(total - mse) <= tol.atol + tol.rtol * mse,
        "bias2 + variance must equal the mean squared error (1/(R n)) Σ (f̂_r(x_j) - f(x_j))² exactly (this needs ddof = 0 and the bias of the MEAN prediction)",
        quantity="bias2 + variance",
        detail=f"bias2 + variance = {total:.12g}, mean squared error = {mse:.12g}",
    )


def test_values(student, ref, rng):
    """R = 4 fits at n = 3 test points, then a single fit (R = 1: variance 0)"""
    preds = rng.standard_normal((4, 3))
    f_true = rng.standard_normal(3)
    many, single = student.bias_variance.many([(preds, f_true, 0.25), (preds[:1].copy(), f_true, 0.25)])  # one round trip
    expect.close(many, ref.bias_variance(preds, f_true, 0.25))
    expect.close(single, ref.bias_variance(preds[:1].copy(), f_true, 0.25))


def test_identity(student, ref, rng, tol):
    """bias2 + variance = mean squared error of the fits around f (exact, ddof = 0), noise_var = 0"""
    preds = 1.0 + rng.standard_normal((7, 5))
    f_true = rng.standard_normal(5)
    got = expect.like(student.bias_variance(preds, f_true, 0.0), TEMPLATE)
    _identity(preds, f_true, got, tol.identity)
    expect.close(got, ref.bias_variance(preds, f_true, 0.0))  # the identity cannot tell bias2 from variance


def test_identical_fits(student, rng):
    """all R fits equal: variance 0, bias2 = mean (f̂ - f)², expected_mse adds noise_var"""
    row = rng.standard_normal(6)
    f_true = rng.standard_normal(6)
    b2 = float(np.mean((row - f_true) ** 2))
    want = {"bias2": b2, "variance": 0.0, "expected_mse": b2 + 0.5}
    expect.close(student.bias_variance(np.tile(row, (5, 1)), f_true, 0.5), want)


def test_predicts_test_error(student, rng):
    """expected_mse predicts the error on fresh noisy targets (statistical, degree-4 fits, R = 300)"""
    (preds,), f_true = poly_fits(rng, [4], R=300)
    got = expect.like(student.bias_variance(preds, f_true, SIGMA**2), TEMPLATE)
    z = error_z(preds, f_true, got["expected_mse"], rng.standard_normal(preds.shape))
    expect.that(
        abs(z) <= Z_MAX,  # FFP ≈ 2e-9 (CLT, see Z_MAX)
        "expected_mse = bias2 + variance + noise_var should match the mean of (y_new - f̂_r(x_j))² on fresh targets y_new = f + ε",
        quantity="expected_mse",
        detail=f"empirical test error is {z:+.1f} standard errors from your expected_mse = {got['expected_mse']:.5g} (allowed ±{Z_MAX:g})",
    )


def test_u_shape(student, rng):
    """polynomial degrees 1..12: variance grows, bias² falls, the expected MSE is U-shaped"""
    preds, f_true = poly_fits(rng, DEGREES, R=300)
    rows = [expect.like(r, TEMPLATE) for r in student.bias_variance.many([(p, f_true, SIGMA**2) for p in preds])]  # one round trip
    bias2, variance, mse = (np.array([r[k] for r in rows]) for k in KEYS)
    table = "; ".join(f"p={p}: {b:.2e}/{v:.2e}" for p, b, v in zip(DEGREES, bias2, variance))
    expect.that(
        np.all(bias2 > 0) and np.all(variance > 0),
        "bias2 and variance must be positive for these fits",
        quantity="the decomposition",
        detail=f"bias2/variance per degree: {table}",
    )
    best, slope_var, slope_bias = u_shape_statistics(bias2, variance, mse)
    # Thresholds far from the reference's behaviour. Over 2000 seeds (R = 300) the
    # slope of log variance is 0.228 ± 0.005 (min 0.21) and that of log bias² is
    # -0.47 ± 0.03 (max -0.38), and the expected MSE at degrees 1 and 12 is at
    # least 2.1 times its minimum (at degree 4 or 6). Each threshold is more than
    # 12 standard deviations away, so FFP < 1e-9 (Gaussian tails); 200 seeds are
    # re-checked in tests/oracles/test_ch11_validation.py.
    expect.that(slope_var > 0.0, "the variance grows with the degree (fitted slope of log variance > 0)", quantity="variance", detail=f"slope {slope_var:.3g}; bias2/variance per degree: {table}")
    expect.that(slope_bias < 0.0, "bias² falls with the degree (fitted slope of log bias2 < 0)", quantity="bias2", detail=f"slope {slope_bias:.3g}; bias2/variance per degree: {table}")
    expect.that(
        0 < best < len(DEGREES) - 1,
        "the expected MSE is U-shaped: its minimum is at an inner degree, not at 1 or 12",
        quantity="expected_mse",
        detail="expected_mse per degree: " + np.array2string(mse, precision=4),
    )


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(4))
def test_hidden_random(student, ref, rng, tol, trial):
    """random R and n, including R = 1, R = 2 and n = 1"""
    R, n = [(1, int(rng.integers(1, 9))), (2, int(rng.integers(1, 9))), (int(rng.integers(3, 30)), 1), (int(rng.integers(3, 60)), int(rng.integers(2, 60)))][trial]
    preds = float(rng.uniform(-3, 3)) + float(rng.uniform(0.1, 5)) * rng.standard_normal((R, n))
    f_true = rng.standard_normal(n)
    noise_var = float(rng.uniform(0, 2))
    got = student.bias_variance(preds, f_true, noise_var)
    expect.close(got, ref.bias_variance(preds, f_true, noise_var))
    _identity(preds, f_true, got, tol.identity)
