"""Oracle cross-checks of the chapter 10 references against torch (F.batch_norm,
its running buffers, autograd), finite differences and extended precision, plus
an alternative correct implementation that must get full marks."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from support import failures, grade, reference, with_replaced

CH = "ch10"
ref = reference(CH)

SHAPES = [(8, 3), (2, 5), (3, 4), (5, 2, 3, 4), (1, 3, 4, 2), (2, 4, 1, 3)]


def _data(seed, shape, offset=0.0):
    rng = np.random.default_rng(seed)
    C = shape[1]
    view = (1, C) + (1,) * (len(shape) - 2)
    Z = offset + rng.uniform(-2, 2, C).reshape(view) + rng.uniform(0.5, 3, C).reshape(view) * rng.standard_normal(shape)
    gamma = rng.uniform(0.5, 2, C) * rng.choice([-1.0, 1.0], C)
    return rng, Z, gamma, rng.standard_normal(C)


def _bn_train(Z, gamma, beta, eps):
    """torch's batch-norm kernel in training mode. F.batch_norm refuses ε = 0 in training
    (torch ≥ 2.10); torch.batch_norm is the same aten op without that Python-level check."""
    return torch.batch_norm(Z, gamma, beta, None, None, True, 0.1, eps, False)


def _t(x, grad=False):
    return torch.tensor(x, dtype=torch.float64, requires_grad=grad)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("eps", [1e-5, 0.3])
def test_forward_train_vs_torch(shape, eps):
    _, Z, gamma, beta = _data(hash((shape, eps)) % 1000, shape)
    want = F.batch_norm(_t(Z), None, None, _t(gamma), _t(beta), training=True, eps=eps).numpy()
    got, cache = ref.batchnorm_forward_train(Z, gamma, beta, eps)
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    assert isinstance(cache, dict)


def test_forward_train_single_sample_is_beta():
    """torch refuses M = 1 for 2-D input; the formula gives Z - μ = 0, so out = β."""
    _, Z, gamma, beta = _data(0, (1, 4))
    with pytest.raises(ValueError):
        F.batch_norm(_t(Z), None, None, _t(gamma), _t(beta), training=True)
    np.testing.assert_array_equal(ref.batchnorm_forward_train(Z, gamma, beta, 1e-5)[0], np.broadcast_to(beta, (1, 4)))


@pytest.mark.parametrize("offset,shape", [(1e5, (40, 3)), (-1e6, (3, 4)), (1e4, (2, 3, 4, 5))])
def test_forward_train_accuracy_at_large_offsets(offset, shape):
    """Against an extended-precision two-pass computation: within the grader's `offset` tolerance (1e-9)."""
    _, Z, gamma, beta = _data(7, shape, offset)
    axes = (0,) if Z.ndim == 2 else (0, 2, 3)
    Zl = Z.astype(np.longdouble)
    mu = Zl.mean(axis=axes, keepdims=True)
    var = ((Zl - mu) ** 2).mean(axis=axes, keepdims=True)
    view = (1, -1) + (1,) * (Z.ndim - 2)
    exact = (gamma.reshape(view) * (Zl - mu) / np.sqrt(var + np.longdouble(1e-5)) + beta.reshape(view)).astype(np.float64)
    got = ref.batchnorm_forward_train(Z, gamma, beta, 1e-5)[0]
    np.testing.assert_allclose(got, exact, rtol=1e-9, atol=1e-9)
    # and the one-pass shortcut really is outside that tolerance at 1e5 (so the check has power)
    if abs(offset) >= 1e5:
        onepass = (Zl * 0 + Z**2).astype(np.float64).mean(axis=axes, keepdims=True) - Z.mean(axis=axes, keepdims=True) ** 2
        bad = gamma.reshape(view) * (Z - Z.mean(axis=axes, keepdims=True)) / np.sqrt(onepass + 1e-5) + beta.reshape(view)
        assert np.max(np.abs(bad - exact)) > 1e-7


@pytest.mark.parametrize("shape", SHAPES)
def test_backward_vs_autograd(shape):
    rng, Z, gamma, beta = _data(11 + len(shape), shape)
    dOut = rng.standard_normal(shape)
    tZ, tg, tb = _t(Z, True), _t(gamma, True), _t(beta, True)
    out = F.batch_norm(tZ, None, None, tg, tb, training=True, eps=1e-5)
    want = torch.autograd.grad(out, (tZ, tg, tb), _t(dOut))
    _, cache = ref.batchnorm_forward_train(Z, gamma, beta, 1e-5)
    for g, w in zip(ref.batchnorm_backward(dOut, cache), want):
        np.testing.assert_allclose(g, w.numpy(), rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("shape", [(4, 3), (2, 2, 3, 2)])
def test_backward_vs_finite_differences(shape):
    rng, Z, gamma, beta = _data(5, shape)
    dOut = rng.standard_normal(shape)
    _, cache = ref.batchnorm_forward_train(Z, gamma, beta, 1e-5)
    dZ, _, _ = ref.batchnorm_backward(dOut, cache)

    def L(Zp):
        return float(np.sum(ref.batchnorm_forward_train(Zp, gamma, beta, 1e-5)[0] * dOut))

    fd = np.zeros_like(Z)
    h = 1e-6
    for idx in np.ndindex(shape):
        e = np.zeros_like(Z)
        e[idx] = h
        fd[idx] = (L(Z + e) - L(Z - e)) / (2 * h)
    err = np.linalg.norm(fd - dZ) / (np.linalg.norm(fd) + np.linalg.norm(dZ))
    assert err < 1e-7, err  # the catalog's planning note: ~1e-9 at h = 1e-6


def test_backward_identities():
    """Σ_m dZ = 0 always; Σ_m dZ (Z - μ) = 0 only for ε = 0 (so the grader uses ε = 0 there)."""
    rng, Z, gamma, beta = _data(3, (7, 4))
    dOut = rng.standard_normal(Z.shape)
    for eps, orth in ((0.0, True), (0.5, False)):
        dZ, _, _ = ref.batchnorm_backward(dOut, ref.batchnorm_forward_train(Z, gamma, beta, eps)[1])
        assert np.abs(dZ.sum(axis=0)).max() < 1e-12
        inner = np.abs((dZ * (Z - Z.mean(0)) / Z.std(0)).sum(axis=0)).max()
        assert (inner < 1e-12) == orth, inner


@pytest.mark.parametrize("shape,momentum", [((10, 3), 0.1), ((2, 5), 0.3), ((1, 3, 4, 5), 0.1), ((3, 2, 2, 3), 0.7)])
def test_running_stats_vs_torch_buffers(shape, momentum):
    """F.batch_norm(training=True) updates its buffers in place; compare after 5 batches."""
    rng = np.random.default_rng(sum(shape))
    C = shape[1]
    rm, rv = rng.standard_normal(C), rng.uniform(0.5, 2, C)
    t_rm, t_rv = _t(rm), _t(rv)
    for k in range(5):
        _, Z, gamma, beta = _data(100 * k + C, shape)
        F.batch_norm(_t(Z), t_rm, t_rv, _t(gamma), _t(beta), training=True, momentum=momentum, eps=1e-5)
        rm, rv = ref.update_running_stats(Z, rm, rv, momentum)
    np.testing.assert_allclose(rm, t_rm.numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(rv, t_rv.numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("shape", SHAPES + [(1, 4)])
def test_forward_eval_vs_torch(shape):
    rng, Z, gamma, beta = _data(21, shape)
    C = shape[1]
    rm, rv = rng.standard_normal(C), rng.uniform(0.2, 4, C)
    want = F.batch_norm(_t(Z), _t(rm), _t(rv), _t(gamma), _t(beta), training=False, eps=1e-3).numpy()
    np.testing.assert_allclose(ref.batchnorm_forward_eval(Z, gamma, beta, rm, rv, 1e-3), want, rtol=1e-12, atol=1e-13)


def test_eval_rows_independent_train_rows_not():
    rng, Z, gamma, beta = _data(2, (6, 3))
    rm, rv = rng.standard_normal(3), rng.uniform(0.2, 4, 3)
    full = ref.batchnorm_forward_eval(Z, gamma, beta, rm, rv)
    np.testing.assert_array_equal(ref.batchnorm_forward_eval(Z[:2], gamma, beta, rm, rv), full[:2])
    train = ref.batchnorm_forward_train(Z, gamma, beta)[0]
    assert np.abs(ref.batchnorm_forward_train(Z[:3], gamma, beta)[0] - train[:3]).max() > 1e-3


@pytest.mark.parametrize("M,d_in,d_out,eps", [(6, 4, 3, 0.0), (9, 2, 5, 0.0), (4, 7, 1, 1e-3), (2, 3, 4, 0.0)])
def test_bn_linear_layer_grad_vs_autograd(M, d_in, d_out, eps):
    rng = np.random.default_rng(M * 100 + d_in)
    X, W = rng.standard_normal((M, d_in)) + 1.5, rng.standard_normal((d_in, d_out))
    gamma, beta, G = rng.uniform(0.5, 2, d_out), rng.standard_normal(d_out), rng.standard_normal((M, d_out))
    tW = _t(W, True)
    out = _bn_train(_t(X) @ tW, _t(gamma), _t(beta), eps)
    (want,) = torch.autograd.grad(out, tW, _t(G))
    got = ref.bn_linear_layer_grad(X, W, gamma, beta, G, eps)
    np.testing.assert_allclose(got, want.numpy(), rtol=1e-9, atol=1e-11)
    if eps == 0.0:
        cos = np.abs((got * W).sum(0)) / (np.linalg.norm(got, axis=0) * np.linalg.norm(W, axis=0) + 1e-300)
        assert M == 2 or cos.max() < 1e-12  # M = 2: the gradient itself vanishes
        a = rng.uniform(0.2, 5, d_out)
        np.testing.assert_allclose(ref.bn_linear_layer_grad(X, W * a, gamma, beta, G), got / a, rtol=1e-9, atol=1e-11)
        # the forward output really is invariant under W -> W diag(a) and a shift of Z
        o1 = _bn_train(_t(X @ W), _t(gamma), _t(beta), 0.0).numpy()
        o2 = _bn_train(_t(X @ (W * a) + 3.0), _t(gamma), _t(beta), 0.0).numpy()
        np.testing.assert_allclose(o1, o2, rtol=1e-10, atol=1e-10)
    if M == 2:
        assert np.abs(got).max() < 1e-12


# -- an alternative correct implementation: other formulas, other cache, loops ------------------

ALT_SOURCE = '''
def _alt_axes(Z):
    return (0,) if Z.ndim == 2 else (0, 2, 3)


def _alt_view(v, Z):
    return np.reshape(v, (1, -1) + (1,) * (Z.ndim - 2))


def batchnorm_forward_train(Z, gamma, beta, eps=1e-5):
    # feature by feature, with np.var; the cache keeps the raw ingredients instead of Ẑ
    out = np.empty_like(Z)
    mus, vars_ = [], []
    for c in range(Z.shape[1]):
        zc = Z[:, c]
        mu, var = zc.mean(), zc.var()
        out[:, c] = gamma[c] * (zc - mu) / np.sqrt(var + eps) + beta[c]
        mus.append(mu)
        vars_.append(var)
    return out, {"Z": Z.copy(), "mu": np.array(mus), "var": np.array(vars_), "eps": eps, "gamma": gamma.copy()}


def batchnorm_backward(dOut, cache):
    # the staged chain rule through μ and σ² (a different formula from the compact one)
    Z, eps = cache["Z"], cache["eps"]
    axes = _alt_axes(Z)
    n = Z.size // Z.shape[1]
    mu, var, gamma = _alt_view(cache["mu"], Z), _alt_view(cache["var"], Z), _alt_view(cache["gamma"], Z)
    xc = Z - mu
    inv = 1.0 / np.sqrt(var + eps)
    dzh = dOut * gamma
    dvar = np.sum(dzh * xc, axis=axes, keepdims=True) * -0.5 * inv**3
    dmu = -np.sum(dzh * inv, axis=axes, keepdims=True) + dvar * np.mean(-2.0 * xc, axis=axes, keepdims=True)
    dZ = dzh * inv + dvar * 2.0 * xc / n + dmu / n
    zhat = xc * inv
    return dZ, np.sum(dOut * zhat, axis=axes), np.sum(dOut, axis=axes)


def update_running_stats(Z, running_mean, running_var, momentum=0.1):
    axes = _alt_axes(Z)
    n = Z.size // Z.shape[1]
    biased = np.mean((Z - Z.mean(axis=axes, keepdims=True)) ** 2, axis=axes)
    return running_mean + momentum * (Z.mean(axis=axes) - running_mean), running_var + momentum * (biased * n / (n - 1) - running_var)


def batchnorm_forward_eval(Z, gamma, beta, running_mean, running_var, eps=1e-5):
    # folded into one scale and one shift per feature
    scale = gamma / np.sqrt(running_var + eps)
    shift = beta - scale * running_mean
    return _alt_view(scale, Z) * Z + _alt_view(shift, Z)


def bn_linear_layer_grad(X, W, gamma, beta, G, eps=0.0):
    _, cache = batchnorm_forward_train(X @ W, gamma, beta, eps)
    dZ, _, _ = batchnorm_backward(G, cache)
    return np.einsum("mi,mj->ij", X, dZ)
'''


def test_alternative_implementation_full_marks():
    report = grade(CH, with_replaced(CH, ALT_SOURCE))
    assert report.ok, "\n".join(failures(report))


def test_float32_forward_is_rejected():
    """float32 arithmetic cast back is outside rtol 1e-10: the forward tolerance is meaningful."""
    alt = '''
_float64_forward = batchnorm_forward_train


def batchnorm_forward_train(Z, gamma, beta, eps=1e-5):
    out, cache = _float64_forward(Z.astype(np.float32), gamma.astype(np.float32), beta.astype(np.float32), np.float32(eps))
    return out.astype(np.float64), cache
'''
    report = grade(CH, with_replaced(CH, alt), exercises=["batchnorm_forward_train"])
    statuses = {c.status for ex in report.exercises for c in ex.checks}
    assert not report.ok and statuses <= {"passed", "failed"} and "failed" in statuses, failures(report)
