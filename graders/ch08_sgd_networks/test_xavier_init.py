"""Grader for ch08.xavier_init.

xavier_init is checked exactly by undoing it (W^ℓ √d_{ℓ-1} / C must give back
U^ℓ; on failure the divisor actually used is named). preactivation_variances is
checked against the reference. Then the theory, with the student's two
functions together: Xavier weights keep Var Z^ℓ of a 10-layer linear network
near Var X, while W = U multiplies it by about d_{ℓ-1} at every layer.
"""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import NAIVE_M, NAIVE_WIDTHS, XAVIER_M, XAVIER_WIDTHS, XAVIER_WIDTHS_HIDDEN, gaussian_case, naive_log_growth, xavier_widths


def _scaling(student, sizes, U, C, tol, got=None):
    """Check xavier_init(sizes, U, C); ``got`` is its result when the grader already has it (batched calls)."""
    Ws = expect.like(student.xavier_init(sizes, U, C) if got is None else got, [np.zeros_like(u) for u in U])
    for l, (W, u) in enumerate(zip(Ws, U)):
        back = W * np.sqrt(sizes[l]) / C
        if np.all(np.abs(back - u) <= tol.inverse.rtol * np.abs(u)):
            continue
        used = float(np.median(C * u / W)) if np.all(W != 0) else float("nan")
        candidates = {
            f"√d_{l} = √{sizes[l]} (fan-in, right)": np.sqrt(sizes[l]),
            f"√d_{l + 1} = √{sizes[l + 1]} (fan-out)": np.sqrt(sizes[l + 1]),
            f"d_{l} = {sizes[l]} (no square root)": float(sizes[l]),
            f"d_{l + 1} = {sizes[l + 1]}": float(sizes[l + 1]),
        }
        guess = [name for name, value in candidates.items() if np.isclose(used, value, rtol=1e-9)]
        expect.that(
            False,
            f"W^{l + 1} must be C·U^{l + 1}/√d_{l} with d_{l} = {sizes[l]} the number of inputs of layer {l + 1}",
            quantity=f"W^{l + 1}",
            detail=f"your W^{l + 1} is C·U^{l + 1} divided by {used:.6g}" + (f", i.e. by {guess[0]}" if guess else "")
            + f"; expected the divisor √{sizes[l]} = {np.sqrt(sizes[l]):.6g}",
        )


def test_exact_scaling(student, rng, tol):
    """sizes [3, 5, 2, 4], C = 1 and C = √2: W^ℓ·√d_{ℓ-1}/C gives back U^ℓ"""
    sizes = [3, 5, 2, 4]
    cases = [([rng.standard_normal((a, b)) for a, b in zip(sizes[:-1], sizes[1:])], C) for C in (1.0, np.sqrt(2.0))]
    for got, (U, C) in zip(student.xavier_init.many([(sizes, U, C) for U, C in cases]), cases):  # one round trip
        _scaling(student, sizes, U, C, tol, got)


def test_variances_values(student, ref, rng):
    """net 4→6→3→5 without biases, M=8, activations tanh, relu and identity"""
    sizes = [4, 6, 3, 5]
    X = rng.standard_normal((8, 4))
    Ws = [rng.standard_normal((a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    activations = ("tanh", "relu", "identity")
    for got, activation in zip(student.preactivation_variances.many([(X, Ws, a) for a in activations]), activations):  # one round trip
        expect.close(got, ref.preactivation_variances(X, Ws, activation), "variances")


def _xavier_band(student, ref, rng, tol, base):
    widths = xavier_widths(rng, base)
    X, U = gaussian_case(rng, widths, XAVIER_M)
    _scaling(student, widths, U, 1.0, tol)  # your xavier_init is exactly C U / √d_{ℓ-1} ...
    Ws = [u / np.sqrt(widths[l]) for l, u in enumerate(U)]  # ... so these are your weights
    v = expect.like(student.preactivation_variances(X, Ws, "identity"), np.zeros(len(U)))
    expect.close(v, ref.preactivation_variances(X, Ws, "identity"), "variances")
    lo, hi = tol.band["lo"], tol.band["hi"]
    # Var Z^ℓ fluctuates around Var X ≈ 1 through the shared random weights: the sd of
    # log Var Z^ℓ grows roughly like ℓ/d and is ≤ 0.11 at the last layer for these widths,
    # so the band [1/2, 2] (|log| ≤ 0.69) is ≥ 6 sd: false-failure probability ≈ 1e-9
    # (calibrated on the reference over 200 seeds in tests/oracles/test_ch08_sgd_networks.py).
    bad = np.flatnonzero((v < lo) | (v > hi))
    expect.that(
        bad.size == 0,
        f"with Xavier weights a linear net keeps every Var Z^ℓ within [{lo:g}, {hi:g}] (Var X ≈ 1)",
        quantity="Var Z^ℓ",
        detail=f"widths {widths}, M = {XAVIER_M}: Var Z^ℓ for ℓ = 1..{len(v)} = {np.array2string(v, precision=3)}",
    )


def test_variance_preserved(student, ref, rng, tol):
    """[theory] 10 linear layers of widths 56 to 160 (order from the seed), M=256: every Var Z^ℓ stays in [1/2, 2]"""
    _xavier_band(student, ref, rng, tol, XAVIER_WIDTHS)


def test_naive_init_explodes(student, ref, rng, tol):
    """[theory] with W = U (no scaling) each linear layer multiplies Var Z by about d_{ℓ-1}"""
    X, U = gaussian_case(rng, NAIVE_WIDTHS, NAIVE_M)
    v = expect.like(student.preactivation_variances(X, U, "identity"), np.zeros(len(U)))
    expect.close(v, ref.preactivation_variances(X, U, "identity"), "variances")
    dev = naive_log_growth(v, X, NAIVE_WIDTHS)
    # per-layer log ratio - log d has sd ≤ 0.08 here, so 0.5 is > 6 sd: false-failure probability
    # ≈ 1e-9 (calibrated on the reference over 200 seeds in tests/oracles/test_ch08_sgd_networks.py)
    expect.that(
        bool(np.all(np.abs(dev) <= tol.growth["log"])),
        "with W = U, Var Z^ℓ / Var Z^{ℓ-1} ≈ d_{ℓ-1}: the variance grows like d^ℓ",
        quantity="Var Z^ℓ",
        detail=f"widths {NAIVE_WIDTHS}: Var Z^ℓ = {np.array2string(v, precision=4)}; expected growth factors {NAIVE_WIDTHS[:-1]}",
    )


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_values(student, ref, rng, tol, trial):
    """pairwise-distinct random sizes, M = 1 and M = 2 included, all activations, random C"""
    L = int(rng.integers(1, 5))
    sizes = [int(s) for s in rng.choice(np.arange(1, 12), size=L + 1, replace=False)]
    M = [1, 2, int(rng.integers(3, 30))][trial]
    U = [rng.standard_normal((a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    C = float(rng.uniform(0.5, 2.0))
    first, again = student.xavier_init.many([(sizes, U, C), (sizes, U, C)])  # one round trip
    _scaling(student, sizes, U, C, tol, first)
    expect.close(again, ref.xavier_init(sizes, U, C))
    X = 2 * rng.standard_normal((M, sizes[0]))
    activations = ("tanh", "sigmoid", "relu", "identity")
    for got, activation in zip(student.preactivation_variances.many([(X, U, a) for a in activations]), activations):  # one round trip
        expect.close(got, ref.preactivation_variances(X, U, activation), "variances")


@mark.hidden
@mark.weight(2)
def test_hidden_variance_preserved(student, ref, rng, tol):
    """[theory] the Xavier band on other widths and a fresh draw"""
    _xavier_band(student, ref, rng, tol, XAVIER_WIDTHS_HIDDEN)
