"""Grader for ch24.reverse_mode_layered: the VJP against the reference; x̄
against central differences of the student's own forward pass; the dot-product
(adjoint) test with the student's own JVP; one layer; deep and saturated
networks."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark, prerequisite

from ._helpers import forward_fd, layered_case, layered_direction, pairing, random_sizes, vjp_template


def test_vjp_small(student, ref, rng):
    """layered_vjp, widths 4 → 5 → 3 → 2: W̄^ℓ_z, W̄^ℓ_x and x̄"""
    x, Wz, Wx = layered_case(rng, [4, 5, 3, 2])
    zbar = rng.standard_normal(2)
    expect.close(student.layered_vjp(x, Wz, Wx, zbar), ref.layered_vjp(x, Wz, Wx, zbar))


def test_one_layer(student, ref, rng):
    """one layer (Wz = [None]): W̄^1_x = g xᵀ and x̄ = (W^1_x)ᵀ g with g = (1 - z_1²) ⊙ z̄, W^1_x of shape (4, 6)"""
    x, Wz, Wx = layered_case(rng, [6, 4])
    zbar = rng.standard_normal(4)
    expect.close(student.layered_vjp(x, Wz, Wx, zbar), ref.layered_vjp(x, Wz, Wx, zbar))


def test_input_adjoint_sums_every_layer(student, rng, tol):
    """x̄ is the gradient of ⟨z̄, z_L(x)⟩: central differences of your layered_forward along 3 directions of x, widths 5 → 4 → 6 → 3 (x feeds all 3 layers)"""
    x, Wz, Wx = layered_case(rng, [5, 4, 6, 3], scale=1.5)
    zbar = rng.standard_normal(3)
    _, _, gx = expect.like(student.layered_vjp(x, Wz, Wx, zbar), vjp_template(x, Wz, Wx))
    dWz, dWx, _ = layered_direction(rng, x, Wz, Wx, parameters=False)
    got, want = [], []
    for _ in range(3):
        dx = rng.standard_normal(x.shape)
        got.append(float(gx @ dx))
        want.append(float(zbar @ forward_fd(student, x, Wz, Wx, dWz, dWx, dx)))
    expect.that(np.linalg.norm(want) > 1e-3, "the test directions must move ⟨z̄, z_L⟩", quantity="central differences", detail=f"{want}")
    expect.gradient(np.array(got), np.array(want), rel=tol.fd["rel"], quantity="x̄ · ẋ against central differences of ⟨z̄, z_L⟩ (your layered_forward)")


def test_dot_product(student, ref, rng, tol):
    """the adjoint identity ⟨z̄, J[θ̇; ẋ]⟩ = ⟨Jᵀz̄, [θ̇; ẋ]⟩ with your layered_jvp and layered_vjp, 3 random directions, widths 3 → 7 → 4 → 5"""
    x, Wz, Wx = layered_case(rng, [3, 7, 4, 5], scale=1.3)
    zbar = rng.standard_normal(5)
    grads = expect.like(student.layered_vjp(x, Wz, Wx, zbar), vjp_template(x, Wz, Wx))
    directions = [layered_direction(rng, x, Wz, Wx) for _ in range(3)]
    # the identity uses your JVP (ch24.forward_mode_layered), so that must be right first
    with prerequisite("this check uses your layered_jvp (ch24.forward_mode_layered); it runs once that is correct"):
        for d in directions[:1]:
            expect.close(student.layered_jvp(x, Wz, Wx, *d), ref.layered_jvp(x, Wz, Wx, *d), expect.Tol(1e-10, 1e-12))
    jvps = student.layered_jvp.many([(x, Wz, Wx, *d) for d in directions])
    lhs = np.array([float(zbar @ np.asarray(j, dtype=np.float64)) for j in jvps])
    rhs = np.array([pairing(*d, *grads) for d in directions])
    # both sides are sums of a few dozen products of size ~1: rounding is ~1e-15;
    # lhs has size ~1 for these random directions, so 0 = 0 cannot pass
    expect.that(np.all(np.abs(lhs) > 1e-6), "the test directions must give non-zero products", quantity="⟨z̄, J[θ̇; ẋ]⟩", detail=f"{lhs}")
    a = tol.adjoint
    expect.close(
        rhs, lhs, a,
        names="⟨Jᵀz̄, [θ̇; ẋ]⟩ from your VJP (should equal ⟨z̄, J[θ̇; ẋ]⟩ from your JVP)",
        detail="the dot-product test pairs every adjoint with its tangent: Σ⟨W̄_z, Ẇ_z⟩ + Σ⟨W̄_x, Ẇ_x⟩ + x̄·ẋ",
    )


@mark.hidden
@mark.weight(3)
@mark.parametrize("L", (1, 2, 6))
def test_hidden_random_depths(student, ref, rng, L):
    """L = 1, 2 and 6 layers with pairwise-distinct widths"""
    x, Wz, Wx = layered_case(rng, random_sizes(rng, L), scale=float(rng.uniform(0.5, 2.0)))
    zbar = rng.standard_normal(Wx[-1].shape[0])
    expect.close(student.layered_vjp(x, Wz, Wx, zbar), ref.layered_vjp(x, Wz, Wx, zbar))


@mark.hidden
def test_hidden_saturated(student, ref, rng):
    """large weights, most units saturated, 4 layers"""
    x, Wz, Wx = layered_case(rng, random_sizes(rng, 4), scale=8.0)
    zbar = rng.standard_normal(Wx[-1].shape[0])
    expect.close(student.layered_vjp(x, Wz, Wx, zbar), ref.layered_vjp(x, Wz, Wx, zbar))


@mark.hidden
def test_hidden_wide_input(student, ref, rng):
    """d_0 = 12 input features into narrow layers 3 → 2 → 1"""
    x, Wz, Wx = layered_case(rng, [12, 3, 2, 1])
    zbar = rng.standard_normal(1)
    expect.close(student.layered_vjp(x, Wz, Wx, zbar), ref.layered_vjp(x, Wz, Wx, zbar))
