"""Grader for ch10.batchnorm_backward: gradients against the reference, against
central differences of the student's own forward pass, and the two identities
of BN's invariances (zero column sums; orthogonality to Z - μ when ε = 0).
The cache always comes from the student's own batchnorm_forward_train."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import affine, batch, feature_axes, pair, random_shape

F = "batchnorm_forward_train"


def _backward(student, dOut, Z, gamma, beta, eps):
    _, cache = pair(student.batchnorm_forward_train(Z, gamma, beta, eps), F)
    return student.batchnorm_backward(dOut, cache)


def _ref_backward(ref, dOut, Z, gamma, beta, eps):
    _, cache = ref.batchnorm_forward_train(Z, gamma, beta, eps)
    return ref.batchnorm_backward(dOut, cache)


def _fd(student, ref, dOut, Z, gamma, beta, eps, directions):
    """Directional derivatives of L = Σ dOut ⊙ BN(Z) (your forward pass) along (V_Z, v_γ, v_β).
    Your forward pass must be right first: the derivative of a wrong (or constant)
    forward pass proves nothing about the backward pass."""
    h = 1e-5
    points = [(Z, gamma, beta, eps)]  # Z itself, then both signs of every direction: one round trip to your code
    for vz, vg, vb in directions:
        points += [(Z + h * vz, gamma + h * vg, beta + h * vb, eps), (Z - h * vz, gamma - h * vg, beta - h * vb, eps)]
    at_Z, *moved = student.batchnorm_forward_train.many(points)
    out, _ = pair(at_Z, F)
    expect.close(out, ref.batchnorm_forward_train(Z, gamma, beta, eps)[0], names="BN output of your batchnorm_forward_train (the finite differences differentiate it)")

    def L(result):
        out, _ = pair(result, F)
        return float(np.sum(expect.like(out, Z, names="BN output") * dOut))

    values = [L(r) for r in moved]
    return np.array([(values[2 * i] - values[2 * i + 1]) / (2 * h) for i in range(len(directions))])


def _gradcheck(student, ref, rng, Z, gamma, beta, eps, rel, coordinate=False):
    dOut = rng.standard_normal(Z.shape)
    C = gamma.size
    if coordinate:  # every coordinate of Z, γ and β
        dirs = [(np.eye(Z.size)[i].reshape(Z.shape), np.zeros(C), np.zeros(C)) for i in range(Z.size)]
        dirs += [(np.zeros(Z.shape), np.eye(C)[i], np.zeros(C)) for i in range(C)]
        dirs += [(np.zeros(Z.shape), np.zeros(C), np.eye(C)[i]) for i in range(C)]
    else:  # a few random directions
        dirs = [(rng.standard_normal(Z.shape), rng.standard_normal(C), rng.standard_normal(C)) for _ in range(3)]
    numeric = _fd(student, ref, dOut, Z, gamma, beta, eps, dirs)
    dZ, dg, db = expect.like(_backward(student, dOut, Z, gamma, beta, eps), (Z, gamma, beta))  # last call: named in messages
    analytic = np.array([np.sum(dZ * vz) + dg @ vg + db @ vb for vz, vg, vb in dirs])
    expect.gradient(analytic, numeric, rel=rel, quantity="(∂Λ/∂Z, ∂Λ/∂γ, ∂Λ/∂β) against central differences of your forward pass")


def test_values_2d(student, ref, rng):
    """M = 6 samples, D = 3 features, ε = 1e-5"""
    Z = batch(rng, (6, 3))
    gamma, beta = affine(rng, 3)
    dOut = rng.standard_normal(Z.shape)
    expect.close(_backward(student, dOut, Z, gamma, beta, 1e-5), _ref_backward(ref, dOut, Z, gamma, beta, 1e-5))


def test_finite_differences(student, ref, rng, tol):
    """every coordinate of ∂Λ/∂Z, ∂Λ/∂γ, ∂Λ/∂β against central differences (M = 4, D = 3)"""
    Z = batch(rng, (4, 3))
    gamma, beta = affine(rng, 3)
    _gradcheck(student, ref, rng, Z, gamma, beta, 1e-5, tol.fd["rel"], coordinate=True)


def test_invariance_identities(student, ref, rng, tol):
    """Σ_m ∂Λ/∂Z_mj = 0 (shift invariance) and, with ε = 0, Σ_m ∂Λ/∂Z_mj (Z_mj - μ_j) = 0 (scale invariance)"""
    Z = batch(rng, (7, 4))
    gamma, beta = affine(rng, 4)
    dOut = rng.standard_normal(Z.shape)
    got = _backward(student, dOut, Z, gamma, beta, 0.0)
    dZ, _, _ = expect.like(got, (Z, gamma, beta))
    scale = max(float(np.abs(dZ).max()), 1e-300)
    expect.close(
        dZ.sum(axis=0) / scale, np.zeros(4), tol.sums,
        names="Σ_m ∂Λ/∂Z_mj / max|∂Λ/∂Z| (must vanish: the paths through μ are missing if not)",
    )
    centred = (Z - Z.mean(axis=0)) / Z.std(axis=0)
    expect.close(
        (dZ * centred).sum(axis=0) / scale, np.zeros(4), tol.sums,
        names="Σ_m ∂Λ/∂Z_mj (Z_mj - μ_j)/σ_j / max|∂Λ/∂Z| (must vanish for ε = 0: the path through σ² is missing or wrong if not)",
    )
    expect.close(got, _ref_backward(ref, dOut, Z, gamma, beta, 0.0))  # ∂Λ/∂Z = 0 satisfies both identities too


def test_tiny_batches(student, ref, rng):
    """M = 1 (Ẑ = 0: ∂Λ/∂Z = 0, ∂Λ/∂γ = 0, ∂Λ/∂β = dOut) and M = 2"""
    cases = []
    for M in (1, 2):
        Z = batch(rng, (M, 3))
        gamma, beta = affine(rng, 3)
        cases.append((rng.standard_normal(Z.shape), Z, gamma, beta))
    # both forward passes in one round trip, then both backward passes (on the student's own caches) in another
    caches = [pair(r, F)[1] for r in student.batchnorm_forward_train.many([(Z, gamma, beta, 1e-5) for _, Z, gamma, beta in cases])]
    grads = student.batchnorm_backward.many([(dOut, cache) for (dOut, _, _, _), cache in zip(cases, caches)])
    for got, (dOut, Z, gamma, beta) in zip(grads, cases):
        expect.close(got, _ref_backward(ref, dOut, Z, gamma, beta, 1e-5))


def test_values_4d(student, ref, rng):
    """a (3, 2, 4, 5) batch: sums and means pooled over (m, h, w)"""
    Z = batch(rng, (3, 2, 4, 5))
    gamma, beta = affine(rng, 2)
    dOut = rng.standard_normal(Z.shape)
    expect.close(_backward(student, dOut, Z, gamma, beta, 1e-5), _ref_backward(ref, dOut, Z, gamma, beta, 1e-5))


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(4))
def test_hidden_random_shapes(student, ref, rng, tol, trial):
    """random 2-D and 4-D shapes (M = 1, 2, 3 included) against the reference and finite differences"""
    shape = random_shape(rng, four_d=bool(trial % 2))
    Z = batch(rng, shape)
    gamma, beta = affine(rng, shape[1])
    eps = float(10 ** rng.uniform(-6, -2))
    dOut = rng.standard_normal(shape)
    expect.close(_backward(student, dOut, Z, gamma, beta, eps), _ref_backward(ref, dOut, Z, gamma, beta, eps))
    _gradcheck(student, ref, rng, Z, gamma, beta, eps, tol.fd["rel"])


@mark.hidden
@mark.parametrize("M", [2, 3])
def test_hidden_small_batches(student, ref, rng, M):
    """M = 2 and M = 3 with several features"""
    Z = batch(rng, (M, 6))
    gamma, beta = affine(rng, 6)
    dOut = rng.standard_normal(Z.shape)
    expect.close(_backward(student, dOut, Z, gamma, beta, 1e-5), _ref_backward(ref, dOut, Z, gamma, beta, 1e-5))


@mark.hidden
def test_hidden_4d_identities(student, ref, rng, tol):
    """4-D, ε = 0: both identities hold per channel over (m, h, w)"""
    Z = batch(rng, (2, 3, 5, 4))
    gamma, beta = affine(rng, 3)
    dOut = rng.standard_normal(Z.shape)
    got = _backward(student, dOut, Z, gamma, beta, 0.0)
    dZ, _, _ = expect.like(got, (Z, gamma, beta))
    axes = feature_axes(4)
    scale = max(float(np.abs(dZ).max()), 1e-300)
    centred = (Z - Z.mean(axis=axes, keepdims=True)) / Z.std(axis=axes, keepdims=True)
    expect.close(dZ.sum(axis=axes) / scale, np.zeros(3), tol.sums)
    expect.close((dZ * centred).sum(axis=axes) / scale, np.zeros(3), tol.sums)
    expect.close(got, _ref_backward(ref, dOut, Z, gamma, beta, 0.0))
