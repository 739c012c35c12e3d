"""Grader for ch24.jacobian_cost: the Jacobian assembled from JVPs (exactly n
calls) and from VJPs (exactly m calls), counted by grader-side callables; wide,
tall and square Jacobians; the gradient of a scalar function of 1000 variables
from a single VJP. The Jacobians are those of a smooth F at a random point,
computed here by the complex step."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import Counted, expect_calls, smooth_jacobian


def forward(student, J):
    jvp = Counted(J, "jvp")
    got = student.jacobian_forward(jvp, J.shape[1])
    expect.close(got, J, names=f"J of shape {J.shape} from JVPs")
    expect_calls(jvp, J.shape[1], "jacobian_forward (n JVPs)")


def reverse(student, J):
    vjp = Counted(J.T, "vjp")
    got = student.jacobian_reverse(vjp, J.shape[0])
    expect.close(got, J, names=f"J of shape {J.shape} from VJPs")
    expect_calls(vjp, J.shape[0], "jacobian_reverse (m VJPs)")


def test_forward_wide(student, rng):
    """F: R^5 → R^3: J (3, 5) from exactly 5 JVPs"""
    forward(student, smooth_jacobian(rng, 5, 3))


def test_reverse_wide(student, rng):
    """F: R^5 → R^3: J (3, 5) from exactly 3 VJPs"""
    reverse(student, smooth_jacobian(rng, 5, 3))


def test_tall(student, rng):
    """F: R^2 → R^6: J (6, 2) from exactly 2 JVPs and from exactly 6 VJPs"""
    J = smooth_jacobian(rng, 2, 6)
    forward(student, J)
    reverse(student, J)


def test_scalar_function_of_1000_variables(student, rng):
    """F: R^1000 → R: the whole gradient (J of shape (1, 1000)) from ONE VJP (forward mode would need 1000 JVPs)"""
    g = rng.standard_normal((1, 1000))
    reverse(student, g)


def test_one_by_one(student, rng):
    """F: R → R: J (1, 1) from one JVP and from one VJP"""
    J = np.array([[float(rng.uniform(0.5, 2.0))]])
    forward(student, J)
    reverse(student, J)


@mark.hidden
@mark.weight(3)
@mark.parametrize("trial", range(3))
def test_hidden_random_shapes(student, ref, rng, trial):
    """random n ≠ m, both modes, against the reference and the counts"""
    n, m = [(int(rng.integers(6, 12)), int(rng.integers(2, 5))), (int(rng.integers(2, 5)), int(rng.integers(6, 12))), (1, 7)][trial]
    J = smooth_jacobian(rng, n, m)
    forward(student, J)
    reverse(student, J)
    expect.close(student.jacobian_forward(Counted(J, "jvp"), n), ref.jacobian_forward(Counted(J, "jvp"), n))


@mark.hidden
def test_hidden_forward_200(student, rng):
    """F: R^200 → R^2 by forward mode: exactly 200 JVPs"""
    forward(student, rng.standard_normal((2, 200)))
