"""Shared helpers for the chapter 24 graders: input generators and independent
oracles (the complex step, central differences of the student's own functions,
counting callables). Nothing here computes an exercise's answer by the rules the
student implements: derivatives come from the complex step
Im f(x + i h v) / h (h = 1e-30, exact to rounding for analytic code, no
subtraction) or from finite differences of the student's own forward pass.
"""

from __future__ import annotations

import numpy as np

from mathdl_cli.grading import expect, gen

H = 1e-30  # complex step: Im f(x + iHv)/H = f'(x) v + O(H²), no cancellation


def complex_step(f, x: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(f(x), f'(x) v) for an analytic f written with numpy's complex functions."""
    out = f(np.asarray(x, dtype=np.complex128) + 1j * H * np.asarray(v, dtype=np.float64))
    return np.real(out).astype(np.float64), (np.imag(out) / H).astype(np.float64)


# -- dual numbers -------------------------------------------------------------------------


def dual(rng, shape, low=-2.0, high=2.0, positive=False):
    """A dual number (value, tangent) with values in [low, high] (or in [0.3, 3])."""
    value = rng.uniform(0.3, 3.0, shape) if positive else rng.uniform(low, high, shape)
    return value, rng.standard_normal(shape)


def csigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# -- the layered model -------------------------------------------------------------------------


def layered_case(rng, sizes: list[int], scale: float = 1.0):
    """(x, Wz, Wx) for widths sizes = [d_0, d_1, ..., d_L]: W^ℓ_x (d_ℓ, d_0),
    W^ℓ_z (d_ℓ, d_{ℓ-1}) for ℓ ≥ 2 (Wz[0] = None), entries N(0, scale²/fan-in)."""
    d0 = sizes[0]
    x = rng.standard_normal(d0)
    Wx = [scale * rng.standard_normal((d, d0)) / np.sqrt(d0) for d in sizes[1:]]
    Wz = [None] + [scale * rng.standard_normal((d, p)) / np.sqrt(p) for p, d in zip(sizes[1:-1], sizes[2:])]
    return x, Wz, Wx


def layered_direction(rng, x, Wz, Wx, parameters: bool = True, inputs: bool = True):
    """Tangents (dWz, dWx, dx) shaped like (Wz, Wx, x); zero where switched off."""
    def draw(A):
        return rng.standard_normal(A.shape) if parameters else np.zeros(A.shape)

    dWz = [None] + [draw(W) for W in Wz[1:]]
    dWx = [draw(W) for W in Wx]
    dx = rng.standard_normal(x.shape) if inputs else np.zeros(x.shape)
    return dWz, dWx, dx


def random_sizes(rng, L: int) -> list[int]:
    """L + 1 pairwise-distinct widths (d_0, ..., d_L): no square weight matrix anywhere."""
    return gen.distinct_sizes(rng, L + 1, 2, 9 + L)


def moved(Wz, Wx, x, dWz, dWx, dx, t: float):
    """The point (Wz, Wx, x) + t (dWz, dWx, dx)."""
    return (
        [None] + [W + t * D for W, D in zip(Wz[1:], dWz[1:])],
        [W + t * D for W, D in zip(Wx, dWx)],
        x + t * dx,
    )


def forward_fd(student, x, Wz, Wx, dWz, dWx, dx, eps: float = 1e-4) -> np.ndarray:
    """d/dt z_L at t = 0 along the direction, by the five-point stencil on the
    student's own layered_forward (one batched round trip of 4 calls): truncation
    error O(eps⁴) ~ 1e-16, rounding ~1e-12 relative at eps = 1e-4."""
    points = []
    for t in (eps, -eps, 2 * eps, -2 * eps):
        Wz_t, Wx_t, x_t = moved(Wz, Wx, x, dWz, dWx, dx, t)
        points.append((x_t, Wz_t, Wx_t))
    template = [np.zeros(W.shape[0]) for W in Wx]
    outs = [expect.like(z, template, names="z_{k}")[-1] for z in student.layered_forward.many(points)]
    return (8 * (outs[0] - outs[1]) - (outs[2] - outs[3])) / (12 * eps)


def pairing(dWz, dWx, dx, gWz, gWx, gx) -> float:
    """⟨(gWz, gWx, gx), (dWz, dWx, dx)⟩ summed over every parameter and the input."""
    total = float(np.dot(gx, dx))
    total += sum(float(np.sum(G * D)) for G, D in zip(gWz[1:], dWz[1:]))
    total += sum(float(np.sum(G * D)) for G, D in zip(gWx, dWx))
    return total


def vjp_template(x, Wz, Wx):
    return ([None] + [np.zeros(W.shape) for W in Wz[1:]], [np.zeros(W.shape) for W in Wx], np.zeros(x.shape))


# -- tapes -----------------------------------------------------------------------------------


def run_tape(nodes, inputs: np.ndarray) -> np.ndarray:
    """Every node's value, in complex arithmetic when the inputs are complex (the
    forward evaluation only; the derivative then comes from the complex step)."""
    vals: list = []
    for op, par, c in nodes:
        p = [vals[j] for j in par]
        if op == "input":
            vals.append(inputs[int(c)])
        elif op == "const":
            vals.append(complex(c) if np.iscomplexobj(inputs) else float(c))
        elif op == "add":
            vals.append(p[0] + p[1])
        elif op == "mul":
            vals.append(p[0] * p[1])
        elif op == "powc":
            vals.append(p[0] ** c)
        else:
            vals.append({"sin": np.sin, "exp": np.exp, "log": np.log, "tanh": np.tanh}[op](p[0]))
    return np.array(vals)


def tape_oracle(nodes, inputs: np.ndarray) -> tuple[float, np.ndarray]:
    """(value, gradient) by the complex step, one input coordinate at a time."""
    inputs = np.asarray(inputs, dtype=np.float64)
    value = float(run_tape(nodes, inputs)[-1])
    grad = np.zeros(inputs.shape[0])
    for k in range(inputs.shape[0]):
        z = inputs.astype(np.complex128)
        z[k] += 1j * H
        grad[k] = np.imag(run_tape(nodes, z)[-1]) / H
    return value, grad


def random_tape(rng, n_inputs: int, n_nodes: int, fan_out: float = 0.6):
    """A random tape over n_inputs inputs: every op appears, nodes are reused many
    times (with probability fan_out a parent is one of the 3 most used nodes),
    values stay in a safe range (log and fractional powers only of values > 0.2,
    exp of values < 3, |values| < 50), and the output sums every dangling node
    so that each node matters."""
    nodes: list = [("input", (), k) for k in range(n_inputs)]
    vals = [float(v) for v in rng.uniform(0.4, 1.6, n_inputs) * rng.choice([-1.0, 1.0], n_inputs)]
    uses = [0] * n_inputs

    def pick() -> int:
        if rng.random() < fan_out:
            top = np.argsort(uses)[::-1][:3]
            return int(rng.choice(top))
        return int(rng.integers(len(nodes)))

    ops = ("add", "mul", "sin", "exp", "log", "tanh", "powc", "const")
    while len(nodes) < n_inputs + n_nodes:
        op = ops[int(rng.integers(len(ops)))]
        j, l = pick(), pick()
        vj, vl = vals[j], vals[l]
        if op == "const":
            c = float(np.round(rng.uniform(-2, 2), 3))
            node, v = ("const", (), c), c
        elif op == "add":
            node, v = ("add", (j, l), None), vj + vl
        elif op == "mul":
            node, v = ("mul", (j, l), None), vj * vl
        elif op == "sin":
            node, v = ("sin", (j,), None), float(np.sin(vj))
        elif op == "tanh":
            node, v = ("tanh", (j,), None), float(np.tanh(vj))
        elif op == "exp":
            if vj >= 3:
                continue
            node, v = ("exp", (j,), None), float(np.exp(vj))
        elif op == "log":
            if vj <= 0.2:
                continue
            node, v = ("log", (j,), None), float(np.log(vj))
        else:  # powc: whole powers of any value, fractional powers of positive ones
            p = float(rng.choice([2.0, 3.0, -1.0])) if vj <= 0.2 else float(rng.choice([0.5, 1.5, 2.0, -0.5]))
            if abs(vj) < 0.2 and p < 0:
                continue
            node, v = ("powc", (j,), p), float(vj**p)
        if not np.isfinite(v) or abs(v) > 50:
            continue
        for q in node[1]:
            uses[q] += 1
        nodes.append(node)
        vals.append(v)
        uses.append(0)
    dangling = [i for i in range(len(nodes)) if uses[i] == 0]
    acc = dangling[0]
    for i in dangling[1:]:
        nodes.append(("add", (acc, i), None))
        acc = len(nodes) - 1
    return nodes, np.array([vals[k] for k in range(n_inputs)])


# -- counting callables --------------------------------------------------------------------------


class Counted:
    """A grader-side linear map handed to the student's code: counts its calls and
    rejects inputs of the wrong shape (each call is a round trip to the grader)."""

    def __init__(self, matrix: np.ndarray, name: str):
        self.matrix = np.asarray(matrix, dtype=np.float64)
        self.name = name
        self.calls = 0
        self.inputs: list[np.ndarray] = []

    def __call__(self, v):
        v = np.asarray(v, dtype=np.float64)
        want = (self.matrix.shape[1],)
        if v.shape != want:
            raise ValueError(f"{self.name} takes a vector of shape {want}, got shape {v.shape}")
        self.calls += 1
        self.inputs.append(v.copy())
        return self.matrix @ v


def smooth_jacobian(rng, n: int, m: int) -> np.ndarray:
    """The Jacobian at a random point x of F(x) = tanh(A x) ⊙ (B x) + C sin x, by the
    complex step of F along every unit vector (A, B: (m, n), C: (m, n))."""
    A, B, C = (rng.standard_normal((m, n)) / np.sqrt(n) for _ in range(3))
    x = rng.standard_normal(n)

    def F(z):
        return np.tanh(A @ z) * (B @ z) + C @ np.sin(z)

    return np.stack([complex_step(F, x, e)[1] for e in np.eye(n)], axis=1)


def expect_calls(counter: Counted, want: int, what: str) -> None:
    expect.that(
        counter.calls == want,
        f"{what} must call {counter.name} exactly {want} times",
        quantity=f"number of {counter.name} calls",
        detail=f"your code called {counter.name} {counter.calls} times; the Jacobian needs exactly {want} "
        "(one per unit vector), and every extra call is a full extra pass",
    )
