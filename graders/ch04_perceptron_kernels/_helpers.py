"""Data shared by the chapter 4 graders.

Points for the perceptrons lie on the dyadic grid (multiples of 1/8, |x| ≤ 2):
every sum and inner product the perceptron forms is then exact in float64, so
the mistake test y w̃·x̃ ≤ 0 has one right answer, ties included, and w̃ equals
Σ α_m y_m x̃_m exactly, whatever the order of the additions.
"""

from __future__ import annotations

import numbers

import numpy as np

from mathdl_cli.grading import expect


def dyadic(rng: np.random.Generator, shape, half_width: int = 16) -> np.ndarray:
    """Multiples of 1/8 in [-half_width/8, half_width/8]."""
    return rng.integers(-half_width, half_width + 1, size=shape) / 8.0


def augmented(X: np.ndarray) -> np.ndarray:
    return np.column_stack([X, np.ones(X.shape[0])])


def separable(rng: np.random.Generator, M: int, d: int, gamma: float = 0.3) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(X (M, d) dyadic, y (M,) int64 ±1, u (d+1,) unit) with y_m u·x̃_m ≥ gamma for all m."""
    u = rng.standard_normal(d + 1)
    u[-1] = rng.uniform(-0.6, 0.6) * np.linalg.norm(u[:-1])  # a bias is needed, but not a dominant one
    u /= np.linalg.norm(u)
    rows = []
    while len(rows) < M:
        cand = dyadic(rng, (4 * M, d))
        keep = cand[np.abs(augmented(cand) @ u) >= gamma]
        rows.extend(keep[: M - len(rows)])
    X = np.array(rows)
    y = np.where(augmented(X) @ u > 0, 1, -1).astype(np.int64)
    return X, y, u


def novikoff_bound(X: np.ndarray, y: np.ndarray, u: np.ndarray) -> float:
    """(R/γ)² with R = max ‖x̃_m‖ and γ = min y_m u·x̃_m (u a unit vector)."""
    Xt = augmented(X)
    R = np.linalg.norm(Xt, axis=1).max()
    gamma = np.min(y * (Xt @ u))
    return float((R / gamma) ** 2)


def xor(rng: np.random.Generator, per_quadrant: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """XOR data: dyadic points with |x_1|, |x_2| ≥ 1/2 in the four quadrants, y = sign(x_1 x_2)."""
    mag = rng.integers(4, 17, size=(4 * per_quadrant, 2)) / 8.0
    signs = np.repeat(np.array([[1, 1], [-1, -1], [1, -1], [-1, 1]]), per_quadrant, axis=0)
    X = mag * signs
    y = np.where(X[:, 0] * X[:, 1] > 0, 1, -1).astype(np.int64)
    perm = rng.permutation(len(X))
    return X[perm], y[perm]


def regression(rng: np.random.Generator, M: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    X = rng.uniform(-1, 1, (M, d))
    y = np.sin(2 * X.sum(axis=1)) + 0.1 * rng.standard_normal(M)
    return X, y


def like(got, template, names):
    """Structure, type, shape and dtype of ``got`` against ``template`` (values
    not compared), for results with integer parts. (``expect.like`` compares
    integer leaves by value, so integer leaves are checked here instead.)
    ``names`` are the quantity names of the template's leaves (a str for a
    single result)."""
    if isinstance(template, tuple):
        expect.that(
            isinstance(got, (tuple, list)) and len(got) == len(template),
            f"the result must be a tuple of {len(template)}: ({', '.join(names)})",
            quantity="the result",
            detail=f"got {type(got).__name__}" + (f" of length {len(got)}" if isinstance(got, (tuple, list)) else ""),
        )
        return tuple(like(g, t, n) for g, t, n in zip(got, template, names))
    if isinstance(template, np.ndarray) and template.dtype.kind in "iu":
        expect.shape(got, template.shape, quantity=names)
        expect.that(got.dtype.kind in "iu", "must be an integer array (int64)", quantity=names, detail=f"got dtype {got.dtype}")
        return got
    if isinstance(template, int):
        expect.that(
            isinstance(got, numbers.Integral) and not isinstance(got, bool),
            "must be a Python int",
            quantity=names,
            detail=f"got {type(got).__name__}",
        )
        return got
    return expect.like(got, template, names=names)


# -- the SVM ------------------------------------------------------------------------------


def blobs(rng: np.random.Generator, M: int, d: int, gap: float = 1.0, n_pos: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Two overlapping Gaussian clouds, labels int64 ±1 with both labels present
    (n_pos positives, else about half), the classes `gap` apart along a random direction."""
    n_pos = max(1, min(M - 1, M // 2 if n_pos is None else n_pos))
    y = np.array([1] * n_pos + [-1] * (M - n_pos), dtype=np.int64)[rng.permutation(M)]
    u = rng.standard_normal(d)
    X = rng.standard_normal((M, d)) + 0.5 * gap * y[:, None] * u / np.linalg.norm(u)
    return X, y


def rbf(A: np.ndarray, B: np.ndarray, s: float) -> np.ndarray:
    diff = A[:, None, :] - B[None, :, :]
    return np.exp(-np.einsum("nmk,nmk->nm", diff, diff) / (2.0 * s * s))


def hinge_objective(w, b, X, y, lam) -> float:
    """The stated Λ(w, b) = (λ/2)‖w‖² + (1/M) Σ max(0, 1 - y_m (w·x_m + b))."""
    return 0.5 * lam * float(w @ w) + float(np.mean(np.maximum(0.0, 1.0 - y * (X @ w + b))))


def kink_data(rng: np.random.Generator, M: int, d: int, lam: float):
    """(w, b, X, y) on the dyadic grid with y_m (w·x_m + b) = 1 EXACTLY for a third of the
    samples (the hinge's kink), and margins at least 1/8 away from 1 for the others."""
    w = dyadic(rng, d, 8)
    w[0] = 0.5 * rng.choice([-1.0, 1.0])  # a power of two: the margin equation is solved exactly
    b = float(dyadic(rng, 1, 8)[0])
    y = rng.choice([-1, 1], M).astype(np.int64)
    X = dyadic(rng, (M, d), 16)
    on_kink = rng.permutation(M)[: max(1, M // 3)]
    for m in range(M):
        rest = float(X[m, 1:] @ w[1:]) + b
        if m in on_kink:
            X[m, 0] = (y[m] - rest) / w[0]  # y (w·x + b) = 1 with y = ±1
        else:
            while abs(y[m] * (X[m] @ w + b) - 1.0) < 0.125:
                X[m, 0] += 0.5
    return w, b, X, y


def pegasos_kink_case(rng: np.random.Generator, T: int, d: int):
    """(X, y, lam, idx) for Pegasos whose step 2 meets a margin of exactly 1: step 1 gives
    w_1 = y_i x_i / λ, and sample j has y_j = y_i and x_i·x_j = λ (dyadic, so exact).

    Every other step's margin is at least 1e-6 from 1 in exact arithmetic. Dyadic data make
    exact ties at later steps likely too (one sample repeated k times has margin
    k‖x‖²/(λt)); there, rounding decides the step, and a correct implementation that
    rounds differently (w_t = S_t/(λt) unrolled, say) would take the other branch."""
    lam = 2.0 ** -int(rng.integers(1, 4))
    M = max(3, d + 1)
    while True:
        X = dyadic(rng, (M, d), 16)
        y = rng.choice([-1, 1], M).astype(np.int64)
        X[0, 0] = 0.5 * rng.choice([-1.0, 1.0])
        X[1, 0] = (lam - float(X[0, 1:] @ X[1, 1:])) / X[0, 0]
        y[1] = y[0]
        idx = np.concatenate([[0, 1], rng.integers(0, M, T - 2)]).astype(np.int64)
        margins = exact_pegasos_margins(X, y, lam, idx)
        if margins[1] == 1 and all(abs(m - 1) >= 1e-6 for t, m in enumerate(margins) if t != 1):
            return X, y, lam, idx


def exact_pegasos_margins(X, y, lam, idx) -> list:
    """y_i w_{t-1}·x_i at every step t, in exact rational arithmetic (floats are dyadic
    rationals, so this is the value that the update's rounding approximates)."""
    from fractions import Fraction

    rows = [[Fraction(float(v)) for v in row] for row in X]
    lam_q = Fraction(float(lam))
    w = [Fraction(0)] * X.shape[1]
    margins = []
    for t, i in enumerate(idx, start=1):
        x, s = rows[int(i)], int(y[int(i)])
        margin = s * sum(a * b for a, b in zip(w, x))
        margins.append(margin)
        shrink = 1 - Fraction(1, t)
        w = [shrink * a + (s * b / (lam_q * t) if margin < 1 else 0) for a, b in zip(w, x)]
    return margins


def dual_value(K, y, alpha) -> float:
    """D(α) = Σ α - ½ (α⊙y)ᵀ K (α⊙y)."""
    c = alpha * y
    return float(alpha.sum() - 0.5 * c @ K @ c)


def primal_value(K, y, lam, alpha, b) -> float:
    """P = (λ/2)‖f‖²_𝓗 + (1/M) Σ max(0, 1 - y_m (f(x_m) + b)) for f = Σ α_m y_m k(x_m, ·)."""
    c = alpha * y
    g = K @ c
    return float(0.5 * lam * c @ g + np.mean(np.maximum(0.0, 1.0 - y * (g + b))))


def kkt_violation(K, y, lam, alpha) -> tuple[float, int, int]:
    """The maximal violating pair of the docstring: max_{I_up}(-y G) - min_{I_low}(-y G), with α
    within 1e-10·C of a bound counted as on it; returns (violation, i, j)."""
    M = len(y)
    C = 1.0 / (lam * M)
    eps = 1e-10 * C
    s = y.astype(np.float64)
    score = -s * ((K * np.outer(s, s)) @ alpha - 1.0)
    up = ((alpha < C - eps) & (s > 0)) | ((alpha > eps) & (s < 0))
    low = ((alpha < C - eps) & (s < 0)) | ((alpha > eps) & (s > 0))
    i = int(np.argmax(np.where(up, score, -np.inf)))
    j = int(np.argmin(np.where(low, score, np.inf)))
    if not up.any() or not low.any():
        return 0.0, i, j
    return float(score[i] - score[j]), i, j
