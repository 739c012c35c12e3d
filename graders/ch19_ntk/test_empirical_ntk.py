"""Grader for ch19.empirical_ntk: against the reference; against J1 J2ᵀ with the
network's Jacobian from the complex step (an oracle independent of the kernel's
formula); symmetry and positive semi-definiteness; the mean over neurons (two
networks side by side have the average kernel); the linear network in closed form."""

import numpy as np

from mathdl_cli.grading import expect, gen
from mathdl_cli.grading.marks import mark

from ._helpers import antisymmetric_net, gaussian_net, tanh_net_jacobian, unit_rows

ACTS = ("tanh", "sigmoid", "relu", "softplus", "identity", "leaky_relu")


def test_small_tanh(student, ref, rng):
    """tanh, N = 7 neurons, d = 3, 4 × 5 input pairs"""
    c, W = gaussian_net(rng, 7, 3)
    X1, X2 = rng.standard_normal((4, 3)), rng.standard_normal((5, 3))
    expect.close(student.empirical_ntk(c, W, X1, X2, "tanh"), ref.empirical_ntk(c, W, X1, X2, "tanh"))


def test_gradient_gram(student, rng):
    """Θ^N = J1 J2ᵀ with J the Jacobian of g^N(x) = (1/√N) Σ c^i tanh(w^i·x) by the complex step (N = 6, d = 4)"""
    c, W = gaussian_net(rng, 6, 4)
    X1, X2 = rng.standard_normal((3, 4)), rng.standard_normal((5, 4))
    J1, J2 = tanh_net_jacobian(c, W, X1), tanh_net_jacobian(c, W, X2)
    expect.close(
        student.empirical_ntk(c, W, X1, X2, "tanh"), J1 @ J2.T,
        detail="Θ^N(x, x') = ∇_θ g^N(x)·∇_θ g^N(x'), here with the gradients computed by the complex step "
        "of the network's output: both the σσ term and the (c^i)² σ'σ' x·x' term, divided by N.",
    )


def test_relu(student, ref, rng):
    """ReLU (relu'(0) = 0), N = 50, d = 2"""
    c, W = gaussian_net(rng, 50, 2)
    X1, X2 = rng.standard_normal((6, 2)), rng.standard_normal((3, 2))
    expect.close(student.empirical_ntk(c, W, X1, X2, "relu"), ref.empirical_ntk(c, W, X1, X2, "relu"))


def test_identity_closed_form(student, rng):
    """linear network (act = "identity"): Θ^N = X1 (WᵀW/N) X2ᵀ + mean(c²) X1 X2ᵀ"""
    c, W = gaussian_net(rng, 9, 3)
    X1, X2 = rng.standard_normal((4, 3)), rng.standard_normal((2, 3))
    want = X1 @ (W.T @ W / 9) @ X2.T + np.mean(c**2) * (X1 @ X2.T)
    expect.close(student.empirical_ntk(c, W, X1, X2, "identity"), want)


def test_symmetric_psd(student, rng, tol):
    """X1 = X2: Θ^N is symmetric positive semi-definite, and equals J Jᵀ (tanh, N = 5, 8 inputs in d = 3)"""
    c, W = gaussian_net(rng, 5, 3)
    X = rng.standard_normal((8, 3))
    K = expect.like(student.empirical_ntk(c, W, X, X, "tanh"), np.zeros((8, 8)))
    expect.that(np.allclose(K, K.T, rtol=0, atol=1e-12 * np.abs(K).max()), "Θ^N(X, X) must be symmetric", quantity="Θ^N(X, X)")
    eig = np.linalg.eigvalsh(0.5 * (K + K.T))
    expect.that(
        eig[0] >= -1e-12 * max(eig[-1], 1e-300), "Θ^N(X, X) must be positive semi-definite (a Gram matrix of gradients)",
        quantity="Θ^N(X, X)", detail=f"smallest eigenvalue {eig[0]:.3g}, largest {eig[-1]:.3g}",
    )
    J = tanh_net_jacobian(c, W, X)
    expect.close(K, J @ J.T)  # refuses the zero matrix, which is symmetric and PSD


def test_width_average(student, rng):
    """two networks side by side (width 2N) have the AVERAGE of their kernels: the 1/N is a mean over neurons"""
    (ca, Wa), (cb, Wb) = gaussian_net(rng, 40, 3), gaussian_net(rng, 40, 3)
    X1, X2 = rng.standard_normal((3, 3)), rng.standard_normal((4, 3))
    Ka, Kb, K2 = student.empirical_ntk.many(
        [(ca, Wa, X1, X2, "tanh"), (cb, Wb, X1, X2, "tanh"), (np.concatenate([ca, cb]), np.concatenate([Wa, Wb]), X1, X2, "tanh")]
    )
    expect.close(
        K2, 0.5 * (np.asarray(Ka) + np.asarray(Kb)), names="Θ^{2N} of the joined network",
        detail="the kernel of a network made of two width-N networks must be (Θ_a + Θ_b)/2; "
        "with 1/√N instead of 1/N it would be (Θ_a + Θ_b)/√2, and kernels would grow with the width.",
    )
    expect.that(np.abs(K2).max() > 1e-3, "the kernel must not vanish", quantity="Θ^{2N}")


@mark.hidden
@mark.weight(3)
@mark.parametrize("trial", range(4))
def test_hidden_random(student, ref, rng, trial):
    """random activation, pairwise-distinct N, d, n1, n2 (N = 1 and n1 = 1 included)"""
    N, d, n1, n2 = gen.distinct_sizes(rng, 4, 1, 12)
    if trial == 0:
        N, n1 = 1, 1
    act = ACTS[int(rng.integers(len(ACTS)))]
    c, W = gaussian_net(rng, N, d)
    c *= float(rng.uniform(0.3, 3.0))
    X1, X2 = rng.standard_normal((n1, d)), rng.standard_normal((n2, d))
    expect.close(student.empirical_ntk(c, W, X1, X2, act), ref.empirical_ntk(c, W, X1, X2, act))


@mark.hidden
def test_hidden_wide(student, ref, rng):
    """N = 10⁴ neurons (antisymmetric initialisation), unit inputs"""
    d = int(rng.integers(2, 6))
    c, W = antisymmetric_net(rng, 10_000, d)
    X1, X2 = unit_rows(rng, 5, d), unit_rows(rng, 3, d)
    act = str(rng.choice(["relu", "tanh"]))
    expect.close(student.empirical_ntk(c, W, X1, X2, act), ref.empirical_ntk(c, W, X1, X2, act))


@mark.hidden
def test_hidden_gradient_gram(student, rng):
    """Θ^N = J1 J2ᵀ by the complex step, random sizes"""
    N, d = int(rng.integers(1, 9)), int(rng.integers(1, 6))
    c, W = gaussian_net(rng, N, d)
    X1, X2 = rng.standard_normal((int(rng.integers(1, 6)), d)), rng.standard_normal((int(rng.integers(1, 6)), d))
    expect.close(student.empirical_ntk(c, W, X1, X2, "tanh"), tanh_net_jacobian(c, W, X1) @ tanh_net_jacobian(c, W, X2).T)
