"""Grader for ch05.count_params: known networks, additivity over layers, and the
reference on random widths."""

import pytest

from mathdl_cli.grading import expect


def test_xor_net(student):
    """[2, 2, 1] (the XOR network): 4 + 2 weights/biases in layer 1, 2 + 1 in layer 2 = 9"""
    expect.equal(student.count_params([2, 2, 1]), 9)


def test_mnist_mlp(student):
    """[784, 100, 10] (a classic MNIST MLP): 78 500 + 1 010 = 79 510"""
    expect.equal(student.count_params([784, 100, 10]), 79510)


def test_no_layers_and_additivity(student):
    """[d] has no parameters, and #[a, b, c] = #[a, b] + #[b, c]"""
    expect.equal(student.count_params([7]), 0, names="count_params([7]) (no layers, no parameters)")
    whole = student.count_params([5, 7, 3])
    parts = student.count_params([5, 7]) + student.count_params([7, 3])
    expect.equal(whole, parts, names="count_params([5, 7, 3]) (should be count_params([5, 7]) + count_params([7, 3]))")


def test_deeper(student, ref):
    """[5, 7, 3, 2]"""
    expect.equal(student.count_params([5, 7, 3, 2]), ref.count_params([5, 7, 3, 2]))


@pytest.mark.hidden
@pytest.mark.parametrize("trial", range(3))
def test_hidden_random(student, ref, rng, trial):
    """random depths (1 to 7 layers) and widths (1 to 500)"""
    sizes = [int(v) for v in rng.integers(1, 501, int(rng.integers(2, 9)))]
    expect.equal(student.count_params(sizes), ref.count_params(sizes))
