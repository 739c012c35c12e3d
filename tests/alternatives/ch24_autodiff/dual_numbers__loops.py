"""Elementwise Python loops over flattened arrays with the math module, the
tangent of a quotient as ȧ/b₀ - (a₀/b₀²) ḃ, and d_matvec by explicit sums."""

import math

import numpy as np


def _loop(a, f, df):
    v = np.asarray(a[0], dtype=np.float64)
    t = np.asarray(a[1], dtype=np.float64)
    out_v, out_t = np.empty(v.shape), np.empty(v.shape)
    fv, ft = out_v.reshape(-1), out_t.reshape(-1)
    for i, (x, dx) in enumerate(zip(v.reshape(-1), t.reshape(-1))):
        fv[i] = f(x)
        ft[i] = df(x) * dx
    return out_v, out_t


def _sig(x):
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def d_add(a, b):
    return np.add(a[0], b[0]), np.add(a[1], b[1])


def d_mul(a, b):
    return np.multiply(a[0], b[0]), np.multiply(a[1], b[0]) + np.multiply(a[0], b[1])


def d_div(a, b):
    a0, a1, b0, b1 = (np.asarray(u, dtype=np.float64) for u in (a[0], a[1], b[0], b[1]))
    return a0 / b0, a1 / b0 - (a0 / (b0 * b0)) * b1


def d_exp(a):
    return _loop(a, math.exp, math.exp)


def d_log(a):
    return _loop(a, math.log, lambda x: 1.0 / x)


def d_sin(a):
    return _loop(a, math.sin, math.cos)


def d_tanh(a):
    return _loop(a, math.tanh, lambda x: 1.0 - math.tanh(x) ** 2)


def d_sigmoid(a):
    return _loop(a, _sig, lambda x: _sig(x) * _sig(-x))


def d_matvec(W, a):
    W = np.asarray(W, dtype=np.float64)
    m, n = W.shape
    v, t = np.zeros(m), np.zeros(m)
    for i in range(m):
        for j in range(n):
            v[i] += W[i, j] * a[0][j]
            t[i] += W[i, j] * a[1][j]
    return v, t
