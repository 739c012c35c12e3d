"""Inputs and independent oracles shared by the chapter 19 graders (and calibrated
in tests/oracles/test_ch19_ntk.py and bench/calibrate_wide_networks.py).

Nothing here computes an exercise's answer from its formula: the Jacobian of the
network comes from the complex step of the forward pass, the limit kernel from
Monte Carlo over Gaussian neurons, the kernel regime from iterating gradient
descent on the linearised network (whose kernel the reference provides).
"""

from __future__ import annotations

import numpy as np

from mathdl_cli.catalog import load_course

_PROVIDED: dict = {}
exec(compile(load_course().chapter("ntk").provided, "provided.py", "exec"), _PROVIDED)  # noqa: S102 - course file
two_layer = _PROVIDED["two_layer"]
activate = _PROVIDED["activate"]


# -- inputs --------------------------------------------------------------------------------


def unit_rows(rng: np.random.Generator, n: int, d: int) -> np.ndarray:
    X = rng.standard_normal((n, d))
    return X / np.linalg.norm(X, axis=1, keepdims=True)


def gaussian_net(rng: np.random.Generator, N: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    """c^i ~ N(0, 1), w^i ~ N(0, I_d), i.i.d."""
    return rng.standard_normal(N), rng.standard_normal((N, d))


def antisymmetric_net(rng: np.random.Generator, N: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    """N/2 Gaussian neurons and their copies with c → -c: g_0 = 0, and the NTK has the
    law of a Gaussian network's (c² is unchanged)."""
    c, W = gaussian_net(rng, N // 2, d)
    return np.concatenate([c, -c]), np.concatenate([W, W])


# -- ch19.empirical_ntk: the Jacobian by the complex step ----------------------------------


def tanh_net_jacobian(c: np.ndarray, W: np.ndarray, X: np.ndarray) -> np.ndarray:
    """J[a, j] = ∂g(x_a)/∂θ_j for g(x) = (1/√N) Σ_i c^i tanh(w^i·x), θ = (c, W.ravel()),
    by the complex step g(θ + i h e_j) (h = 1e-30): exact to rounding, since tanh is
    analytic. Every perturbed network is evaluated at once."""
    N, d = W.shape
    h = 1e-30
    P = N * (1 + d)
    eye = np.eye(P) * (1j * h)
    dc = eye[:, :N]  # (P, N)
    dW = eye[:, N:].reshape(P, N, d)
    Cs = c[None, :] + dc  # (P, N) complex
    Ws = W[None, :, :] + dW  # (P, N, d)
    Z = np.einsum("pnd,ad->pan", Ws, X)  # (P, n, N)
    G = np.einsum("pan,pn->pa", np.tanh(Z), Cs) / np.sqrt(N)
    return (G.imag / h).T  # (n, P)


# -- ch19.limit_ntk_relu: Monte Carlo over Gaussian neurons --------------------------------


def relu_kernel_mc(X1: np.ndarray, X2: np.ndarray, W: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sample mean and standard error of E[ReLU(w·x)ReLU(w·x') + 1{w·x>0}1{w·x'>0} x·x']
    over the rows w of W (E[c²] = 1 is used exactly, so c is not sampled)."""
    Z1, Z2 = X1 @ W.T, X2 @ W.T  # (n1, S), (n2, S)
    R1, R2 = np.maximum(Z1, 0.0), np.maximum(Z2, 0.0)
    I1, I2 = (Z1 > 0).astype(float), (Z2 > 0).astype(float)
    G = X1 @ X2.T
    S = W.shape[0]
    mean = (R1 @ R2.T + (I1 @ I2.T) * G) / S
    second = ((R1 * R1) @ (R2 * R2).T + 2 * ((R1 * I1) @ (R2 * I2).T) * G + (I1 @ I2.T) * G**2) / S
    var = np.maximum(second - mean**2, 0.0) * S / (S - 1)
    return mean, np.sqrt(var / S)


def cos_outside(rng: np.random.Generator, n: int, d: int, sign: float) -> np.ndarray:
    """n rows x (norms in [0.3, 3]) for which the computed cosine between x and sign·x,
    (x·x')/(‖x‖‖x'‖), falls outside [-1, 1] in floating point: arccos without a clip
    gives NaN there."""
    rows = []
    while len(rows) < n:
        x = rng.standard_normal(d) * rng.uniform(0.3, 3.0)
        xp = sign * x
        cos = (x @ xp) / (np.linalg.norm(x) * np.linalg.norm(xp))
        if abs(cos) > 1.0:
            rows.append(x)
    return np.array(rows)


# -- ch19.kernel_regime_prediction: kernels and the ODE ------------------------------------


def joint_kernel(rng: np.random.Generator, M: int, n: int, rank: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(A_train (M, M), A_test_train (n, M)) from one PSD Gram matrix F Fᵀ of M + n
    points, so the test rows are consistent with the training block. By default
    A_train is well conditioned (λ_min ≥ ~0.05 λ_max); with a rank, the feature
    matrix F has that many columns and the second training point repeats the first
    (two equal rows: A_train is exactly singular, np.linalg.solve refuses it)."""
    p = rank if rank is not None else M + n + 3
    F = rng.standard_normal((M + n, p)) / np.sqrt(p)
    if rank is None:
        F[:M] += 0.6 * np.eye(M, p)  # lifts the training block's spectrum
    elif M >= 2:
        F[1] = F[0]
    K = F @ F.T
    return 0.5 * (K[:M, :M] + K[:M, :M].T), K[M:, :M]


# -- ch19.wide_network_tracks_kernel: the width sweep ---------------------------------------

WIDTHS = (100, 1_000, 10_000)
REPLICATES = (8, 4, 2)  # initialisations per width: the mean deviation at N = 100 is the noisiest factor


def lazy_case(rng: np.random.Generator, hidden: bool) -> dict:
    """Data and initialisations of the width sweep: unit inputs, Gaussian targets,
    ReLU, antisymmetric initialisations (so g_0 = 0 and every width starts from the
    same function)."""
    d = int(rng.integers(2, 6)) if hidden else 3
    M = int(rng.integers(4, 8)) if hidden else 5
    n_test = int(rng.integers(1, 5)) if hidden else 3
    lr = float(rng.uniform(0.015, 0.025)) if hidden else 0.02
    t = float(rng.uniform(1.5, 2.5)) if hidden else 2.0
    X = unit_rows(rng, M, d)
    X_all = np.vstack([X, unit_rows(rng, n_test, d)])  # the training inputs first, then test inputs
    y = rng.standard_normal(M)
    inits = [[antisymmetric_net(rng, N, d) for _ in range(R)] for N, R in zip(WIDTHS, REPLICATES)]
    return {"X": X, "X_all": X_all, "y": y, "lr": lr, "n_steps": int(round(t / lr)), "inits": inits}


def linearised_gd(theta: np.ndarray, h0: np.ndarray, y: np.ndarray, lr: float, n_steps: int) -> np.ndarray:
    """Gradient descent on the network's linearisation at θ_0 (the kernel regime at step η):
    h_{k+1}(x) = h_k(x) + (η/M) Σ_m (y_m - h_k(x_m)) Θ_0(x, x_m) at every row of X_all, whose
    first M rows are the training inputs. theta: (n_all, M) = Θ_0(X_all, X)."""
    M = y.shape[0]
    h = h0.copy()
    for _ in range(n_steps):
        h = h + (lr / M) * (theta @ (y - h[:M]))
    return h


def lazy_statistics(case: dict, runs: list, kernel) -> dict:
    """The statistics of the width sweep from the trained networks.

    runs: for every initialisation, in the order of case["inits"] flattened, the
    tuple (c_K, W_K, g(X_all; θ_K)) returned by train_wide_net; kernel(c, W, X1, X2):
    the empirical NTK (the reference's). Returns the mean relative deviation from
    the linearised GD and the mean movement per width, the ratio of deviations
    N = 10⁴ / N = 10², the slope of log movement against log N, and the deviation
    from the gradient-flow prediction (with the deviation's inputs) at N = 10⁴.
    """
    X, X_all, y, lr, K = case["X"], case["X_all"], case["y"], case["lr"], case["n_steps"]
    it = iter(runs)
    dev, move, flow_inputs = [], [], []
    for group in case["inits"]:
        d_w, m_w = [], []
        for c0, W0 in group:
            _, W_K, out = next(it)
            theta = kernel(c0, W0, X_all, X, "relu")
            h0 = two_layer(c0, W0, X_all, "relu", 0.5)
            lin = linearised_gd(theta, h0, y, lr, K)
            d_w.append(np.linalg.norm(out - lin) / np.linalg.norm(lin - h0))
            m_w.append(float(np.mean(np.linalg.norm(W_K - W0, axis=1))))
            flow_inputs.append((theta, h0, out))
        dev.append(float(np.mean(d_w)))
        move.append(float(np.mean(m_w)))
    slope = float(np.polyfit(np.log(WIDTHS), np.log(move), 1)[0])
    return {"dev": dev, "move": move, "ratio": dev[-1] / dev[0], "slope": slope, "flow_inputs": flow_inputs[-1]}


def flow_deviation(case: dict, flow_inputs, predict) -> float:
    """‖g_K - h_t‖ / ‖h_t - h_0‖ at t = ηK (α = 1) for the last (widest) run, with
    predict = ntk_predict (the reference's)."""
    theta, h0, out = flow_inputs
    M = case["X"].shape[0]
    t = case["lr"] * case["n_steps"]
    h_train, h_test = predict(theta[:M], theta, h0[:M], h0, case["y"], 1.0, t)
    return float(np.linalg.norm(out - h_test) / np.linalg.norm(h_test - h0))


def sweep_calls(case: dict) -> list[tuple]:
    """train_wide_net's arguments for every initialisation of the sweep."""
    X, X_all, y, lr, K = case["X"], case["X_all"], case["y"], case["lr"], case["n_steps"]
    return [(c0, W0, X, y, lr, K, X_all, "relu") for group in case["inits"] for c0, W0 in group]
