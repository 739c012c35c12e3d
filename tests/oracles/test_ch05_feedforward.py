"""Chapter 5 references against independent oracles: torch ops and autograd,
nn.Sequential of nn.Linear (whose weight is the transpose of the book's W^ℓ),
parameter counts of real torch modules, closed forms; and alternative correct
implementations graded by the real graders."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from support import chapter, failures, grade, reference, with_replaced

REF = reference("ch05")
TOL = chapter("ch05").exercise("activation").tol()
NAMES = ("sigmoid", "tanh", "relu", "leaky_relu", "softplus", "identity")


def torch_act(name: str, z: torch.Tensor, slope: float = 0.01) -> torch.Tensor:
    return {
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "relu": torch.relu,
        "leaky_relu": lambda t: F.leaky_relu(t, slope),
        # F.softplus linearises above threshold=20 (error ~2e-9): logaddexp is exact
        "softplus": lambda t: torch.logaddexp(torch.zeros_like(t), t),
        "identity": lambda t: t * 1.0,
    }[name](z)


def torch_value_and_grad(name, z, slope=0.01):
    t = torch.tensor(z, dtype=torch.float64, requires_grad=True)
    out = torch_act(name, t, slope)
    (g,) = torch.autograd.grad(out.sum(), t)  # elementwise map: the gradient of the sum is σ'(z)
    return out.detach().numpy(), g.numpy()


def assert_close(got, want, rtol, atol, what):
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    assert got.shape == want.shape, f"{what}: shape {got.shape} != {want.shape}"
    bad = ~(np.abs(got - want) <= atol + rtol * np.abs(want))
    assert not bad.any(), f"{what}: {bad.sum()} entries differ, max |diff| {np.max(np.abs(got - want)):.3g}"


# -- activate -----------------------------------------------------------------


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("name", NAMES)
def test_activate_against_torch_autograd(name, seed):
    rng = np.random.default_rng(seed)
    shape = [(7,), (3, 4), (2, 3, 5), (1,)][seed]
    z = 6.0 * rng.standard_normal(shape)
    z.flat[0] = 0.0  # the conventions at the kink: relu'(0) = 0, leaky_relu'(0) = slope, as in torch
    slope = float(rng.uniform(0.01, 0.5))
    s, ds = REF.activate(z, name, slope)
    ts, tds = torch_value_and_grad(name, z, slope)
    assert s.dtype == ds.dtype == np.float64 and s.shape == ds.shape == z.shape
    assert_close(s, ts, TOL.rtol, TOL.atol, f"σ for {name}")
    assert_close(ds, tds, TOL.rtol, TOL.atol, f"σ' for {name}")


@pytest.mark.parametrize("name", NAMES)
def test_activate_extremes_without_overflow(name):
    z = np.array([-1000.0, -800.0, -709.9, -30.0, 30.0, 709.9, 800.0, 1000.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s, ds = REF.activate(z, name)
    ts, tds = torch_value_and_grad(name, z)
    assert np.all(np.isfinite(s)) and np.all(np.isfinite(ds))
    assert_close(s, ts, TOL.rtol, TOL.atol, f"σ for {name} at large |z|")
    assert_close(ds, tds, TOL.rtol, TOL.atol, f"σ' for {name} at large |z|")


def test_activate_unknown_name():
    with pytest.raises(ValueError):
        REF.activate(np.zeros(2), "swish")


# -- mlp_forward ----------------------------------------------------------------


TORCH_LAYERS = {
    "sigmoid": nn.Sigmoid,
    "tanh": nn.Tanh,
    "relu": nn.ReLU,
    "leaky_relu": lambda: nn.LeakyReLU(0.01),
    "softplus": lambda: nn.Softplus(threshold=1000.0),  # no linearisation in the range used
    "identity": nn.Identity,
}


def torch_network(Ws, bs, name):
    layers = []
    for ell, (W, b) in enumerate(zip(Ws, bs), start=1):
        lin = nn.Linear(W.shape[0], W.shape[1], dtype=torch.float64)
        with torch.no_grad():
            lin.weight.copy_(torch.tensor(W.T))  # nn.Linear stores (out, in) = (W^ℓ)ᵀ
            lin.bias.copy_(torch.tensor(b))
        layers.append(lin)
        if ell < len(Ws):
            layers.append(TORCH_LAYERS[name]())
    return nn.Sequential(*layers)


def torch_forward_with_caches(Ws, bs, X, name):
    net = torch_network(Ws, bs, name)
    Zs, Hs = [], []

    def keep(module, inputs, output):  # returns None: the hook only records
        Hs.append(inputs[0].detach().numpy())
        Zs.append(output.detach().numpy())

    hooks = [m.register_forward_hook(keep) for m in net if isinstance(m, nn.Linear)]
    with torch.no_grad():
        U = net(torch.tensor(X)).numpy()
    for h in hooks:
        h.remove()
    return U, Zs, Hs


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("name", NAMES)
def test_mlp_forward_against_nn_sequential(name, seed):
    rng = np.random.default_rng(100 + seed)
    sizes = [[5, 7, 3, 2], [4, 9, 6, 8, 3], [3, 1], ][seed]
    M = [4, 1, 2][seed]
    X = rng.standard_normal((M, sizes[0]))
    Ws = [rng.standard_normal((a, b)) / np.sqrt(a) for a, b in zip(sizes[:-1], sizes[1:])]
    bs = [rng.standard_normal(b) for b in sizes[1:]]
    U, Zs, Hs = REF.mlp_forward(X, Ws, bs, name)
    tU, tZs, tHs = torch_forward_with_caches(Ws, bs, X, name)
    assert len(Zs) == len(Hs) == len(Ws)
    assert_close(U, tU, 1e-12, 1e-12, "U")
    for ell in range(len(Ws)):
        assert_close(Zs[ell], tZs[ell], 1e-12, 1e-12, f"Z^{ell + 1}")
        assert_close(Hs[ell], tHs[ell], 1e-12, 1e-12, f"H^{ell}")
    P, _, _ = REF.mlp_forward(X, Ws, bs, name, "softmax")
    with torch.no_grad():
        tP = F.softmax(torch.tensor(tU), dim=1).numpy()
    assert_close(P, tP, 1e-12, 1e-14, "P")


def test_softmax_output_at_large_logits():
    rng = np.random.default_rng(7)
    X = rng.standard_normal((5, 3))
    Ws = [rng.standard_normal((3, 4)), rng.standard_normal((4, 3))]
    bs = [rng.standard_normal(4), np.array([800.0, -800.0, 795.0])]
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        P, Zs, _ = REF.mlp_forward(X, Ws, bs, "tanh", "softmax")
    tP = F.softmax(torch.tensor(Zs[-1]), dim=1).numpy()
    assert np.all(np.isfinite(P))
    assert_close(P, tP, 1e-12, 1e-14, "P at logits ±800")


# -- count_params and xor_network ---------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_count_params_against_torch_modules(seed):
    rng = np.random.default_rng(seed)
    sizes = [int(v) for v in rng.integers(1, 60, int(rng.integers(2, 7)))]
    net = nn.Sequential(*[nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:])])
    assert REF.count_params(sizes) == sum(p.numel() for p in net.parameters())
    assert type(REF.count_params(sizes)) is int
    assert REF.count_params(sizes[:1]) == 0


def test_xor_network_in_torch_is_exact():
    Ws, bs = REF.xor_network()
    assert [W.shape for W in Ws] == [(2, 2), (2, 1)] and [b.shape for b in bs] == [(2,), (1,)]
    net = torch_network(Ws, bs, "relu")
    X = torch.tensor([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], dtype=torch.float64)
    with torch.no_grad():
        out = net(X).numpy()[:, 0]
    assert np.abs(out - np.array([0.0, 1.0, 1.0, 0.0])).max() <= 1e-12


def test_xor_is_not_affine():
    """The catalog's claim: the least-squares affine fit to XOR predicts 1/2 at every corner."""
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    A = np.column_stack([X, np.ones(4)])
    y = np.array([0.0, 1.0, 1.0, 0.0])
    theta = np.linalg.lstsq(A, y, rcond=None)[0]
    np.testing.assert_allclose(A @ theta, 0.5, rtol=0, atol=1e-14)


# -- alternative correct implementations get full marks -------------------------------

ALT_ACTIVATE = '''
def activate(z, name, slope=0.01):
    """Other valid formulas: sigmoid via tanh(z/2), softplus via max + log1p."""
    z = np.asarray(z, dtype=np.float64)
    if name == "sigmoid":
        t = np.tanh(0.5 * z)
        return 0.5 * (1.0 + t), 0.25 * (1.0 - t * t)
    if name == "softplus":
        t = np.tanh(0.5 * z)
        return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z))), 0.5 * (1.0 + t)
    if name == "tanh":
        t = np.tanh(z)
        return t, (1.0 - t) * (1.0 + t)
    if name == "relu":
        return z * (z > 0), np.heaviside(z, 0.0)
    if name == "leaky_relu":
        return np.maximum(z, 0.0) + slope * np.minimum(z, 0.0), np.heaviside(z, 0.0) * (1 - slope) + slope
    if name == "identity":
        return z + 0.0, np.full(z.shape, 1.0)
    raise ValueError(name)
'''

ALT_FORWARD = '''
def mlp_forward(X, Ws, bs, activation="tanh", output="identity"):
    """Sample by sample with explicit sums (the book's scalar formula), caches assembled at the end."""
    M, L = X.shape[0], len(Ws)
    Z_rows = [[None] * M for _ in range(L)]
    H_rows = [[None] * M for _ in range(L)]
    for m in range(M):
        h = X[m].copy()
        for ell in range(L):
            W, b = Ws[ell], bs[ell]
            H_rows[ell][m] = h
            z = np.array([sum(W[i, j] * h[i] for i in range(W.shape[0])) + b[j] for j in range(W.shape[1])])
            Z_rows[ell][m] = z
            if ell < L - 1:
                h = activate(z, activation)[0]
    Zs = [np.vstack(r) for r in Z_rows]
    Hs = [np.vstack(r) for r in H_rows]
    ZL = Zs[-1]
    if output == "softmax":
        lse = ZL.max(axis=1, keepdims=True) + np.log(np.exp(ZL - ZL.max(axis=1, keepdims=True)).sum(axis=1, keepdims=True))
        return np.exp(ZL - lse), Zs, Hs
    return ZL + 0.0, Zs, Hs


def count_params(layer_sizes):
    total = 0
    for ell in range(1, len(layer_sizes)):
        total += layer_sizes[ell - 1] * layer_sizes[ell] + layer_sizes[ell]
    return total


def xor_network():
    """Another exact construction: XOR = relu(x1 - x2) + relu(x2 - x1)."""
    return [np.array([[1.0, -1.0], [-1.0, 1.0]]), np.array([[1.0], [1.0]])], [np.zeros(2), np.zeros(1)]
'''


def test_alternative_implementations_get_full_marks():
    report = grade("ch05", with_replaced("ch05", ALT_ACTIVATE + ALT_FORWARD), seed=3)
    assert report.ok, "\n".join(failures(report))
    assert report.score == report.max_score
