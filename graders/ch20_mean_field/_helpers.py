"""Inputs, independent oracles and the statistics of the chapter 20 graders
(calibrated in tests/oracles/test_ch20_mean_field.py and bench/calibrate_wide_networks.py).

Nothing here computes an exercise's answer by its algorithm: gradients come from
the complex step of the loss, the networks' outputs from the forward pass, and
the statistics from the student's own trained networks.
"""

from __future__ import annotations

import numpy as np

from mathdl_cli import kernels
from mathdl_cli.grading import expect


# -- inputs --------------------------------------------------------------------------------


def unit_rows(rng: np.random.Generator, n: int, d: int) -> np.ndarray:
    X = rng.standard_normal((n, d))
    return X / np.linalg.norm(X, axis=1, keepdims=True)


def gaussian_nets(rng: np.random.Generator, R: int, N: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    """R networks with i.i.d. c ~ N(0, 1), w ~ N(0, I_d): shapes (R, N), (R, N, d)."""
    return rng.standard_normal((R, N)), rng.standard_normal((R, N, d))


def gaussian_draws(rng: np.random.Generator, R: int, N: int, d: int) -> tuple[kernels.Draw, kernels.Draw]:
    """The same as gaussian_nets for networks the check never reads (only the student's
    statistic of them is judged): the child draws them from seeds (kernels.Draw)."""
    return kernels.normal(rng, (R, N)), kernels.normal(rng, (R, N, d))


def antisymmetric_nets(rng: np.random.Generator, R: int, N: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    """Particles in pairs (c, w), (-c, w): every network starts at g_0 = 0."""
    c, W = gaussian_nets(rng, R, N // 2, d)
    return np.concatenate([c, -c], axis=1), np.concatenate([W, W], axis=1)


def outputs(c: np.ndarray, W: np.ndarray, X: np.ndarray, gamma: float = 1.0) -> np.ndarray:
    """g_r(x) = N^{-γ} Σ_i c_{r,i} tanh(w_{r,i}·x) for R networks: (R, n)."""
    return np.einsum("rn,rnm->rm", c, np.tanh(W @ X.T)) * c.shape[1] ** (-gamma)


# -- ch20.mf_sgd_step: the step as SGD, by the complex step ---------------------------------


def sgd_step_by_complex_step(c, W, x, y, alpha, gamma):
    """(c, W) - α N^{2γ-2} ∇_θ ½(y - g)², g = N^{-γ} Σ c^i tanh(w^i·x), with the gradient by
    the complex step (h = 1e-30) over every parameter at once."""
    N, d = W.shape
    h = 1e-30
    P = N * (1 + d)
    eye = np.eye(P) * (1j * h)
    Cs = c[None, :] + eye[:, :N]
    Ws = W[None, :, :] + eye[:, N:].reshape(P, N, d)
    g = np.einsum("pn,pn->p", Cs, np.tanh(Ws @ x)) * N ** (-gamma)
    grad = (0.5 * (y - g) ** 2).imag / h
    lr = alpha * N ** (2 * gamma - 2)
    return c - lr * grad[:N], W - lr * grad[N:].reshape(N, d)


# -- ch20.weak_form_increment: test functions -----------------------------------------------


class QuadFn:
    """f(c, w) = b c + a·w + q (c² + ½‖w‖² + c a·w) at every particle, with its gradient
    as the f_grad callback (logged); q = 0 is linear in (c, w)."""

    def __init__(self, a: np.ndarray, b: float, q: float):
        self.a, self.b, self.q = a, b, q
        self.calls = 0

    def value(self, c, W):
        aw = W @ self.a
        return self.b * c + aw + self.q * (c * c + 0.5 * np.sum(W * W, axis=1) + c * aw)

    def __call__(self, c, W):
        self.calls += 1
        c, W = np.asarray(c, dtype=np.float64), np.asarray(W, dtype=np.float64)
        aw = W @ self.a
        fc = self.b + self.q * (2 * c + aw)
        fw = self.a[None, :] + self.q * (W + c[:, None] * self.a[None, :])
        return fc, fw


def mean_change(f: QuadFn, before, after) -> float:
    """⟨f, μ_after⟩ - ⟨f, μ_before⟩ as the mean of per-particle differences."""
    return float(np.mean(f.value(*after) - f.value(*before)))


# -- ch20.output_scaling ---------------------------------------------------------------------

OS_WIDTHS = (10, 100, 1_000)
# initialisations per width: the slope's noise comes from the end points, and a small
# network is cheap while its variance estimate is the noisier (a sum of 10 terms is far
# from Gaussian), so it gets more (see test_output_scaling._scaling_check)
OS_R = (1000, 250, 200)
GAMMAS = (0.5, 0.75, 1.0)


def scaling_case(rng: np.random.Generator, hidden: bool) -> dict:
    d = int(rng.integers(1, 5)) if hidden else 2
    x = unit_rows(rng, 1, d)[0] * float(rng.uniform(0.8, 1.5))
    act = str(rng.choice(["tanh", "sigmoid", "softplus"])) if hidden else "tanh"
    return {"x": x, "act": act, "nets": [gaussian_draws(rng, R, N, d) for N, R in zip(OS_WIDTHS, OS_R)]}


def scaling_calls(case: dict) -> list[tuple]:
    return [(c, W, case["x"], g, case["act"]) for c, W in case["nets"] for g in GAMMAS]


def scaling_slopes(variances: list[float]) -> np.ndarray:
    """Least-squares slope of log Var against log N for each γ (variances in call order)."""
    V = np.array(variances, dtype=np.float64).reshape(len(OS_WIDTHS), len(GAMMAS))
    return np.polyfit(np.log(OS_WIDTHS), np.log(V), 1)[0]


# -- ch20.lln_convergence --------------------------------------------------------------------

LLN_WIDTHS = (10, 40, 160)
LLN_R = 48
N_TEST = 16
LLN_GAMMAS = (1.0, 0.5)  # the law of large numbers, and the kernel regime where it fails


def lln_case(rng: np.random.Generator, hidden: bool, widest: int = max(LLN_WIDTHS)) -> dict:
    """20 samples of a smooth target on the unit sphere in d = 5 (4..6 hidden), 16 test
    inputs, one random stream shared by every width and initialisation, R = 48
    Gaussian initialisations per width, time t = 0.5 (a stream long enough for ``widest``)."""
    d = int(rng.integers(4, 7)) if hidden else 5
    alpha = float(rng.uniform(0.7, 1.5)) if hidden else 1.0
    t = float(rng.uniform(0.4, 0.6)) if hidden else 0.5
    M = 20
    X = unit_rows(rng, M, d)
    u = unit_rows(rng, 1, d)[0]
    y = np.sin(2.0 * X @ u) + 0.5 * X[:, 0]
    return {
        "X": X, "y": y, "alpha": alpha, "t": t, "X_test": unit_rows(rng, N_TEST, d),
        "idx": rng.integers(0, M, int(t * widest) + 1).astype(np.int64),
        "nets": [gaussian_nets(rng, LLN_R, N, d) for N in LLN_WIDTHS],
    }


def lln_calls(case: dict) -> list[tuple]:
    """train_mf's arguments: every width for γ = 1, then for γ = ½ (the same networks)."""
    return [(c, W, case["X"], case["y"], case["idx"], case["alpha"], case["t"], "tanh", gamma)
            for gamma in LLN_GAMMAS for c, W in case["nets"]]


def lln_slopes(case: dict, trained: list) -> tuple[list[float], list[list[float]]]:
    """For each γ, the slope of log s.d. against log N, s.d. the across-initialisation
    standard deviation of g^{N,γ}_t pooled over the test inputs: s_N² = mean_x Var_R g_t(x)
    (ddof 1). Returns (slopes, s.d. per width) in the order of LLN_GAMMAS."""
    k = len(LLN_WIDTHS)
    slopes, sds = [], []
    for j, gamma in enumerate(LLN_GAMMAS):
        pooled = [float(np.mean(np.var(outputs(c, W, case["X_test"], gamma), axis=0, ddof=1))) for c, W in trained[j * k : (j + 1) * k]]
        slopes.append(float(np.polyfit(np.log(LLN_WIDTHS), 0.5 * np.log(pooled), 1)[0]))
        sds.append([float(np.sqrt(v)) for v in pooled])
    return slopes, sds


# -- ch20.feature_learning_vs_lazy -----------------------------------------------------------

FL_WIDTHS = (50, 200, 800)
FL_R = (16, 4, 1)  # 800 particles per width


def feature_case(rng: np.random.Generator, hidden: bool) -> dict:
    """5 samples visited cyclically (no sampling noise), antisymmetric initialisations."""
    d = int(rng.integers(2, 6)) if hidden else 3
    alpha = float(rng.uniform(0.8, 1.5)) if hidden else 1.0
    M = 5
    X = unit_rows(rng, M, d)
    return {
        "X": X, "y": rng.standard_normal(M), "alpha": alpha, "t": 1.0,
        "idx": (np.arange(max(FL_WIDTHS) + 1) % M).astype(np.int64),
        "nets": [antisymmetric_nets(rng, R, N, d) for N, R in zip(FL_WIDTHS, FL_R)],
    }


def feature_calls(case: dict) -> list[tuple]:
    """train_mf's arguments: γ = 1 at every width, then γ = ½."""
    return [(c, W, case["X"], case["y"], case["idx"], case["alpha"], case["t"], "tanh", gamma)
            for gamma in (1.0, 0.5) for c, W in case["nets"]]


def movement_slopes(movements: list[float]) -> tuple[float, float]:
    """(slope for γ = 1, slope for γ = ½) of log movement against log N."""
    m = np.log(np.array(movements, dtype=np.float64).reshape(2, len(FL_WIDTHS)))
    s = np.polyfit(np.log(FL_WIDTHS), m.T, 1)[0]
    return float(s[0]), float(s[1])


def trained_like(out, c0, W0):
    return expect.like(out, (c0, W0))
