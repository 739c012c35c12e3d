"""Grader for ch04.kernel_perceptron: with k(x, x') = x·x' + 1 the dual run
must reproduce the primal perceptron's mistake counts (an independent
algorithm); on XOR with the degree-2 polynomial kernel it must separate the
training set within Novikoff's bound in feature space; predictions against
the reference and against the training labels."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import dyadic, like, separable, xor


def alphas(student, K, y, order, **kw):
    return like(student.kernel_perceptron(K, y, order, **kw), np.zeros(len(y), dtype=np.int64), "α (mistake counts)")


def separated(K, y, alpha):
    f = K @ (alpha * y)
    bad = np.flatnonzero(y * f <= 0)
    expect.that(
        bad.size == 0,
        "after training, every training point has y_m f(x_m) > 0 with f = Σ_j α_j y_j k(x_j, ·)",
        quantity="α (mistake counts)",
        detail=f"{bad.size} of {len(y)} training points misclassified or on the boundary" + (f", first m = {bad[0]}: y_m f(x_m) = {y[bad[0]] * f[bad[0]]:.4g}" if bad.size else ""),
    )


def xor_bound(X, y, c=1.0):
    """(R_φ/γ)² for φ of (x·x' + c)² and the unit direction of the feature √2 x_1 x_2."""
    R2 = np.max((np.sum(X**2, axis=1) + c) ** 2)
    gamma = np.min(np.sqrt(2.0) * np.abs(X[:, 0] * X[:, 1]))
    return float(R2 / gamma**2)


def test_linear_kernel_is_the_primal_perceptron(student, ref, rng):
    """k(x, x') = x·x' + 1: the same α as the primal perceptron on the same order"""
    X, y, _ = separable(rng, 18, 2)
    order = rng.permutation(18)
    _, primal_alpha, _ = ref.perceptron(X, y, order)
    got = alphas(student, X @ X.T + 1.0, y, order)
    expect.equal(got, primal_alpha, names="α vs the primal perceptron's α (linear kernel + 1)")


def test_xor_poly_kernel(student, rng):
    """XOR with k = (x·x' + 1)²: the training set is separated, with Σα ≤ (R_φ/γ)² (Novikoff in feature space)"""
    X, y = xor(rng)
    K = (X @ X.T + 1.0) ** 2
    alpha = alphas(student, K, y, rng.permutation(len(y)))
    separated(K, y, alpha)
    bound = xor_bound(X, y)
    expect.that(alpha.sum() <= bound, "Novikoff: Σ α_m ≤ (R_φ/γ)² in feature space", quantity="α (mistake counts)", detail=f"Σα = {int(alpha.sum())}, bound {bound:.1f}")


def test_matches_reference(student, ref, rng):
    """Gaussian kernel on 12 points (Gram matrix from the reference's kernel_matrix)"""
    X = rng.uniform(-2, 2, (12, 2))
    y = np.where(np.sin(2 * X[:, 0]) + X[:, 1] > 0, 1, -1)
    K = ref.kernel_matrix(X, X, "rbf", bandwidth=0.7)
    order = rng.permutation(12)
    expect.equal(student.kernel_perceptron(K, y, order), ref.kernel_perceptron(K, y, order))


def test_max_epochs(student, ref, rng):
    """XOR with the LINEAR kernel + 1 cannot be separated: stop after max_epochs = 3"""
    X, y = xor(rng, 2)
    order = rng.permutation(len(y))
    K = X @ X.T + 1.0
    expect.equal(student.kernel_perceptron(K, y, order, max_epochs=3), ref.kernel_perceptron(K, y, order, max_epochs=3))


def zero_rows(rng, alpha, y, M):
    """Test-kernel rows with f(x_t) = Σ_j α_j y_j k(x_j, x_t) exactly 0: a zero row, and rows
    r = c_j e_i - c_i e_j with c = α ⊙ y (integers, so r·c = 0 exactly)."""
    c = alpha * y
    rows = [np.zeros(M)]
    nz = np.flatnonzero(c)
    for _ in range(2):
        if nz.size >= 2:
            i, j = rng.choice(nz, size=2, replace=False)
            r = rng.integers(-2, 3, M).astype(np.float64) * (c == 0)  # entries where c = 0 add nothing
            r[i], r[j] = c[j], -c[i]
            rows.append(r)
    return np.array(rows)


def test_predict(student, ref, rng):
    """predictions at 7 new points (K_test_train of shape (7, 10)), on the training points, and where f(x) = 0 exactly (→ -1)"""
    X, y = xor(rng, 3)
    X, y = X[:10], y[:10]
    K = (X @ X.T + 1.0) ** 2
    alpha = np.asarray(ref.kernel_perceptron(K, y, np.arange(10)))
    T = dyadic(rng, (7, 2))
    Kt = (T @ X.T + 1.0) ** 2
    expect.equal(student.kernel_perceptron_predict(alpha, y, Kt), ref.kernel_perceptron_predict(alpha, y, Kt))
    expect.equal(student.kernel_perceptron_predict(alpha, y, K), y, names="predictions on the (separated) training points vs their labels")
    Z = zero_rows(rng, alpha, y, 10)
    expect.equal(
        student.kernel_perceptron_predict(alpha, y, Z), -np.ones(len(Z), dtype=np.int64),
        names="predictions where f(x_t) = 0 exactly (the convention: +1 if f > 0, else -1)",
    )
    expect.equal(student.kernel_perceptron_predict(np.zeros(10, dtype=np.int64), y, Kt), -np.ones(7, dtype=np.int64),
                 names="predictions with α = 0 (f = 0 everywhere, so -1 everywhere)")


@mark.hidden
@mark.weight(2)
@mark.parametrize("M,d", [(1, 2), (2, 3), (25, 4)])
def test_hidden_primal(student, ref, rng, M, d):
    """linear kernel + 1 vs the primal perceptron, random shapes incl. M = 1, 2"""
    X, y, _ = separable(rng, M, d)
    order = rng.permutation(M)
    expect.equal(student.kernel_perceptron(X @ X.T + 1.0, y, order), ref.perceptron(X, y, order)[1])


@mark.hidden
@mark.weight(2)
def test_hidden_rbf(student, ref, rng):
    """Gaussian kernel, hidden data: α, separation and predictions with n_test ≠ M, some with f = 0 exactly"""
    M = int(rng.integers(8, 20))
    X = rng.uniform(-2, 2, (M, 3))
    y = np.where(X[:, 0] * X[:, 1] - X[:, 2] > 0, 1, -1)
    K = ref.kernel_matrix(X, X, "rbf", bandwidth=0.8)
    order = rng.permutation(M)
    alpha = student.kernel_perceptron(K, y, order)
    expect.equal(alpha, ref.kernel_perceptron(K, y, order))
    separated(K, y, alpha)
    T = rng.uniform(-2, 2, (M + 3, 3))
    Kt = ref.kernel_matrix(T, X, "rbf", bandwidth=0.8)
    ra = np.asarray(ref.kernel_perceptron(K, y, order))
    Kt = np.vstack([Kt, zero_rows(rng, ra, y, M)])
    Kt = Kt[rng.permutation(len(Kt))]
    expect.equal(student.kernel_perceptron_predict(ra, y, Kt), ref.kernel_perceptron_predict(ra, y, Kt))


@mark.hidden
def test_hidden_xor(student, rng):
    """XOR with the degree-2 polynomial kernel, hidden order"""
    X, y = xor(rng, int(rng.integers(2, 5)))
    K = (X @ X.T + 1.0) ** 2
    alpha = alphas(student, K, y, rng.permutation(len(y)))
    separated(K, y, alpha)
    expect.that(alpha.sum() <= xor_bound(X, y), "Novikoff: Σ α_m ≤ (R_φ/γ)²", quantity="α (mistake counts)")
