"""Grader for ch10.bn_invariance: ∂Λ/∂W against the reference; on the
student's own gradients, column-wise orthogonality ⟨∂Λ/∂W_{:,j}, W_{:,j}⟩ = 0
and homogeneity of degree -1 under positive column scalings (ε = 0)."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import affine


def _problem(rng, M, d_in, d_out, offset=0.0):
    X = offset + rng.standard_normal((M, d_in))
    W = rng.standard_normal((d_in, d_out))
    gamma, beta = affine(rng, d_out)
    G = rng.standard_normal((M, d_out))
    return X, W, gamma, beta, G


def _orthogonality(dW, X, W, gamma, G, rel):
    """|⟨∂Λ/∂W_{:,j}, W_{:,j}⟩| against the size float64 rounding can give it.

    Rounding leaves ~1e-16 of |γ_j|/σ_j (1 + |μ_j|/σ_j) ‖X‖ ‖G_{:,j}‖ ‖W_{:,j}‖ (μ_j, σ_j: the
    batch mean and std of Z_{:,j} = X W_{:,j}); over 20000 random cases the reference stays
    below 3e-16 of that scale, while a gradient with the statistics held constant is ≳ 1e-3
    of it and one with ε = 1e-5 hard-coded ≳ 1e-9. The allowed ratio is `rel` (1e-12)."""
    Z = X @ W
    sigma = Z.std(axis=0)
    scale = np.abs(gamma) / sigma * (1 + np.abs(Z.mean(axis=0)) / sigma) * np.linalg.norm(X) * np.linalg.norm(G, axis=0) * np.linalg.norm(W, axis=0)
    inner = np.sum(dW * W, axis=0)
    ratio = np.abs(inner) / scale
    j = int(np.argmax(ratio))
    expect.that(
        np.all(ratio <= rel),
        "⟨∂Λ/∂W_{:,j}, W_{:,j}⟩ = 0 for every column j when ε = 0 (BN(XW) does not change when a column of W is rescaled)",
        quantity="∂Λ/∂W",
        detail=f"column {j}: ⟨∂Λ/∂W_{{:,{j}}}, W_{{:,{j}}}⟩ = {inner[j]:.3g}, while float64 rounding explains at most {rel * scale[j]:.3g}",
    )


def test_values(student, ref, rng):
    """M = 6 samples, W of shape (4, 3), ε = 0"""
    X, W, gamma, beta, G = _problem(rng, 6, 4, 3)
    expect.close(student.bn_linear_layer_grad(X, W, gamma, beta, G, 0.0), ref.bn_linear_layer_grad(X, W, gamma, beta, G, 0.0))


def test_columns_orthogonal(student, ref, rng, tol):
    """with ε = 0 (the default) each column of ∂Λ/∂W is orthogonal to the same column of W"""
    X, W, gamma, beta, G = _problem(rng, 10, 5, 3)
    dW = expect.like(student.bn_linear_layer_grad(X, W, gamma, beta, G), W)
    _orthogonality(dW, X, W, gamma, G, tol.orth["rel"])
    expect.close(dW, ref.bn_linear_layer_grad(X, W, gamma, beta, G, 0.0))  # ∂Λ/∂W = 0 is orthogonal to everything


def test_scaling_homogeneity(student, ref, rng):
    """rescaling column j of W by a_j > 0 divides column j of ∂Λ/∂W by a_j"""
    X, W, gamma, beta, G = _problem(rng, 8, 3, 4)
    a = rng.permutation([0.25, 1.0, 3.0, 10.0])
    dW, dW_scaled = student.bn_linear_layer_grad.many([(X, W, gamma, beta, G, 0.0), (X, W * a, gamma, beta, G, 0.0)])  # one round trip
    expect.close(dW, ref.bn_linear_layer_grad(X, W, gamma, beta, G, 0.0))  # ∂Λ/∂W = 0 is homogeneous too
    dW_scaled = expect.like(dW_scaled, W)
    expect.close(dW_scaled, dW / a, names="∂Λ/∂W at W diag(a) vs (∂Λ/∂W at W) diag(1/a)")


def test_eps_argument(student, ref, rng):
    """ε = 1e-3 is passed in and must be used"""
    X, W, gamma, beta, G = _problem(rng, 5, 2, 3)
    W = 0.05 * W  # small pre-activations, so that ε matters
    expect.close(student.bn_linear_layer_grad(X, W, gamma, beta, G, 1e-3), ref.bn_linear_layer_grad(X, W, gamma, beta, G, 1e-3))


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_random(student, ref, rng, tol, trial):
    """random pairwise-distinct M, d_in, d_out; input offsets; orthogonality on every case"""
    M, d_in, d_out = (int(s) for s in rng.choice(np.arange(3, 10), size=3, replace=False))
    X, W, gamma, beta, G = _problem(rng, M, d_in, d_out, offset=float(rng.uniform(-5, 5)))
    dW = student.bn_linear_layer_grad(X, W, gamma, beta, G, 0.0)
    expect.close(dW, ref.bn_linear_layer_grad(X, W, gamma, beta, G, 0.0))
    _orthogonality(dW, X, W, gamma, G, tol.orth["rel"])


@mark.hidden
def test_hidden_two_samples(student, ref, rng):
    """M = 2: BN(XW) = ±γ + β is locally constant, so ∂Λ/∂W = 0 (and M = 3, where it is not)"""
    X, W, gamma, beta, G = _problem(rng, 2, 4, 3)
    # The exact gradient is 0; what a float64 computation leaves is rounding in Ẑ = ±1
    # (relative size ~ 1e-16 |Z|/σ) amplified by |γ|/σ, with σ_j = |Z_1j - Z_2j|/2. Measured
    # against that scale, the reference stays below 2e-16 over 5000 seeds: 1e-12 is safe.
    Z = X @ W
    sigma = np.abs(Z[0] - Z[1]) / 2
    scale = np.max(np.abs(gamma) / sigma * (1 + np.abs(Z).max(axis=0) / sigma)) * np.linalg.norm(X) * np.linalg.norm(G)
    dW = expect.like(student.bn_linear_layer_grad(X, W, gamma, beta, G, 0.0), W)
    expect.close(dW / scale, np.zeros((4, 3)), expect.Tol(0.0, 1e-12), names="∂Λ/∂W (scaled; it must vanish for M = 2)")
    X, W, gamma, beta, G = _problem(rng, 3, 4, 3)
    expect.close(student.bn_linear_layer_grad(X, W, gamma, beta, G, 0.0), ref.bn_linear_layer_grad(X, W, gamma, beta, G, 0.0))


@mark.hidden
def test_hidden_with_eps(student, ref, rng):
    """ε = 1e-2 with M = 7 and d_in = 1"""
    X, W, gamma, beta, G = _problem(rng, 7, 1, 5)
    expect.close(student.bn_linear_layer_grad(X, W, gamma, beta, G, 1e-2), ref.bn_linear_layer_grad(X, W, gamma, beta, G, 1e-2))
