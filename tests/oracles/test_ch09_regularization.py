"""Oracle cross-checks of the chapter 9 references (torch autograd, torch.optim.SGD,
F.dropout, exact enumeration of masks), calibration of the statistical checks,
and alternative correct implementations that must get full marks."""

from __future__ import annotations


import numpy as np
import pytest
import torch
import torch.nn.functional as F

from mathdl_cli import kernels
from support import grader_helpers, failures, grade, reference, with_replaced

CH = "ch09"
ref = reference(CH)


H = grader_helpers("ch09")


def _net(rng, sizes):
    Ws = [rng.standard_normal((a, b)) / np.sqrt(a) for a, b in zip(sizes[:-1], sizes[1:])]
    bs = [0.3 * rng.standard_normal(b) for b in sizes[1:]]
    return Ws, bs


# -- l2_penalty -------------------------------------------------------------------


@pytest.mark.parametrize("seed,sizes", [(0, [4, 6, 3]), (1, [5, 2, 7, 3]), (2, [3, 1])])
def test_penalized_grads_vs_autograd(seed, sizes):
    rng = np.random.default_rng(seed)
    Ws, bs = _net(rng, sizes)
    X, Y = rng.standard_normal((9, sizes[0])), rng.standard_normal((9, sizes[-1]))
    lam = 0.37
    tW = [torch.tensor(W, requires_grad=True) for W in Ws]
    tb = [torch.tensor(b, requires_grad=True) for b in bs]

    def loss(penalty):
        Hk = torch.tensor(X)
        for i, (W, b) in enumerate(zip(tW, tb)):
            Hk = Hk @ W + b
            if i < len(tW) - 1:
                Hk = torch.tanh(Hk)
        value = 0.5 * ((Hk - torch.tensor(Y)) ** 2).sum(dim=1).mean()
        return value + penalty * 0.5 * lam * sum((W**2).sum() for W in tW)

    dWs = [g.numpy() for g in torch.autograd.grad(loss(0.0), tW)]
    pen_W = torch.autograd.grad(loss(1.0), tW + tb)
    got = ref.l2_penalized_grads(dWs, Ws, lam)
    for g, want in zip(got, pen_W[: len(Ws)]):
        np.testing.assert_allclose(g, want.numpy(), rtol=1e-12, atol=1e-14)
    plain_b = torch.autograd.grad(loss(0.0), tb)
    for gb, want in zip(plain_b, pen_W[len(Ws):]):  # the penalty does not touch the biases
        np.testing.assert_allclose(gb.numpy(), want.numpy(), rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("seed,sizes,lr,lam", [(0, [4, 6, 3], 0.1, 0.01), (1, [7, 2, 5, 3], 0.03, 0.5), (2, [2, 9], 1.0, 0.2)])
def test_weight_decay_step_vs_torch_sgd(seed, sizes, lr, lam):
    rng = np.random.default_rng(seed)
    Ws, bs = _net(rng, sizes)
    dWs = [rng.standard_normal(W.shape) for W in Ws]
    dbs = [rng.standard_normal(b.shape) for b in bs]
    tW = [torch.nn.Parameter(torch.tensor(W)) for W in Ws]
    tb = [torch.nn.Parameter(torch.tensor(b)) for b in bs]
    for p, g in zip(tW + tb, dWs + dbs):
        p.grad = torch.tensor(g)
    opt = torch.optim.SGD([{"params": tW, "weight_decay": lam}, {"params": tb, "weight_decay": 0.0}], lr=lr)
    opt.step()
    new_Ws, new_bs = ref.weight_decay_step(Ws, bs, dWs, dbs, lr, lam)
    for got, want in zip(new_Ws + new_bs, tW + tb):
        np.testing.assert_allclose(got, want.detach().numpy(), rtol=1e-12, atol=1e-14)


# -- dropout ----------------------------------------------------------------------


@pytest.mark.parametrize("seed,shape,p", [(0, (5, 7), 0.8), (1, (3, 4, 2), 0.3), (2, (11,), 0.55)])
def test_inverted_dropout_vs_torch(seed, shape, p):
    A = np.random.default_rng(seed).standard_normal(shape)
    torch.manual_seed(1000 + seed)
    mask = (F.dropout(torch.ones(shape, dtype=torch.float64), p=1 - p, training=True) != 0).double().numpy()
    torch.manual_seed(1000 + seed)
    tA = torch.tensor(A, requires_grad=True)
    out = F.dropout(tA, p=1 - p, training=True)
    np.testing.assert_allclose(ref.dropout_forward(A, mask, p, "train", True), out.detach().numpy(), rtol=1e-13, atol=1e-15)
    np.testing.assert_array_equal(ref.dropout_forward(A, mask, p, "test", True), F.dropout(torch.tensor(A), p=1 - p, training=False).numpy())
    dOut = np.random.default_rng(seed + 50).standard_normal(shape)
    (grad,) = torch.autograd.grad(out, tA, torch.tensor(dOut))
    np.testing.assert_allclose(ref.dropout_backward(dOut, mask, p, True), grad.numpy(), rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("p", [0.2, 0.7, 0.95])
def test_book_dropout_exact_expectation(p):
    """E_R[train] = test and E_R[backward] = p dOut, by summing over all 2^10 masks."""
    a = np.random.default_rng(3).standard_normal(10)
    patterns = H.all_patterns(10)
    w = H.pattern_weights(patterns, p)
    assert abs(w.sum() - 1) < 1e-13
    A = np.tile(a, (len(w), 1))
    for inverted in (False, True):
        train = ref.dropout_forward(A, patterns, p, "train", inverted)
        np.testing.assert_allclose(w @ train, ref.dropout_forward(a, np.ones(10), p, "test", inverted), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(w @ ref.dropout_backward(A, patterns, p, False), p * a, rtol=1e-13, atol=1e-15)


def test_sample_mask_keep_rate_calibration():
    """The Hoeffding check at a keep probability from the seed never fails for the reference
    over 200 seeds (public and hidden draw p the same way); its exact false-failure probability
    is below 1e-8 for every p it can draw; and a sampler quantised to hundredths fails it.

    The statistic is the number of ones of ref.sample_mask(MASK_SHAPE, p, rng), which is
    exactly Binomial(n, p) (one uniform per entry): asserted on the first seeds with the
    reference itself, then drawn directly."""
    from scipy.stats import binom

    n = int(np.prod(H.MASK_SHAPE))
    for seed in range(200):
        rng = np.random.default_rng(seed)
        p = H.keep_probability(rng)
        assert 0.15 <= p <= 0.85 and 0.4 - 1e-9 <= (100 * p) % 1 <= 0.6 + 1e-9
        if seed < 2:
            mask = ref.sample_mask(H.MASK_SHAPE, p, np.random.default_rng(seed))
            np.testing.assert_array_equal(mask, (np.random.default_rng(seed).random(H.MASK_SHAPE) < p).astype(np.float64))
            dev = H.mask_rate_deviation(mask, p)
        else:
            dev = abs(rng.binomial(n, p) / n - p)
        assert dev < H.MASK_T, (seed, p, dev)
    # exact tails over the whole range of p: P(|X/n - p| ≥ t) for X ~ Binomial(n, p)
    grid = (np.arange(15, 85)[:, None] + np.linspace(0.4, 0.6, 9)[None, :]).ravel() / 100

    def accept(count_p, p):
        lo, hi = np.ceil(n * (p - H.MASK_T)), np.floor(n * (p + H.MASK_T))
        return binom.cdf(hi, n, count_p) - binom.cdf(lo - 1, n, count_p)

    ffp = float(np.max(1.0 - accept(grid, grid)))
    assert ffp < 1e-8, ffp  # the docstring quotes ≈ 8e-9 (Hoeffding); the exact value is smaller
    # power against quantisation to hundredths, rounding either way
    escape = float(np.max(np.maximum(accept(np.ceil(100 * grid) / 100, grid), accept(np.floor(100 * grid) / 100, grid))))
    assert escape < 1e-6, escape


def test_sample_mask_exact_distribution():
    """P(R = 1) = p exactly for the reference's uniform-threshold rule (boundary values included)."""
    rng = np.random.default_rng(0)
    assert ref.sample_mask((50,), 1.0, rng).min() == 1.0
    assert ref.sample_mask((50,), 0.0, rng).max() == 0.0
    mask = ref.sample_mask((400, 500), 0.5, np.random.default_rng(1))
    assert mask.dtype == np.float64 and set(np.unique(mask)) == {0.0, 1.0}


# -- mc_dropout -------------------------------------------------------------------


def _torch_mc(X, Ws, bs, masks, p, output):
    layers = []
    for W, b in zip(Ws, bs):
        lin = torch.nn.Linear(W.shape[0], W.shape[1], dtype=torch.float64)
        with torch.no_grad():
            lin.weight.copy_(torch.tensor(W.T))  # nn.Linear stores (W^ℓ)ᵀ
            lin.bias.copy_(torch.tensor(b))
        layers.append(lin)

    def run(factors):
        h = torch.tensor(X)
        for lin, f in zip(layers[:-1], factors):
            h = torch.relu(lin(h)) * f
        u = layers[-1](h)
        if output == "softmax":
            return torch.softmax(u, dim=-1)
        return torch.exp(u) if output == "exp" else u

    with torch.no_grad():
        K = masks[0].shape[0]
        mc = torch.stack([run([torch.tensor(R[k]) for R in masks]) for k in range(K)]).mean(0).numpy()
        scaled = run([p] * (len(Ws) - 1)).numpy()
    return mc, scaled


@pytest.mark.parametrize("seed,sizes,M,K,output", [
    (0, [3, 5, 4, 2], 6, 7, "identity"), (1, [4, 7, 3], 1, 5, "softmax"), (2, [2, 6, 5, 3, 4], 2, 3, "exp"), (3, [5, 3, 6], 9, 20, "softmax"),
])
def test_mc_and_scaled_vs_torch(seed, sizes, M, K, output):
    rng = np.random.default_rng(seed)
    Ws, bs = _net(rng, sizes)
    X = rng.standard_normal((M, sizes[0]))
    p = 0.65
    masks = [(rng.random((K, M, d)) < p).astype(float) for d in sizes[1:-1]]
    mc, scaled = _torch_mc(X, Ws, bs, masks, p, output)
    np.testing.assert_allclose(ref.mc_dropout_predict(X, Ws, bs, masks, output), mc, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(ref.scaled_predict(X, Ws, bs, p, output), scaled, rtol=1e-12, atol=1e-14)


def test_softmax_at_800_is_stable():
    rng = np.random.default_rng(5)
    Ws, bs = _net(rng, [3, 4, 3])
    for sign in (1, -1):
        b = [bs[0], bs[1] + sign * 800.0]
        X = rng.standard_normal((4, 3))
        masks = [(rng.random((3, 4, 4)) < 0.5).astype(float)]
        with np.errstate(all="raise"):
            got = ref.mc_dropout_predict(X, Ws, b, masks, "softmax")
            got_s = ref.scaled_predict(X, Ws, b, 0.5, "softmax")
        mc, scaled = _torch_mc(X, Ws, b, masks, 0.5, "softmax")
        np.testing.assert_allclose(got, mc, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(got_s, scaled, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("num,den,n", [(3, 4, 4), (2, 3, 5), (1, 2, 6)])
def test_exact_mask_stack_is_the_expectation(num, den, n):
    """The graders' multiset of masks averages to the Bernoulli(p) expectation, and then
    MC = weight scaling (linear output) and MC > weight scaling (exp output, Jensen)."""
    stack, p = H.exact_mask_stack(n, 3, num, den)
    patterns = H.all_patterns(n)
    w = H.pattern_weights(patterns, p)
    f = np.random.default_rng(n).standard_normal(n)
    assert abs(np.mean(stack[:, 0, :] @ f) - w @ (patterns @ f)) < 1e-12
    rng = np.random.default_rng(num + den)
    Ws, bs = _net(rng, [2, n, 3])
    X, Ws[0], bs[0] = np.abs(rng.standard_normal((3, 2))), np.abs(Ws[0]), np.abs(bs[0]) + 0.5  # every unit active
    np.testing.assert_allclose(ref.mc_dropout_predict(X, Ws, bs, [stack]), ref.scaled_predict(X, Ws, bs, p), rtol=1e-12, atol=1e-13)
    gap = ref.mc_dropout_predict(X, Ws, bs, [stack], "exp") / ref.scaled_predict(X, Ws, bs, p, "exp") - 1
    assert gap.min() > 1e-4


def test_mc_decay_calibration():
    """The K^{-1/2} slope check never fails for the reference over 600 seeds; a reused mask always fails.

    With one hidden layer and a linear output the Monte Carlo average is the network run
    with the mean mask, which is fast to evaluate; it equals the reference to rounding
    (asserted on the first seeds), so the statistic is the reference's."""

    def setup(seed):
        rng = np.random.default_rng(seed)
        X, Ws, bs = H.decay_problem(rng)
        return rng, X, Ws, bs, ref.scaled_predict(X, Ws, bs, H.DECAY_P)

    slopes = []
    for seed in range(600):
        rng, X, Ws, bs, exact = setup(seed)
        hidden = np.maximum(X @ Ws[0] + bs[0], 0.0)
        fast = lambda m: (np.asarray(m[0]).mean(axis=0) * hidden) @ Ws[1] + bs[1]  # noqa: E731 (a draw's values)
        if seed < 3:
            masks = kernels.concrete(H.decay_masks(np.random.default_rng(99), 50))
            np.testing.assert_allclose(fast(masks), ref.mc_dropout_predict(X, Ws, bs, masks), rtol=1e-12, atol=1e-13)
            check, _ = H.decay_statistic(setup(seed)[0], lambda stacks: [ref.mc_dropout_predict(X, Ws, bs, kernels.concrete(m)) for m in stacks], exact)
        slope, _ = H.decay_statistic(rng, lambda stacks: [fast(m) for m in stacks], exact)
        if seed < 3:
            assert abs(slope - check) < 1e-9
        slopes.append(slope)
    slopes = np.array(slopes)
    assert np.all(np.abs(slopes + 0.5) <= H.DECAY_TOL), slopes.min()
    # the comment next to DECAY_TOL quotes sd ≈ 0.0237 (1000 seeds): the tolerance is ≥ 6 sd
    assert H.DECAY_TOL / slopes.std() > 6, slopes.std()
    rng, X, Ws, bs, exact = setup(0)
    reused, _ = H.decay_statistic(rng, lambda stacks: [ref.mc_dropout_predict(X, Ws, bs, [np.repeat(np.asarray(m[0])[:1], m[0].shape[0], 0)]) for m in stacks], exact)
    assert abs(reused + 0.5) > H.DECAY_TOL


# -- ensemble_ambiguity -------------------------------------------------------------


@pytest.mark.parametrize("K,n", [(1, 5), (3, 1), (4, 4), (7, 13)])
def test_ensemble_vs_loops(K, n):
    rng = np.random.default_rng(K * 100 + n)
    y = rng.standard_normal(n)
    preds = y + rng.standard_normal((K, n))
    fbar = [sum(preds[k, i] for k in range(K)) / K for i in range(n)]
    E = sum((fbar[i] - y[i]) ** 2 for i in range(n)) / n
    E_bar = sum(sum((preds[k, i] - y[i]) ** 2 for i in range(n)) / n for k in range(K)) / K
    A_bar = sum(sum((preds[k, i] - fbar[i]) ** 2 for i in range(n)) / n for k in range(K)) / K
    got = ref.ensemble_decomposition(preds, y)
    np.testing.assert_allclose(got, (E, E_bar, A_bar), rtol=1e-12, atol=1e-15)
    assert abs(got[0] - (got[1] - got[2])) < 1e-12 and got[2] >= 0
    assert all(type(v) is float for v in got)


# -- alternative correct implementations get full marks ---------------------------------

ALT_SOURCE = '''
def l2_penalized_grads(dWs, Ws, lam):
    out = []
    for i in range(len(Ws)):
        out.append(np.add(dWs[i], np.multiply(lam, Ws[i])))
    return out


def weight_decay_step(Ws, bs, dWs, dbs, lr, lam):
    grads = l2_penalized_grads(dWs, Ws, lam)
    return [W - lr * g for W, g in zip(Ws, grads)], [b - lr * g for b, g in zip(bs, dbs)]


def dropout_forward(A, mask, p_keep, mode, inverted=False):
    if mode == "test":
        return np.array(A, dtype=np.float64) * (1.0 if inverted else p_keep)
    scale = 1.0 / p_keep if inverted else 1.0
    return np.where(mask == 1.0, A * scale, 0.0)


def dropout_backward(dOut, mask, p_keep, inverted=False):
    return np.where(mask > 0.5, dOut / (p_keep if inverted else 1.0), 0.0)


def sample_mask(shape, p_keep, rng):
    # another valid way to draw: one binomial(1, p) per entry (a different random stream)
    return rng.binomial(1, p_keep, size=shape).astype(np.float64)


def _alt_out(U, output):
    if output == "softmax":
        m = U.max(axis=1, keepdims=True)
        return np.exp(U - m - np.log(np.exp(U - m).sum(axis=1, keepdims=True)))
    return np.exp(U) if output == "exp" else U


def _alt_pass(X, Ws, bs, factors):
    h = X
    for l in range(len(Ws) - 1):
        h = np.maximum(h @ Ws[l] + bs[l], 0) * factors[l]
    return h @ Ws[-1] + bs[-1]


def mc_dropout_predict(X, Ws, bs, masks, output="identity"):
    K = masks[0].shape[0]
    total = 0.0
    for k in range(K):
        total = total + _alt_out(_alt_pass(X, Ws, bs, [R[k] for R in masks]), output)
    return total / K


def scaled_predict(X, Ws, bs, p_keep, output="identity"):
    return _alt_out(_alt_pass(X, [W for W in Ws], bs, [p_keep] * (len(Ws) - 1)), output)


def ensemble_decomposition(preds, y):
    K, n = preds.shape
    fbar = np.zeros(n)
    for k in range(K):
        fbar += preds[k] / K
    E = float(((fbar - y) ** 2).sum() / n)
    E_bar = float(sum(((preds[k] - y) ** 2).mean() for k in range(K)) / K)
    return E, E_bar, E_bar - E   # the ambiguity from the identity: algebraically the same
'''


def test_alternative_implementation_full_marks():
    report = grade(CH, with_replaced(CH, ALT_SOURCE))
    assert report.ok, "\n".join(failures(report))


def test_alternative_implementation_float32_rejected_where_tolerance_is_tight():
    """A float32 ensemble decomposition is NOT within rtol 1e-12 (the tolerance means something)."""
    alt = '''
def ensemble_decomposition(preds, y):
    p32, y32 = preds.astype(np.float32), y.astype(np.float32)
    fbar = p32.mean(axis=0)
    return float(np.mean((fbar - y32) ** 2)), float(np.mean((p32 - y32) ** 2)), float(np.mean((p32 - fbar) ** 2))
'''
    report = grade(CH, with_replaced(CH, alt), exercises=["ensemble_ambiguity"])
    statuses = {c.status for ex in report.exercises for c in ex.checks}
    assert not report.ok and statuses <= {"passed", "failed"} and "failed" in statuses, failures(report)
