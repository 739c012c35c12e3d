"""Grader for ch24.tape_reverse: value and gradient against the complex step of
the tape's own forward evaluation (an independent oracle), on small tapes, on
tapes where one node feeds many others (fan-out: adjoints must add up), on
('mul', (j, j)) and ('add', (j, j)), on every operation, and on random tapes."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import random_tape, tape_oracle


def check(student, nodes, inputs, what):
    got = student.tape_eval_and_grad(nodes, inputs)
    value, grad = tape_oracle(nodes, inputs)
    expect.close(got, (value, grad), names=[f"value of {what}", f"gradient of {what}"])
    return got


def test_small_expression(student, rng):
    """f(x, y) = sin(x y) + e^x: value and gradient (y cos(xy) + e^x, x cos(xy))"""
    nodes = [
        ("input", (), 0),
        ("input", (), 1),
        ("mul", (0, 1), None),
        ("sin", (2,), None),
        ("exp", (0,), None),
        ("add", (3, 4), None),
    ]
    check(student, nodes, rng.uniform(-1.5, 1.5, 2), "sin(x y) + e^x")


def test_fan_out(student, rng):
    """f(x) = x·x·x·sin(x) + x: node x feeds five later operations, so its adjoint is a sum of five contributions"""
    nodes = [
        ("input", (), 0),  # 0: x
        ("mul", (0, 0), None),  # 1: x²      (x used twice)
        ("mul", (1, 0), None),  # 2: x³      (third use)
        ("sin", (0,), None),  # 3: sin x   (fourth use)
        ("mul", (2, 3), None),  # 4: x³ sin x
        ("add", (4, 0), None),  # 5: x³ sin x + x  (fifth use)
    ]
    check(student, nodes, np.array([rng.uniform(0.5, 1.5)]), "x·x·x·sin(x) + x")


def test_self_operands(student, rng):
    """('add', (j, j)) is 2 v_j and ('mul', (j, j)) is v_j²: both updates go to the same adjoint"""
    add_self = [("input", (), 0), ("add", (0, 0), None), ("tanh", (1,), None)]
    check(student, add_self, np.array([rng.uniform(-1, 1)]), "tanh(x + x)")
    square = [("input", (), 0), ("input", (), 1), ("mul", (1, 1), None), ("mul", (0, 2), None)]
    check(student, square, rng.uniform(0.5, 2.0, 2), "x y²")


def test_every_operation(student, rng):
    """all nine ops: f(x, y) = log(y^1.5 + tanh(x)² + 3) · sin(e^{x/y}) + x^3, with a constant and a fractional power"""
    nodes = [
        ("input", (), 0),  # 0 x
        ("input", (), 1),  # 1 y > 0
        ("powc", (1,), 1.5),  # 2 y^1.5
        ("tanh", (0,), None),  # 3
        ("powc", (3,), 2.0),  # 4 tanh² x
        ("const", (), 3.0),  # 5
        ("add", (2, 4), None),  # 6
        ("add", (6, 5), None),  # 7
        ("log", (7,), None),  # 8
        ("powc", (1,), -1.0),  # 9 1/y
        ("mul", (0, 9), None),  # 10 x/y
        ("exp", (10,), None),  # 11
        ("sin", (11,), None),  # 12
        ("mul", (8, 12), None),  # 13
        ("powc", (0,), 3.0),  # 14 x³
        ("add", (13, 14), None),  # 15
    ]
    check(student, nodes, np.array([rng.uniform(-1.2, 1.2), rng.uniform(0.5, 2.0)]), "the nine-op expression")


def test_inputs_read_twice_and_unused(student, rng):
    """two input nodes read inputs[0] (their adjoints add up) and inputs[2] is unused (its derivative is 0)"""
    nodes = [
        ("input", (), 0),
        ("input", (), 1),
        ("input", (), 0),  # inputs[0] again, a separate node
        ("mul", (0, 1), None),
        ("exp", (2,), None),
        ("add", (3, 4), None),
    ]
    value, grad = check(student, nodes, rng.uniform(-1, 1, 3), "x y + e^x (inputs[2] unused)")
    expect.that(grad[2] == 0.0, "an input the output does not depend on has derivative 0", quantity="gradient of inputs[2]")


def test_random_tape_with_fan_out(student, rng):
    """a random tape of 40 operations over 3 inputs, in which three nodes feed most later ones"""
    nodes, inputs = random_tape(rng, 3, 40)
    check(student, nodes, inputs, "a random 40-node tape")


@mark.hidden
@mark.weight(3)
@mark.parametrize("trial", range(3))
def test_hidden_random_tapes(student, ref, rng, trial):
    """random tapes of 20 to 150 nodes, 1 to 6 inputs, heavy fan-out"""
    n_inputs = [1, int(rng.integers(2, 4)), 6][trial]
    nodes, inputs = random_tape(rng, n_inputs, [20, 60, 150][trial], fan_out=float(rng.uniform(0.5, 0.9)))
    got = check(student, nodes, inputs, "a random tape")
    expect.close(got, ref.tape_eval_and_grad(nodes, inputs))


@mark.hidden
def test_hidden_single_node(student, rng):
    """a tape of a single input node: value inputs[k], gradient e_k"""
    inputs = rng.standard_normal(3)
    check(student, [("input", (), 1)], inputs, "the tape [input 1]")


@mark.hidden
def test_hidden_deep_chain(student, rng):
    """a chain of 200 operations: tanh, sin and x ↦ x·x + x alternating"""
    nodes = [("input", (), 0)]
    for k in range(200):
        i = len(nodes) - 1
        if k % 3 == 0:
            nodes.append(("tanh", (i,), None))
        elif k % 3 == 1:
            nodes.append(("sin", (i,), None))
        else:
            nodes += [("mul", (i, i), None), ("add", (i + 1, i), None)]
    check(student, nodes, np.array([rng.uniform(0.2, 0.8)]), "a 200-step chain")
