"""The adjoints 'pulled' rather than pushed: each node's children are listed
first, and v̄_i = Σ_children v̄_c ∂v_c/∂v_i is computed in one sum when node i is
reached (in decreasing order); values in a dict, math-module functions."""

import math

import numpy as np


def tape_eval_and_grad(nodes, inputs):
    vals = {}
    for i, (op, par, c) in enumerate(nodes):
        p = [vals[j] for j in par]
        vals[i] = {
            "input": lambda: float(inputs[int(c)]),
            "const": lambda: float(c),
            "add": lambda: p[0] + p[1],
            "mul": lambda: p[0] * p[1],
            "sin": lambda: math.sin(p[0]),
            "exp": lambda: math.exp(p[0]),
            "log": lambda: math.log(p[0]),
            "tanh": lambda: math.tanh(p[0]),
            "powc": lambda: p[0] ** c,
        }[op]()
    children = {i: [] for i in range(len(nodes))}
    for i, (op, par, c) in enumerate(nodes):
        for slot, j in enumerate(par):
            children[j].append((i, slot))

    def partial(i, slot):
        op, par, c = nodes[i]
        if op == "add":
            return 1.0
        if op == "mul":
            return vals[par[1 - slot]]
        v = vals[par[0]]
        return {"sin": lambda: math.cos(v), "exp": lambda: vals[i], "log": lambda: 1.0 / v,
                "tanh": lambda: 1.0 - vals[i] ** 2, "powc": lambda: c * v ** (c - 1)}[op]()

    N = len(nodes)
    adj = {N - 1: 1.0}
    grad = np.zeros(len(inputs))
    for i in range(N - 1, -1, -1):
        if i != N - 1:
            adj[i] = sum(adj[k] * partial(k, slot) for k, slot in children[i])
        if nodes[i][0] == "input":
            grad[int(nodes[i][2])] += adj[i]
    return vals[N - 1], grad
