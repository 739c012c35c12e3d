"""Chapter 24 references against independent oracles: torch.func.jvp and vjp,
torch.autograd.functional.jacobian, a torch interpreter of the tapes with
.backward(), and the complex step; the graders' own oracles (complex step, tape
generator, counting callables) against torch."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.func import jvp as tjvp
from torch.func import vjp as tvjp

from support import grader_helpers, reference

R = reference("ch24")
HELP = grader_helpers("ch24")


def t(a):
    return torch.tensor(np.asarray(a), dtype=torch.float64)


def close(got, want, rtol=1e-12, atol=1e-13):
    np.testing.assert_allclose(np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64), rtol=rtol, atol=atol)


# -- dual numbers ----------------------------------------------------------------------

UNARY = {
    "d_exp": torch.exp, "d_log": torch.log, "d_sin": torch.sin, "d_tanh": torch.tanh, "d_sigmoid": torch.sigmoid,
}
BINARY = {"d_add": torch.add, "d_mul": torch.mul, "d_div": torch.div}


@pytest.mark.parametrize("seed", range(5))
def test_dual_numbers_against_torch_jvp(seed):
    rng = np.random.default_rng(seed)
    a0, a1 = rng.uniform(-3, 3, (2, 4)), rng.standard_normal((2, 4))
    b0, b1 = rng.uniform(0.3, 3, (2, 4)) * rng.choice([-1, 1], (2, 4)), rng.standard_normal((2, 4))
    for name, op in BINARY.items():
        value, tangent = tjvp(op, (t(a0), t(b0)), (t(a1), t(b1)))
        close(getattr(R, name)((a0, a1), (b0, b1)), (value.numpy(), tangent.numpy()))
    for name, op in UNARY.items():
        x0 = np.abs(a0) + 0.2 if name == "d_log" else a0
        value, tangent = tjvp(op, (t(x0),), (t(a1),))
        close(getattr(R, name)((x0, a1)), (value.numpy(), tangent.numpy()))
    W = rng.standard_normal((3, 4))
    value, tangent = tjvp(lambda v: t(W) @ v, (t(a0[0]),), (t(a1[0]),))
    close(R.d_matvec(W, (a0[0], a1[0])), (value.numpy(), tangent.numpy()))


def test_sigmoid_and_tanh_at_800_closed_forms():
    """σ' = e^{-|t|}/(1 + e^{-|t|})² and 1 - tanh² without cancellation (torch's σ(1 - σ)
    loses three digits at t = 30: 9.348e-14 instead of 9.3576e-14; the graders' atol
    1e-14 accepts both)."""
    a0 = np.array([-800.0, -30.0, 0.0, 30.0, 800.0])
    a = (a0, np.ones(5))
    e = np.exp(-np.abs(a0))
    with np.errstate(all="raise", under="ignore"):
        close(R.d_sigmoid(a), (np.where(a0 >= 0, 1 / (1 + e), e / (1 + e)), e / (1 + e) ** 2), rtol=1e-14, atol=1e-300)
        e2 = np.exp(-2 * np.abs(a0))
        close(R.d_tanh(a), (np.tanh(a0), 4 * e2 / (1 + e2) ** 2), rtol=1e-12, atol=1e-16)  # sech² t
    value, tangent = tjvp(torch.sigmoid, (t(a0),), (t(a[1]),))
    close(R.d_sigmoid(a), (value.numpy(), tangent.numpy()), rtol=1e-12, atol=1e-16)


def test_composite_oracle_of_the_grader_against_torch():
    grader = grader_helpers("ch24", "test_dual_numbers")
    rng = np.random.default_rng(3)
    W = rng.standard_normal((4, 3))
    x = (rng.standard_normal(3), rng.standard_normal(3))

    def f(z):
        u = t(W) @ z
        return torch.tanh(u) * torch.exp(torch.sin(u)) / (1 + torch.sigmoid(u)) + torch.log(1 + u * u)

    value, tangent = tjvp(f, (t(x[0]),), (t(x[1]),))
    close(grader.composite_oracle(W, x), (value.numpy(), tangent.numpy()))

    class Ref:  # the reference's ops through the grader's composite
        def __getattr__(self, name):
            return getattr(R, name)

    close(grader.composite(Ref(), W, x), (value.numpy(), tangent.numpy()))


# -- the layered model ----------------------------------------------------------------------


def torch_layered(x, Wz, Wx):
    z = None
    for ell in range(len(Wx)):
        a = Wx[ell] @ x + (Wz[ell] @ z if ell > 0 else 0)
        z = torch.tanh(a)
    return z


def pack(x, Wz, Wx):
    return [t(x)] + [t(W) for W in Wz[1:]] + [t(W) for W in Wx]


def unpack(L, flat):
    return flat[0], [None] + list(flat[1:L]), list(flat[L:])


@pytest.mark.parametrize("sizes", ([4, 5, 3, 2], [3], [6, 2], [2, 7, 3, 5, 4, 1]))
def test_layered_forward_and_jvp_against_torch_func_jvp(sizes):
    if len(sizes) < 2:
        sizes = sizes + [4]
    rng = np.random.default_rng(len(sizes))
    L = len(sizes) - 1
    x, Wz, Wx = HELP.layered_case(rng, sizes, scale=1.5)
    dWz, dWx, dx = HELP.layered_direction(rng, x, Wz, Wx)
    zs = R.layered_forward(x, Wz, Wx)
    close(zs[-1], torch_layered(*unpack(L, pack(x, Wz, Wx))).numpy())
    value, tangent = tjvp(lambda *flat: torch_layered(*unpack(L, flat)), tuple(pack(x, Wz, Wx)), tuple(pack(dx, dWz, dWx)))
    close(R.layered_jvp(x, Wz, Wx, dWz, dWx, dx), tangent.numpy())


def test_layered_jvp_against_complex_step():
    rng = np.random.default_rng(11)
    x, Wz, Wx = HELP.layered_case(rng, [3, 6, 4, 2])
    dWz, dWx, dx = HELP.layered_direction(rng, x, Wz, Wx)
    h = 1e-30
    Wz_c, Wx_c, x_c = HELP.moved(Wz, Wx, x, dWz, dWx, dx, 1j * h)
    z = R.layered_forward(x_c, Wz_c, Wx_c)[-1]  # the reference's forward pass is complex-safe
    close(R.layered_jvp(x, Wz, Wx, dWz, dWx, dx), np.imag(z) / h)


@pytest.mark.parametrize("sizes", ([4, 5, 3, 2], [6, 4], [2, 7, 3, 5, 4, 1], [12, 3, 2, 1]))
def test_layered_vjp_against_torch_func_vjp(sizes):
    rng = np.random.default_rng(len(sizes) + 7)
    L = len(sizes) - 1
    x, Wz, Wx = HELP.layered_case(rng, sizes, scale=1.3)
    zbar = rng.standard_normal(sizes[-1])
    _, pull = tvjp(lambda *flat: torch_layered(*unpack(L, flat)), *pack(x, Wz, Wx))
    grads = [g.numpy() for g in pull(t(zbar))]
    gx, gWz, gWx = unpack(L, grads)
    dWz, dWx, dx = R.layered_vjp(x, Wz, Wx, zbar)
    assert dWz[0] is None
    close(dx, gx)
    for got, want in zip(dWz[1:] + dWx, gWz[1:] + gWx):
        close(got, want)


@pytest.mark.parametrize("seed", range(20))
def test_dot_product_identity_of_the_references(seed):
    """What the grader's adjoint check expects: exact to ~1e-14 for the reference."""
    rng = np.random.default_rng(seed)
    x, Wz, Wx = HELP.layered_case(rng, HELP.random_sizes(rng, int(rng.integers(1, 6))), scale=float(rng.uniform(0.5, 3)))
    zbar = rng.standard_normal(Wx[-1].shape[0])
    grads = R.layered_vjp(x, Wz, Wx, zbar)
    d = HELP.layered_direction(rng, x, Wz, Wx)
    lhs = float(zbar @ R.layered_jvp(x, Wz, Wx, *d))
    rhs = HELP.pairing(*d, *grads)
    assert abs(lhs - rhs) <= 1e-13 + 1e-12 * abs(lhs)


# -- tapes --------------------------------------------------------------------------------------


def torch_tape(nodes, inputs):
    """The grader's tape semantics, interpreted in torch; the gradient by .backward()."""
    x = t(inputs).requires_grad_(True)
    vals = []
    for op, par, c in nodes:
        p = [vals[j] for j in par]
        if op == "input":
            vals.append(x[int(c)])
        elif op == "const":
            vals.append(torch.tensor(float(c), dtype=torch.float64))
        elif op == "add":
            vals.append(p[0] + p[1])
        elif op == "mul":
            vals.append(p[0] * p[1])
        elif op == "powc":
            vals.append(p[0] ** c)
        else:
            vals.append(getattr(torch, op)(p[0]))
    vals[-1].backward()
    grad = x.grad if x.grad is not None else torch.zeros_like(x)
    return float(vals[-1].detach()), grad.numpy()


@pytest.mark.parametrize("seed", range(25))
def test_tape_against_torch_backward_and_complex_step(seed):
    rng = np.random.default_rng(seed)
    nodes, inputs = HELP.random_tape(rng, int(rng.integers(1, 6)), int(rng.integers(10, 120)), fan_out=float(rng.uniform(0.3, 0.9)))
    value, grad = R.tape_eval_and_grad(nodes, inputs)
    tv, tg = torch_tape(nodes, inputs)
    cv, cg = HELP.tape_oracle(nodes, inputs)
    close(value, tv, rtol=1e-12, atol=1e-12)
    close(grad, tg, rtol=1e-10, atol=1e-10)
    close(cg, tg, rtol=1e-10, atol=1e-10)  # the grader's complex-step oracle agrees with autograd
    assert np.linalg.norm(tg) > 0


def test_random_tapes_use_every_op_and_fan_out():
    ops, max_uses = set(), 0
    for seed in range(10):
        nodes, _ = HELP.random_tape(np.random.default_rng(seed), 3, 40)
        ops |= {op for op, _, _ in nodes}
        uses = np.bincount([j for _, par, _ in nodes for j in par], minlength=len(nodes))
        max_uses = max(max_uses, int(uses.max()))
        assert all(j < i for i, (_, par, _) in enumerate(nodes) for j in par)
    assert ops == {"input", "const", "add", "mul", "sin", "exp", "log", "tanh", "powc"}
    assert max_uses >= 5


def test_tape_fan_out_closed_form():
    x = 0.8
    nodes = [("input", (), 0), ("mul", (0, 0), None), ("mul", (1, 0), None), ("sin", (0,), None), ("mul", (2, 3), None), ("add", (4, 0), None)]
    value, grad = R.tape_eval_and_grad(nodes, np.array([x]))
    close(value, x**3 * np.sin(x) + x)
    close(grad, [3 * x**2 * np.sin(x) + x**3 * np.cos(x) + 1])


# -- Jacobians ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("n, m", [(5, 3), (2, 6), (1, 1), (7, 1)])
def test_jacobians_from_torch_jvp_and_vjp(n, m):
    rng = np.random.default_rng(n * 10 + m)
    A, B = t(rng.standard_normal((m, n))), t(rng.standard_normal((m, n)))
    x = t(rng.standard_normal(n))

    def F(z):
        return torch.tanh(A @ z) * (B @ z)

    J = torch.autograd.functional.jacobian(F, x).numpy().reshape(m, n)
    calls = {"jvp": 0, "vjp": 0}

    def jvp(v):
        calls["jvp"] += 1
        return tjvp(F, (x,), (t(v),))[1].numpy()

    _, pull = tvjp(F, x)

    def vjp(u):
        calls["vjp"] += 1
        return pull(t(u))[0].numpy()

    close(R.jacobian_forward(jvp, n), J)
    close(R.jacobian_reverse(vjp, m), J)
    assert calls == {"jvp": n, "vjp": m}


def test_smooth_jacobian_of_the_grader_against_torch():
    rng = np.random.default_rng(5)
    J = HELP.smooth_jacobian(rng, 4, 3)
    rng = np.random.default_rng(5)  # the same draws
    A, B, C = (rng.standard_normal((3, 4)) / 2.0 for _ in range(3))
    x = rng.standard_normal(4)
    Jt = torch.autograd.functional.jacobian(lambda z: torch.tanh(t(A) @ z) * (t(B) @ z) + t(C) @ torch.sin(z), t(x)).numpy()
    close(J, Jt)


def test_counted_rejects_wrong_shapes():
    c = HELP.Counted(np.ones((2, 3)), "jvp")
    with pytest.raises(ValueError, match="shape"):
        c(np.ones(2))
    assert c.calls == 0
    close(c(np.ones(3)), [3.0, 3.0])
    assert c.calls == 1
