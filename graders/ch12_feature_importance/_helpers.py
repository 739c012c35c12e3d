"""Models and data shared by the chapter 12 graders.

The models handed to student code (`predict`, `grad_fn`) are grader functions
of mathdl_cli.kernels: they cross to the student's process as their parameters
and run there, so the student's calls to them cost no round trip. Every one of
them works on a batch of rows, so a student may call them once per point or
once on a stack of points.
"""

import numpy as np

from mathdl_cli import kernels

# -- networks in the book's convention (for gradient_importance) -------------------


def network(rng, sizes, scale=1.0):
    """Ws[ℓ-1] of shape (d_{ℓ-1}, d_ℓ) with variance scale²/d_{ℓ-1}, bs[ℓ-1] of shape (d_ℓ,)."""
    Ws = [scale * rng.standard_normal((a, b)) / np.sqrt(a) for a, b in zip(sizes[:-1], sizes[1:])]
    bs = [0.5 * rng.standard_normal(b) for b in sizes[1:]]
    return Ws, bs


def _sigma(Z, activation):
    if activation == "tanh":
        return np.tanh(Z)
    if activation == "sigmoid":
        return 0.5 * (1.0 + np.tanh(0.5 * Z))  # the logistic function, overflow-free
    if activation == "relu":
        return np.maximum(Z, 0.0)
    if activation == "identity":
        return Z
    raise ValueError(activation)


def network_output(X, Ws, bs, activation):
    """U = Z^L of the network on the batch X (the grader's own forward pass)."""
    H = X
    for ell, (W, b) in enumerate(zip(Ws, bs), start=1):
        Z = H @ W + b
        H = _sigma(Z, activation) if ell < len(Ws) else Z
    return H


def fd_input_gradients(X, Ws, bs, activation, o, h=1e-5):
    """Central differences of U[:, o] with respect to each input feature, for all
    samples at once (the rows of a batch do not interact): an (M, d_0) array."""
    G = np.empty(X.shape)
    for i in range(X.shape[1]):
        E = np.zeros_like(X)
        E[:, i] = h
        G[:, i] = (network_output(X + E, Ws, bs, activation)[:, o] - network_output(X - E, Ws, bs, activation)[:, o]) / (2 * h)
    return G


def hidden_sizes(rng):
    """Pairwise-distinct layer sizes, depth 1 to 4."""
    depth = int(rng.integers(1, 5))
    return [int(s) for s in rng.choice(np.arange(1, 10), size=depth + 1, replace=False)]


# -- models given as functions (permutation / occlusion importance) ------------------


def ols_problem(rng, M, d, noise=0.5):
    """Data with columns of distinct scales and non-zero means, and the least-squares
    fit with intercept on exactly these data: (X, y, w, b, predict)."""
    X = rng.uniform(0.5, 2.0, d) * rng.standard_normal((M, d)) + rng.uniform(-2.0, 2.0, d)
    y = X @ rng.uniform(-2.0, 2.0, d) + 0.3 + noise * rng.standard_normal(M)
    theta = np.linalg.lstsq(np.column_stack([X, np.ones(M)]), y, rcond=None)[0]
    w, b = theta[:-1].copy(), float(theta[-1])

    return X, y, w, b, kernels.Affine(w, b)  # predict(Z) = Z w + b


def nonlinear_model(rng, d, ignore=()):
    """A smooth nonlinear model of d features with interactions; the features in
    `ignore` do not enter it at all. Returns predict."""
    A = rng.standard_normal((d, 4))
    A[list(ignore), :] = 0.0
    c = rng.standard_normal(4)
    used = [i for i in range(d) if i not in ignore]
    i, j = (used[0], used[-1]) if used else (0, 0)
    q = 0.0 if not used else 0.5
    return kernels.TanhInteraction(A, c, q, i, j)  # predict(Z) = tanh(Z A) c + q Z_i Z_j


def permutations(rng, d, R, M):
    """(d, R, M) int64: independent uniform permutations of 0..M-1."""
    return rng.permuted(np.tile(np.arange(M, dtype=np.int64), (d, R, 1)), axis=2)


def ols_permutation_moments(X, y, w, b):
    """Exact mean and variance, over a uniform random permutation π, of the
    importance of each feature of the least-squares linear model
        I_i(π) = (1/(2M)) Σ_m [(y_m - pred_m + w_i (x_mi - x_π(m)i))² - (y_m - pred_m)²].
    With residuals r orthogonal to 1 and to every column, I_i(π) = const - Σ_m c_m x_π(m)i
    with c_m = (w_i² x_mi + w_i r_m) / M, a linear permutation statistic:
        E I_i = w_i² s_i²,   Var I_i = Σ_m (c_m - c̄)² Σ_m (x_mi - x̄_i)² / (M - 1)."""
    M = X.shape[0]
    r = y - X @ w - b
    mean = w**2 * X.var(axis=0)
    C = (w**2 * X + np.outer(r, w)) / M
    var = ((C - C.mean(axis=0)) ** 2).sum(axis=0) * ((X - X.mean(axis=0)) ** 2).sum(axis=0) / (M - 1)
    return mean, var


def ols_permutation_z(importance, X, y, w, b, R):
    """z-scores of a mean over R permutations against the exact expectation."""
    mean, var = ols_permutation_moments(X, y, w, b)
    return (importance - mean) / np.sqrt(var / R)


# -- scalar models with their gradients (integrated gradients) --------------------------


class TanhModel:
    """m(z) = Σ_j c_j tanh(a_j·z + b_j) + ½ q ‖z‖²: smooth, with curvature along any path."""

    def __init__(self, rng, d, width=5, q=0.3):
        self.A = rng.standard_normal((width, d)) / np.sqrt(d)
        self.b = 0.3 * rng.standard_normal(width)
        self.c = rng.standard_normal(width)
        self.q = q
        self.value = kernels.TanhRidge(self.A, self.b, self.c, q, 0)
        self.grad = kernels.TanhRidge(self.A, self.b, self.c, q, 1)


def quadratic(rng, d):
    """(A, b, grad_fn) of m(z) = ½ zᵀAz + b·z with A symmetric."""
    B = rng.standard_normal((d, d))
    A = 0.5 * (B + B.T)
    b = rng.standard_normal(d)

    return A, b, kernels.Affine(A, b)  # grad_fn(z) = z A + b (A symmetric)


class ExpModel:
    """m(z) = exp(v·z), with v scaled so that v·(x - x') = s for the chosen
    path. Along the path the integrand is s·exp(a + sα), whose odd derivatives
    all have one sign, so the midpoint rule's relative completeness error is
    exactly (h/2)/sinh(h/2) - 1 = -h²/24 + 7h⁴/5760 - ..., h = s/n: no
    cancellation, the error ratio err(n)/err(2n) tends to 4 from below."""

    def __init__(self, rng, x, x_base, s):
        delta = x - x_base
        u = rng.standard_normal(x.shape[0])
        u -= (u @ delta) / (delta @ delta) * delta  # orthogonal to the path
        self.v = s * delta / (delta @ delta) + 0.3 * u
        self.value = kernels.ExpRidge(self.v, 0)
        self.grad = kernels.ExpRidge(self.v, 1)
