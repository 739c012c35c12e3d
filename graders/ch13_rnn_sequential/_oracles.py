"""Independent oracles shared by the chapter 13 graders (and calibrated in tests/oracles).

Nothing here computes an exercise's answer: the data generators draw inputs, the
trajectory map is the RNN the inputs come from, derivatives come from the complex
step or from finite differences of the student's own functions.
"""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import prerequisite
from mathdl_cli.grading.proxies import each

from ._data import rnn_case

# -- bptt ---------------------------------------------------------------------------

KEYS = ("W_hx", "W_hh", "b_h", "W_oh", "b_o", "h0")
POSITION = {"h0": 2, "W_hx": 3, "W_hh": 4, "b_h": 5, "W_oh": 6, "b_o": 7}  # in bptt's arguments


def bptt_case(rng, T, B, dx, dh, do, scale=1.3):
    """[X, Y, h0, W_hx, W_hh, b_h, W_oh, b_o]: bptt's positional arguments."""
    X, h0, *theta = rnn_case(rng, T, B, dx, dh, do, scale)
    Y = rng.standard_normal((T, B, do))
    return [X, Y, h0, *theta]


def gradient_template(args):
    X, Y, h0, W_hx, W_hh, b_h, W_oh, b_o = args
    return {k: np.zeros_like(v) for k, v in zip(KEYS, (W_hx, W_hh, b_h, W_oh, b_o, h0))}


def directional_check(student, ref, rng, args, rel, eps=1e-4):
    """⟨∂Λ/∂θ_k, v⟩ against a finite difference of Λ along v, with Λ from the student's rnn_forward.

    The five-point stencil [8(Λ(θ+εv) - Λ(θ-εv)) - (Λ(θ+2εv) - Λ(θ-2εv))] / 12ε has
    truncation error O(ε⁴) ~ 1e-16 at ε = 1e-4 and rounding error ~1e-12 Λ, so even small
    gradient blocks (b_o with d_o = 1, say) agree to ~1e-8 relative for a correct gradient:
    the worst of 1200 random directions on hidden-style cases is 1.2e-8, against rel = 1e-6
    (tests/oracles/test_ch13_rnn_sequential.py recomputes this over 200 seeds).
    """
    grads = expect.like(student.bptt(*args), gradient_template(args))
    X, Y, h0, *theta = args
    T, B, _ = X.shape
    # Λ is built from the student's forward pass, so that must be right first
    with prerequisite("this check differentiates Λ built from your rnn_forward; it runs once rnn_forward is correct"):
        expect.close(student.rnn_forward(X, h0, *theta), ref.rnn_forward(X, h0, *theta), expect.Tol(1e-12, 1e-12))

    def loss(result):
        _, O = result
        return 0.5 * float(np.sum((O - Y) ** 2)) / (T * B)

    directions = []
    for key in KEYS:  # every direction first (the same draws in the same order) ...
        i = POSITION[key]
        v = rng.standard_normal(args[i].shape)
        v /= np.linalg.norm(v)
        directions.append((i, v))
    steps = (eps, -eps, 2 * eps, -2 * eps)
    points = []
    for i, v in directions:
        for s in steps:
            moved = list(args)
            moved[i] = args[i] + s * v
            points.append((moved[0], *moved[2:]))  # rnn_forward(X, h0, W_hx, W_hh, b_h, W_oh, b_o)
    # ... then Λ at all 4 × 6 points in one round trip to the student's rnn_forward
    outs = each(student.rnn_forward, points)
    losses = iter([loss(r) for r in outs])

    for key, (i, v) in zip(KEYS, directions):
        up, down, up2, down2 = (next(losses) for _ in steps)
        fd = (8 * (up - down) - (up2 - down2)) / (12 * eps)
        g = grads[key]
        dot = float(np.sum(g * v))
        err = abs(dot - fd) / max(np.linalg.norm(g) + abs(fd), 1e-300)
        expect.that(
            err <= rel,
            f"your ∂Λ/∂{key} is not the derivative of Λ (built from your rnn_forward)",
            quantity=f"∂Λ/∂θ['{key}']",
            detail=(
                f"along a random unit direction v: ⟨∂Λ/∂{key}, v⟩ = {dot:.10g}, finite difference of Λ "
                f"along v = {fd:.10g} (five-point stencil, ε = {eps:g}); relative error "
                f"|difference| / (‖∂Λ/∂{key}‖ + |fd|) = {err:.3g}, allowed {rel:g}"
            ),
        )


# -- hidden_jacobian_norms ------------------------------------------------------------


def power_norms(W, T):
    """‖W^t‖₂ for t = 1..T, from np.linalg.matrix_power (closed form)"""
    return np.array([np.linalg.norm(np.linalg.matrix_power(W, t), 2) for t in range(1, T + 1)])


def trajectory(W, U, h0):
    """states h_1..h_T of h_s = tanh(W h_{s-1} + u_s), one per row (h0 may be complex)"""
    H = np.empty((len(U), len(h0)), dtype=h0.dtype)
    h = h0
    for s, u in enumerate(U):
        h = np.tanh(W @ h + u)
        H[s] = h
    return H


def complex_step_norms(W, U, h0, eps=1e-30):
    """‖∂h_t/∂h_0‖₂, t = 1..T, with ∂h_t/∂h_0 e_k = Im h_t(h_0 + iεe_k) / ε (the complex step).

    The map is analytic, so this is exact to rounding even where the Jacobian is tiny
    (agreement ~1e-12 relative down to norms of 1e-24), whereas central differences lose
    every digit once ‖∂h_t/∂h_0‖ falls below ~1e-5.
    """
    dh = len(h0)
    J = np.empty((len(U), dh, dh))
    for k in range(dh):
        e = np.zeros(dh, dtype=complex)
        e[k] = 1j * eps
        J[:, :, k] = trajectory(W, U, h0 + e).imag / eps
    return np.linalg.norm(J, 2, axis=(1, 2))


def tanh_case(rng, dh, T, gain=1.4):
    W = gain * rng.standard_normal((dh, dh)) / np.sqrt(dh)
    U = 0.5 * rng.standard_normal((T, dh))
    h0 = rng.standard_normal(dh)
    return W, U, h0


def with_radius(rng, dh, rho):
    """A non-normal W = V diag(λ) V⁻¹ with one dominant real eigenvalue ρ, |λ_2| ≤ 0.7ρ, κ(V) ≤ 3."""
    Q1 = np.linalg.qr(rng.standard_normal((dh, dh)))[0]
    Q2 = np.linalg.qr(rng.standard_normal((dh, dh)))[0]
    V = Q1 @ np.diag(rng.uniform(1.0, 3.0, dh)) @ Q2
    rest = rng.uniform(0.1, 0.7, dh - 1) * rho * rng.choice([-1.0, 1.0], dh - 1)
    return V @ np.diag(np.concatenate([[rho], rest])) @ np.linalg.inv(V)
