"""Grader for ch05.xor_network: shapes and dtypes in the book's convention, and
the network evaluated here (ReLU hidden layer, linear output) is exactly XOR."""

import numpy as np

from mathdl_cli.grading import expect

CORNERS = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
XOR = np.array([0.0, 1.0, 1.0, 0.0])
TEMPLATE = ([np.zeros((2, 2)), np.zeros((2, 1))], [np.zeros(2), np.zeros(1)])


def evaluate(Ws, bs, X):
    """m(x; θ) = Σ_j w²_{j1} max(0, Σ_i w¹_{ij} x_i + B¹_j) + B², for each row x of X."""
    hidden = np.maximum(0.0, np.einsum("mi,ij->mj", X, Ws[0]) + bs[0])
    return np.einsum("mj,jk->mk", hidden, Ws[1])[:, 0] + bs[1][0]


def test_shapes(student):
    """W¹ (2, 2), W² (2, 1), B¹ (2,), B² (1,), all float64"""
    expect.like(student.xor_network(), TEMPLATE)


def test_exact_xor(student):
    """m(x; θ) = XOR(x) exactly on (0,0), (1,0), (0,1), (1,1) with ReLU hidden units and a linear output"""
    Ws, bs = expect.like(student.xor_network(), TEMPLATE)
    expect.close(evaluate(Ws, bs, CORNERS), XOR, names="m(x; θ) on the corners (0,0), (1,0), (0,1), (1,1)")


def test_not_affine(student):
    """the network is not affine: m(0,0) + m(1,1) ≠ m(1,0) + m(0,1)"""
    Ws, bs = expect.like(student.xor_network(), TEMPLATE)
    m = evaluate(Ws, bs, CORNERS)
    gap = m[0] + m[3] - m[1] - m[2]
    expect.that(abs(gap + 2.0) <= 1e-12, "m(0,0) + m(1,1) - m(1,0) - m(0,1) must be -2 for XOR (it is 0 for every affine map)", quantity="m(x; θ)", detail=f"got {gap:.6g}")
