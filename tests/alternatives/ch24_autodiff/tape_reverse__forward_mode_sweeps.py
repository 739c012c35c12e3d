"""The gradient by n forward-mode sweeps over the tape (one tangent per input,
carried node by node), not by a reverse sweep: the same numbers, n times the
work; the tangents of all inputs are carried together as an (N, n) array."""

import numpy as np


def tape_eval_and_grad(nodes, inputs):
    inputs = np.asarray(inputs, dtype=np.float64)
    n, N = inputs.size, len(nodes)
    val = np.zeros(N)
    tan = np.zeros((N, n))
    for i, (op, par, c) in enumerate(nodes):
        if op == "input":
            val[i] = inputs[int(c)]
            tan[i, int(c)] = 1.0
        elif op == "const":
            val[i] = c
        elif op == "add":
            val[i] = val[par[0]] + val[par[1]]
            tan[i] = tan[par[0]] + tan[par[1]]
        elif op == "mul":
            val[i] = val[par[0]] * val[par[1]]
            tan[i] = tan[par[0]] * val[par[1]] + val[par[0]] * tan[par[1]]
        else:
            v = val[par[0]]
            if op == "sin":
                val[i], d = np.sin(v), np.cos(v)
            elif op == "exp":
                val[i] = np.exp(v)
                d = val[i]
            elif op == "log":
                val[i], d = np.log(v), 1.0 / v
            elif op == "tanh":
                val[i] = np.tanh(v)
                d = 1.0 - val[i] ** 2
            else:
                val[i], d = v**c, c * v ** (c - 1)
            tan[i] = d * tan[par[0]]
    return float(val[-1]), tan[-1].copy()
