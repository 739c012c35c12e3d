"""Grader for ch13.linear_rnn_jacobian (hidden_jacobian_norms): the linear case
against the closed form ‖W^t‖₂ (np.linalg.matrix_power), the tanh case against
the complex-step derivative of a real trajectory map h_0 ↦ h_t, the bound ‖W‖₂^t, and
the theory of exploding and vanishing gradients (Gelfand's formula and the rate
log ‖W^t‖₂ ≈ t log ρ(W)) on your own numbers."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._oracles import complex_step_norms, power_norms, tanh_case, trajectory, with_radius


def test_linear_closed_form(student, rng):
    """linear RNN, d_h=4, T=12: ‖W^t‖₂ (closed form via matrix_power)"""
    W = 1.2 * rng.standard_normal((4, 4)) / 2.0
    expect.close(student.hidden_jacobian_norms(W, None, 12), power_norms(W, 12))


def test_tanh_complex_step(student, rng):
    """tanh RNN, d_h=4, T=8: against the complex-step derivative of h_0 ↦ h_t"""
    W, U, h0 = tanh_case(rng, 4, 8)
    H = trajectory(W, U, h0)
    expect.close(
        student.hidden_jacobian_norms(W, H, 8), complex_step_norms(W, U, h0),
        names="‖∂h_t/∂h_0‖₂ compared with the derivative of the map h_0 ↦ h_t (complex step)",
    )


def test_tanh_bound_and_constant_gain(student, rng):
    """‖∂h_t/∂h_0‖₂ ≤ ‖W‖₂^t; and |h_s| ≡ c gives exactly (1 - c²)^t ‖W^t‖₂"""
    dh, T = 5, 10
    W, U, h0 = tanh_case(rng, dh, T)
    got = expect.like(student.hidden_jacobian_norms(W, trajectory(W, U, h0), T), np.zeros(T))
    bound = np.linalg.norm(W, 2) ** np.arange(1, T + 1)
    worst = int(np.argmax(got / bound))
    expect.that(
        np.all(got <= bound * (1 + 1e-12)), "‖∂h_t/∂h_0‖₂ ≤ ‖W_hh‖₂^t fails (|1 - h²| ≤ 1 and ‖AB‖₂ ≤ ‖A‖₂‖B‖₂)",
        quantity="‖∂h_t/∂h_0‖₂", detail=f"at t = {worst + 1}: {got[worst]:.6g} > ‖W‖₂^t = {bound[worst]:.6g}",
    )
    c = 0.6
    H = c * rng.choice([-1.0, 1.0], (T, dh))
    expect.close(
        student.hidden_jacobian_norms(W, H, T), (1 - c**2) ** np.arange(1, T + 1) * power_norms(W, T),
        names="‖∂h_t/∂h_0‖₂ when every |h_s| = 0.6 (must be 0.64^t ‖W^t‖₂)",
    )


def test_exploding_and_vanishing(student, rng, tol):
    """T=200, ρ(W) = 0.9 and 1.1: Gelfand's ‖W^t‖^(1/t) → ρ and the rate log ‖W^t‖ ≈ t log ρ"""
    T = 200
    t = np.arange(100, T + 1)
    radii = (0.9, 1.1)
    Ws = [with_radius(rng, 5, rho) for rho in radii]
    for rho, norms in zip(radii, student.hidden_jacobian_norms.many([(W, None, T) for W in Ws])):  # one round trip
        norms = expect.like(norms, np.zeros(T))
        expect.that(
            np.all(norms > 0), "the norms must be positive", quantity="‖∂h_t/∂h_0‖₂",
        )
        root = norms[-1] ** (1 / T)
        # Gelfand: ρ^t = ρ(W^t) ≤ ‖W^t‖₂ ≤ κ(V) ρ^t with κ(V) ≤ 3 by construction, so
        # 0 ≤ ‖W^200‖^(1/200) - ρ ≤ ρ (3^(1/200) - 1) < 0.0061: the catalog's 0.05 is ample.
        expect.that(
            abs(root - rho) < tol.gelfand["abs"],
            f"Gelfand's formula: ‖W^t‖₂^(1/t) → ρ(W) = {rho}",
            quantity="‖∂h_t/∂h_0‖₂", detail=f"‖W^200‖₂^(1/200) = {root:.6f}, |difference| allowed {tol.gelfand['abs']}",
        )
        # W^t = ρ^t P_1 + O(κ(V) (0.7ρ)^t) with P_1 the spectral projector, and 0.7^100 ≈ 3e-16:
        # log ‖W^t‖ is affine in t with slope log ρ up to rounding on t = 100..200. The tolerance
        # 1e-3 only absorbs arithmetic (the reference is off by < 1e-10 over 2000 seeds).
        slope = np.polyfit(t, np.log(norms[99:]), 1)[0]
        kind = "vanish" if rho < 1 else "explode"
        expect.that(
            abs(slope - np.log(rho)) < tol.slope["abs"],
            f"the gradients must {kind} at the geometric rate ρ(W)^t = {rho}^t",
            quantity="‖∂h_t/∂h_0‖₂",
            detail=f"fitted slope of log ‖∂h_t/∂h_0‖₂ over t = 100..200: {slope:.6f}; log ρ = {np.log(rho):.6f}",
        )


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(2))
def test_hidden_linear(student, rng, trial):
    """random sizes and lengths, linear RNN, against ‖W^t‖₂"""
    dh, T = int(rng.integers(1, 8)), int(rng.integers(1, 40))
    W = rng.uniform(0.6, 1.4) * rng.standard_normal((dh, dh)) / np.sqrt(dh)
    expect.close(student.hidden_jacobian_norms(W, None, T), power_norms(W, T))


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(2))
def test_hidden_tanh(student, ref, rng, trial):
    """random tanh trajectories, against the reference and the complex-step derivative"""
    dh, T = int(rng.integers(2, 8)), int(rng.integers(1, 15))
    W, U, h0 = tanh_case(rng, dh, T, gain=float(rng.uniform(0.8, 2.0)))
    H = trajectory(W, U, h0)
    got = student.hidden_jacobian_norms(W, H, T)
    expect.close(got, ref.hidden_jacobian_norms(W, H, T))
    expect.close(got, complex_step_norms(W, U, h0))
