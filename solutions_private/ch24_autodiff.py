"""Reference solutions for chapter 24 (automatic differentiation). Instructors only."""

import numpy as np

# -- ch24.dual_numbers --------------------------------------------------------------


def _parts(a):
    return np.asarray(a[0], dtype=np.float64), np.asarray(a[1], dtype=np.float64)


def d_add(a, b):
    a0, a1 = _parts(a)
    b0, b1 = _parts(b)
    return a0 + b0, a1 + b1


def d_mul(a, b):
    a0, a1 = _parts(a)
    b0, b1 = _parts(b)
    return a0 * b0, a1 * b0 + a0 * b1


def d_div(a, b):
    a0, a1 = _parts(a)
    b0, b1 = _parts(b)
    q = a0 / b0
    return q, (a1 - q * b1) / b0


def d_exp(a):
    a0, a1 = _parts(a)
    e = np.exp(a0)
    return e, e * a1


def d_log(a):
    a0, a1 = _parts(a)
    return np.log(a0), a1 / a0


def d_sin(a):
    a0, a1 = _parts(a)
    return np.sin(a0), np.cos(a0) * a1


def d_tanh(a):
    a0, a1 = _parts(a)
    t = np.tanh(a0)
    return t, (1.0 - t * t) * a1


def d_sigmoid(a):
    a0, a1 = _parts(a)
    e = np.exp(-np.abs(a0))  # in (0, 1]: never overflows
    s = np.where(a0 >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return s, e / (1.0 + e) ** 2 * a1  # σ(1 - σ) = e^{-|t|} / (1 + e^{-|t|})², without cancellation


def d_matvec(W, a):
    a0, a1 = _parts(a)
    W = np.asarray(W, dtype=np.float64)
    return W @ a0, W @ a1


# -- ch24.forward_mode_layered --------------------------------------------------------


def layered_forward(x, Wz, Wx):
    zs = []
    for ell in range(len(Wx)):
        a = Wx[ell] @ x
        if ell > 0:
            a = a + Wz[ell] @ zs[-1]
        zs.append(np.tanh(a))
    return zs


def layered_jvp(x, Wz, Wx, dWz, dWx, dx):
    z = zdot = None
    for ell in range(len(Wx)):
        a = Wx[ell] @ x
        adot = Wx[ell] @ dx + dWx[ell] @ x
        if ell > 0:  # z, zdot still hold layer ℓ-1
            a = a + Wz[ell] @ z
            adot = adot + Wz[ell] @ zdot + dWz[ell] @ z
        z = np.tanh(a)
        zdot = (1.0 - z * z) * adot
    return zdot


# -- ch24.reverse_mode_layered --------------------------------------------------------


def layered_vjp(x, Wz, Wx, zbar_L):
    zs = layered_forward(x, Wz, Wx)
    L = len(Wx)
    dWz = [None] * L
    dWx = [None] * L
    dx = np.zeros_like(x, dtype=np.float64)
    zbar = np.asarray(zbar_L, dtype=np.float64)
    for ell in range(L - 1, -1, -1):
        g = (1.0 - zs[ell] ** 2) * zbar
        dWx[ell] = np.outer(g, x)
        dx = dx + Wx[ell].T @ g
        if ell > 0:
            dWz[ell] = np.outer(g, zs[ell - 1])
            zbar = Wz[ell].T @ g
    return dWz, dWx, dx


# -- ch24.tape_reverse ------------------------------------------------------------------


def _tape_values(nodes, inputs):
    """Every node's value, in tape order."""
    vals = np.zeros(len(nodes))
    for i, (op, par, c) in enumerate(nodes):
        if op == "input":
            vals[i] = inputs[int(c)]
        elif op == "const":
            vals[i] = c
        elif op == "add":
            vals[i] = vals[par[0]] + vals[par[1]]
        elif op == "mul":
            vals[i] = vals[par[0]] * vals[par[1]]
        elif op == "sin":
            vals[i] = np.sin(vals[par[0]])
        elif op == "exp":
            vals[i] = np.exp(vals[par[0]])
        elif op == "log":
            vals[i] = np.log(vals[par[0]])
        elif op == "tanh":
            vals[i] = np.tanh(vals[par[0]])
        elif op == "powc":
            vals[i] = vals[par[0]] ** c
        else:
            raise ValueError(f"unknown op {op!r}")
    return vals


def _local(op, par, c, vals, i):
    """[(parent j, ∂v_i/∂v_j)] for node i, from the values of the forward pass."""
    if op == "add":
        return [(par[0], 1.0), (par[1], 1.0)]
    if op == "mul":
        return [(par[0], vals[par[1]]), (par[1], vals[par[0]])]
    if op == "sin":
        return [(par[0], np.cos(vals[par[0]]))]
    if op == "exp":
        return [(par[0], vals[i])]
    if op == "log":
        return [(par[0], 1.0 / vals[par[0]])]
    if op == "tanh":
        return [(par[0], 1.0 - vals[i] ** 2)]
    if op == "powc":
        return [(par[0], c * vals[par[0]] ** (c - 1))]
    return []  # input, const: no parents


def tape_eval_and_grad(nodes, inputs):
    inputs = np.asarray(inputs, dtype=np.float64)
    vals = _tape_values(nodes, inputs)
    N = len(nodes)
    adj = np.zeros(N)
    adj[-1] = 1.0
    grad = np.zeros(inputs.shape[0])
    for i in range(N - 1, -1, -1):  # children before parents: adj[i] is complete here
        op, par, c = nodes[i]
        if op == "input":
            grad[int(c)] += adj[i]
        for j, d in _local(op, par, c, vals, i):
            adj[j] += adj[i] * d  # += : one contribution per child (fan-out)
    return float(vals[-1]), grad


# -- ch24.jacobian_cost -----------------------------------------------------------------


def jacobian_forward(jvp, n):
    cols = [np.asarray(jvp(e), dtype=np.float64) for e in np.eye(n)]
    return np.stack(cols, axis=1)


def jacobian_reverse(vjp, m):
    rows = [np.asarray(vjp(e), dtype=np.float64) for e in np.eye(m)]
    return np.stack(rows, axis=0)
