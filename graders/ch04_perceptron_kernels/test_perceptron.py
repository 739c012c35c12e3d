"""Grader for ch04.perceptron: the run against the reference (exact on dyadic
data), and, on the student's own result, the dual representation
w̃ = Σ α_m y_m x̃_m, separation of the training set, Novikoff's bound
Σ α_m ≤ (R/γ)², and non-termination on XOR."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import augmented, like, novikoff_bound, separable, xor


def run(student, X, y, order, **kw):
    M, d = X.shape
    template = (np.zeros(d + 1), np.zeros(M, dtype=np.int64), 0)
    return like(student.perceptron(X, y, order, **kw), template, ("w̃ = (w, b)", "α (mistake counts)", "epochs used"))


def first_visit(order, alpha):
    """w̃ = 0 at the first visit is always a mistake (y·0 ≤ 0): α at order[0] is at least 1.
    (This also refuses a run that never updates, for which the properties below hold trivially.)"""
    expect.that(
        alpha[order[0]] >= 1,
        "the first visited sample is always a mistake (w̃ = 0 gives y_m w̃·x̃_m = 0 ≤ 0), so its α is at least 1",
        quantity="α (mistake counts)",
        detail=f"α[order[0]] = α[{int(order[0])}] = {int(alpha[order[0]])}",
    )


def dual_identity(X, y, w, alpha):
    expect.that(np.all(alpha >= 0), "mistake counts α_m are never negative", quantity="α (mistake counts)", detail=f"α = {alpha}")
    expect.close(w, augmented(X).T @ (alpha * y), names="w̃ vs Σ_m α_m y_m x̃_m (the dual representation)")


def separates(X, y, w, epochs, max_epochs):
    margins = y * (augmented(X) @ w)
    bad = np.flatnonzero(margins <= 0)
    expect.that(
        epochs < max_epochs and bad.size == 0,
        f"on separable data the perceptron stops before max_epochs = {max_epochs} with every y_m w̃·x̃_m > 0",
        quantity="w̃ = (w, b)",
        detail=f"epochs used {epochs}; {bad.size} of {len(y)} training points on the wrong side or on the boundary"
        + (f", first m = {bad[0]} with y_m w̃·x̃_m = {margins[bad[0]]:.4g}" if bad.size else ""),
    )


def novikoff(X, y, u, alpha):
    bound = novikoff_bound(X, y, u)
    expect.that(
        alpha.sum() <= bound,
        "Novikoff's theorem: the number of mistakes Σ_m α_m is at most (R/γ)²",
        quantity="α (mistake counts)",
        detail=f"Σ α_m = {int(alpha.sum())} > (R/γ)² = {bound:.1f}",
    )


def relabelled(rng, X, y, order):
    """The same run on renamed samples and on features permuted with random signs (a signed
    permutation maps the perceptron's run onto itself, exactly)."""
    M, d = X.shape
    perm = rng.permutation(M)  # new sample i is old sample perm[i]
    inverse = np.argsort(perm)
    features = rng.permutation(d)
    signs = rng.choice([-1.0, 1.0], d)
    return (X[perm][:, features] * signs), y[perm].astype(np.int64), inverse[order].astype(np.int64)


def test_hand_example(student, ref, rng):
    """four points in the plane (relabelled at random), 5 updates in 3 epochs, w̃ = (3, 3, -1) up to the relabelling"""
    X = np.array([[1.0, 3.0], [1.0, 1.0], [1.0, -1.0], [-3.0, 3.0]])
    y = np.array([1, 1, -1, -1])
    X, y, order = relabelled(rng, X, y, np.array([1, 2, 0, 3]))
    expect.close(student.perceptron(X, y, order), ref.perceptron(X, y, order))


def test_ties_are_mistakes(student, ref, rng):
    """y_m w̃·x̃_m = 0 is a mistake, also after updates and for y_m = -1: x = (1, 0) with y = +1 and x = (0, 0) with y = -1 (4 of its 5 mistakes are ties; 4 epochs)"""
    X = np.zeros((2, int(rng.integers(2, 4))))
    X[0, 0] = 1.0
    y = np.array([1, -1])
    X, y, order = relabelled(rng, X, y, np.array([1, 0]))
    expect.close(
        student.perceptron(X, y, order), ref.perceptron(X, y, order),
        detail="A mistake is y_m w̃·x̃_m ≤ 0: an exact tie, 0, is a mistake whatever the label. Comparing a prediction "
        "np.where(f > 0, 1, -1) with y_m misses the ties of the samples with y_m = -1.",
    )


def test_matches_reference(student, ref, rng):
    """separable data, M = 20, d = 2, a random visiting order"""
    X, y, _ = separable(rng, 20, 2)
    order = rng.permutation(20)
    expect.close(student.perceptron(X, y, order), ref.perceptron(X, y, order))


def test_dual_representation(student, rng):
    """w̃ = Σ_m α_m y_m x̃_m (exact: the data are multiples of 1/8)"""
    X, y, _ = separable(rng, 15, 3)
    order = rng.permutation(15)
    w, alpha, _ = run(student, X, y, order)
    first_visit(order, alpha)
    dual_identity(X, y, w, alpha)


def test_separates_training_set(student, rng):
    """on separable data it stops with every training point strictly on its side"""
    X, y, _ = separable(rng, 25, 2)
    w, _, epochs = run(student, X, y, rng.permutation(25), max_epochs=500)
    separates(X, y, w, epochs, 500)


def test_novikoff_bound(student, rng):
    """Novikoff: Σ α_m ≤ (R/γ)² for a unit u with margin γ (the grader's certificate)"""
    X, y, u = separable(rng, 40, 2, gamma=0.2)
    order = rng.permutation(40)
    _, alpha, _ = run(student, X, y, order)
    first_visit(order, alpha)
    novikoff(X, y, u, alpha)


def test_xor_never_separates(student, ref, rng):
    """XOR is not linearly separable: all max_epochs = 6 epochs are used"""
    X, y = xor(rng)
    order = rng.permutation(len(y))
    _, _, epochs = run(student, X, y, order, max_epochs=6)
    expect.that(epochs == 6, "on XOR every epoch has a mistake, so epochs_used must equal max_epochs", quantity="epochs used", detail=f"got {epochs}")
    expect.close(student.perceptron(X, y, order, max_epochs=6), ref.perceptron(X, y, order, max_epochs=6))


@mark.hidden
@mark.weight(2)
@mark.parametrize("M,d", [(1, 2), (2, 1), (2, 4), (30, 5), (12, 1)])
def test_hidden_random(student, ref, rng, M, d):
    """random shapes incl. M = 1 and 2, random orders: the run, the dual form, separation, Novikoff"""
    X, y, u = separable(rng, M, d, gamma=float(rng.uniform(0.2, 0.5)))
    order = rng.permutation(M)
    got = student.perceptron(X, y, order)
    expect.close(got, ref.perceptron(X, y, order))
    w, alpha, epochs = got
    first_visit(order, alpha)
    dual_identity(X, y, w, alpha)
    separates(X, y, w, epochs, 1000)
    novikoff(X, y, u, alpha)


@mark.hidden
def test_hidden_ties(student, ref, rng):
    """ties after updates on coarse data (multiples of 1/2, so y w̃·x̃ = 0 happens often)"""
    M = int(rng.integers(3, 8))
    X = rng.integers(-2, 3, (M, 2)) / 2.0
    y = rng.choice([-1, 1], M).astype(np.int64)
    order = rng.permutation(M)
    expect.close(student.perceptron(X, y, order, max_epochs=7), ref.perceptron(X, y, order, max_epochs=7))


@mark.hidden
def test_hidden_xor(student, ref, rng):
    """XOR with a hidden order and max_epochs"""
    X, y = xor(rng, per_quadrant=int(rng.integers(1, 4)))
    order = rng.permutation(len(y))
    n = int(rng.integers(2, 9))
    expect.close(student.perceptron(X, y, order, max_epochs=n), ref.perceptron(X, y, order, max_epochs=n))
