"""Shared helpers for the chapter 6 graders.

The forward pass is Chapter 5's, provided to students in their chapter 6 module
(exercises/_provided/mlp.py); the graders load the same code, so they
can compute forward quantities (U, Z^ℓ) without any of this chapter's answers.
"""

from __future__ import annotations

import numpy as np

from mathdl_cli import kernels
from mathdl_cli.catalog import load_course
from mathdl_cli.grading import expect, gen
from mathdl_cli.grading.gen import random_net
from mathdl_cli.grading.proxies import each

_PROVIDED: dict = {}
exec(compile(load_course().chapter("backprop").provided, "provided.py", "exec"), _PROVIDED)  # noqa: S102 - course file
forward = _PROVIDED["mlp_forward"]

SMOOTH = ("sigmoid", "tanh", "softplus")
KINKED = ("relu", "leaky_relu")
KINK_MARGIN = 1e-3
ADVICE = (
    "Subtract each row's maximum logit before exponentiating (log-sum-exp), "
    "so that np.exp only sees non-positive arguments."
)


# -- random networks ---------------------------------------------------------------


def distinct_sizes(rng: np.random.Generator, n_layers: int, low: int = 2, high: int = 9) -> list[int]:
    """n_layers + 1 pairwise-distinct widths: a missing transpose cannot go unnoticed."""
    return gen.distinct_sizes(rng, n_layers + 1, low, high + n_layers)


def regression_case(rng, sizes, M, activation, scale=1.0):
    """(X, Y, Ws, bs) for the square loss; for ReLU-type activations every hidden
    pre-activation is kept at least KINK_MARGIN away from the kink at 0, so that
    finite differences with steps of 1e-6 never cross it."""
    for _ in range(200):
        X = rng.standard_normal((M, sizes[0]))
        Ws, bs = random_net(rng, sizes, scale)
        if activation not in KINKED or away_from_kinks(X, Ws, bs, activation):
            Y = rng.standard_normal((M, sizes[-1]))
            return X, Y, Ws, bs
    raise RuntimeError("could not draw a network away from the ReLU kinks")


def classification_case(rng, sizes, M, activation, scale=1.0):
    X, _, Ws, bs = regression_case(rng, sizes, M, activation, scale)
    C = sizes[-1]
    y = rng.integers(0, C, M).astype(np.int64)
    return X, y, Ws, bs


def away_from_kinks(X, Ws, bs, activation) -> bool:
    _, Zs, _ = forward(X, Ws, bs, activation)
    return all(np.min(np.abs(Z)) >= KINK_MARGIN for Z in Zs[:-1])


def vanishing_case(rng, depth: int = 20, width: int = 8, M: int = 10):
    """The deep sigmoid network of the vanishing-gradient demonstration:
    W_{ij} ~ N(0, 1/width), zero biases, X and Y standard normal."""
    Ws = [rng.standard_normal((width, width)) / np.sqrt(width) for _ in range(depth)]
    bs = [np.zeros(width) for _ in range(depth)]
    X = rng.standard_normal((M, width))
    Y = rng.standard_normal((M, width))
    return X, Y, Ws, bs


# -- gradient checks on the student's own objective -----------------------------------


def layer_names(L: int) -> list[str]:
    return [f"∂Λ/∂W^{k}" for k in range(1, L + 1)] + [f"∂Λ/∂B^{k}" for k in range(1, L + 1)]


def square_loss(X, Y, Ws, bs, activation) -> float:
    """Λ = (1/(2M)) ‖Y - U‖_F² with U from the provided forward pass."""
    U, _, _ = forward(X, Ws, bs, activation)
    return float(np.sum((Y - U) ** 2)) / (2 * X.shape[0])


def cross_entropy(X, y, Ws, bs, activation) -> float:
    """Λ = -(1/M) Σ_m log S_softmax(U)_{m, y_m}, from the logits U of the provided forward pass."""
    U, _, _ = forward(X, Ws, bs, activation)
    c = U.max(axis=1)
    lse = c + np.log(np.exp(U - c[:, None]).sum(axis=1))
    return float(np.mean(lse - U[np.arange(len(y)), y]))


def fd_check(call, X, T, Ws, bs, activation, rng, rel, per_array: int = 3, *, loss) -> None:
    """The student's gradients against central differences of the student's own Λ,
    on `per_array` random entries of every W^ℓ and B^ℓ. `T` is Y or y. The student's Λ
    is first compared with ``loss`` (square_loss or cross_entropy), so that an answer of
    all zeros, whose differences are zero too, cannot pass."""
    L = len(Ws)
    template = (0.0, [np.zeros_like(W) for W in Ws], [np.zeros_like(b) for b in bs])
    value, dWs, dbs = expect.like(call(X, T, Ws, bs, activation), template)
    expect.close(value, loss(X, T, Ws, bs, activation), names="Λ (the value whose differences are taken)")
    params, grads = list(Ws) + list(bs), list(dWs) + list(dbs)
    # every perturbed network first, then all of them in one round trip to the child
    plan, arglist = [], []
    for p, P in enumerate(params):
        picks = rng.choice(P.size, size=min(per_array, P.size), replace=False)
        for flat in picks:
            idx = np.unravel_index(int(flat), P.shape)
            h = 1e-6 * max(1.0, abs(float(P[idx])))
            plan.append((p, idx, h))
            for sign in (1.0, -1.0):
                moved = list(params)  # only the perturbed array is new: the rest is sent once
                moved[p] = params[p].copy()
                moved[p][idx] += sign * h
                arglist.append((X, T, moved[:L], moved[L:], activation))
    outs = each(call, arglist)
    losses = [expect.like(out, template)[0] for out in outs]
    rows = []
    all_a, all_n = [], []
    for p, G in enumerate(grads):
        entries = [(k, idx, h) for k, (q, idx, h) in enumerate(plan) if q == p]
        where = [idx for _, idx, _ in entries]
        a = [float(G[idx]) for _, idx, _ in entries]
        n = [(losses[2 * k] - losses[2 * k + 1]) / (2 * h) for k, _, h in entries]
        err = expect.relative_error(np.array(a), np.array(n))
        worst = int(np.argmax(np.abs(np.array(a) - np.array(n))))
        rows.append((layer_names(L)[p], err, where[worst], a[worst], n[worst]))
        all_a += a
        all_n += n
    err = expect.relative_error(np.array(all_a), np.array(all_n))
    diagnosis = _diagnose(np.array(all_a), np.array(all_n), [e <= rel for _, e, _, _, _ in rows], L, X.shape[0])
    table = "\n".join(
        f"  {name:<10} relative error {e:.2e} {'ok' if e <= rel else 'WRONG'}"
        + ("" if e <= rel else f"   (e.g. at {list(map(int, i))}: yours {ga:.6g}, central difference {gn:.6g})")
        for name, e, i, ga, gn in rows
    )
    expect.that(
        err <= rel,
        "your gradients are not the derivatives of your Λ (central differences of your own Λ disagree)",
        quantity="∂Λ/∂θ",
        detail=f"relative error ||g - g_fd|| / (||g|| + ||g_fd||) = {err:.3g} over {len(all_a)} entries (allowed {rel:g}); per array:\n{table}"
        + (f"\n{diagnosis}" if diagnosis else ""),
        relative_error=err,
        allowed=rel,
    )


def _diagnose(a: np.ndarray, n: np.ndarray, ok: list[bool], L: int, M: int) -> str:
    """A likely reason for a failed gradient check, from the pattern of the errors."""
    if all(ok):
        return ""
    aa = float(a @ a)
    if aa > 0:
        c = float(a @ n) / aa
        if c != 0 and expect.relative_error(c * a, n) < 1e-6:
            return (f"Your gradient is {1 / c:.6g} times the central difference on every entry (M = {M} here): "
                    "a constant factor is off (the 1/M of Λ, the ½ of the square loss, or a sign).")
    w_ok, b_ok = ok[:L], ok[L:]
    if w_ok[-1] and b_ok[-1]:
        return ("The output layer's gradients agree and those of lower layers do not: δ^L is right and the "
                "recursion δ^ℓ = (δ^{ℓ+1} (W^{ℓ+1})ᵀ) ⊙ σ'(Z^ℓ) is not (σ' at Z^ℓ, not at H^ℓ = σ(Z^ℓ)?).")
    if all(b_ok):
        return ("The bias gradients agree and some weight gradients do not: the deltas are right, "
                "∂Λ/∂W^ℓ = (H^{ℓ-1})ᵀ δ^ℓ is not (H^{ℓ-1} is the INPUT of layer ℓ, Hs[ℓ-1]).")
    return ""


def strict_call(student, name: str, *args, what: str):
    """``expect.without_overflow`` with this chapter's advice."""
    return expect.without_overflow(student, name, *args, what=what, advice=ADVICE)


# -- test functions for numerical_gradient ---------------------------------------------


class Recorder:
    """A test function f for numerical_gradient that remembers where it was evaluated.
    It runs in the grader; the student's code calls it through the sandbox (a
    round trip per call: only for the checks that read ``points``; the others
    hand the student ``at_theta(fn, shape)``, which runs in the child)."""

    def __init__(self, fn, shape):
        self.fn = fn
        self.shape = tuple(shape)
        self.points: list[np.ndarray] = []

    def __call__(self, x):
        x = np.asarray(x, dtype=np.float64)
        if x.shape != self.shape:
            raise ValueError(f"f expects an array of shape {self.shape} (the shape of theta), got shape {x.shape}")
        self.points.append(x.copy())
        return float(self.fn(x))


def at_theta(fn: kernels.Kernel, shape) -> kernels.Kernel:
    """The test function fn for numerical_gradient, evaluated in the student's process
    (no round trip per call), refusing inputs of another shape than θ's as Recorder does."""
    return fn.with_input(shape, "f expects an array of shape {shape} (the shape of theta), got shape {got}", scalar=True)


def cubic(A, b, c):
    """f(θ) = ½ θᵀAθ + b·θ + Σ c_i θ_i³ on flattened θ; returns (f, ∇f, ∂_i³f)."""
    f = kernels.Cubic(A, b, c)

    def grad(x):
        v = x.reshape(-1)
        return (A @ v + b + 3 * c * v**2).reshape(x.shape)

    def third(x):
        return (6 * c * np.ones(x.size)).reshape(x.shape)

    return f, grad, third


def random_cubic(rng, n):
    B = rng.standard_normal((n, n))
    return cubic(B + B.T, rng.standard_normal(n), rng.standard_normal(n))


rosenbrock = kernels.Rosenbrock()


def rosenbrock_grad(x):
    v = x.reshape(-1)
    g = np.zeros_like(v)
    g[:-1] = -400.0 * v[:-1] * (v[1:] - v[:-1] ** 2) - 2.0 * (1.0 - v[:-1])
    g[1:] += 200.0 * (v[1:] - v[:-1] ** 2)
    return g.reshape(x.shape)


logsumexp = kernels.LogSumExp()


def logsumexp_grad(x):
    v = x.reshape(-1)
    e = np.exp(v - v.max())
    return (e / e.sum()).reshape(x.shape)
