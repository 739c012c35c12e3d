"""Shared pieces of the chapter 7 graders: logged callables handed to student
code, problem generators, and the statistics of the noise-floor check."""

from __future__ import annotations

import numpy as np

from mathdl_cli.grading import expect


# -- callables passed to sgd (they run here, in the grader, when the student calls them)


class RobustRegressionGrad:
    """grad_fn for the log-cosh loss ℓ_y(y') = log cosh(y' - y) of m(x; θ) = θ·x.

    g(θ; B) = (1/|B|) Σ_{m∈B} tanh(θ·x_m - y_m) x_m. Every call is logged.
    """

    def __init__(self, X: np.ndarray, y: np.ndarray):
        self.X, self.y = X, y
        self.calls: list[tuple[np.ndarray, np.ndarray]] = []

    def __call__(self, theta, batch):
        theta = np.array(theta, dtype=np.float64)
        batch = np.array(batch).astype(np.int64).reshape(-1)
        self.calls.append((theta.copy(), batch.copy()))
        Xb = self.X[batch]
        return Xb.T @ np.tanh(Xb @ theta - self.y[batch]) / len(batch)


class QuadraticGrad:
    """grad_fn for ℓ_m(θ) = ½ (θ - c_m)ᵀ A (θ - c_m): g(θ; B) = A (θ - mean_{m∈B} c_m)."""

    def __init__(self, A: np.ndarray, centres: np.ndarray):
        self.A, self.centres = A, centres
        self.calls: list[tuple[np.ndarray, np.ndarray]] = []

    def __call__(self, theta, batch):
        theta = np.array(theta, dtype=np.float64)
        batch = np.array(batch).astype(np.int64).reshape(-1)
        self.calls.append((theta.copy(), batch.copy()))
        return self.A @ (theta - self.centres[batch].mean(axis=0))


class Schedule:
    """lr(k) for a named schedule (constant, harmonic a/(k+k0), or halved every 3 steps)."""

    def __init__(self, kind: str, a: float, k0: float = 1.0):
        self.kind, self.a, self.k0 = kind, a, k0

    def value(self, k: int) -> float:
        if self.kind == "constant":
            return self.a
        if self.kind == "harmonic":  # α_k = a / (k + k0)
            return self.a / (k + self.k0)
        if self.kind == "step":  # halved every 3 steps
            return self.a * 0.5 ** (k // 3)
        raise ValueError(self.kind)

    def __call__(self, k):
        return float(self.value(int(k)))


def robust_data(rng: np.random.Generator, M: int, p: int) -> tuple[np.ndarray, np.ndarray]:
    X = rng.standard_normal((M, p))
    y = X @ rng.standard_normal(p) + 0.5 * rng.standard_normal(M)
    return X, y


def random_batches(rng: np.random.Generator, M: int, K: int, max_size: int | None = None) -> list[np.ndarray]:
    """K index arrays of varying sizes 1..max_size drawn with replacement."""
    top = max_size or M
    return [rng.integers(0, M, size=int(rng.integers(1, top + 1))).astype(np.int64) for _ in range(K)]


# -- the defining recursion, checked on the student's own calls ------------------------


def check_recursion(traj, theta0, batches, grad: RobustRegressionGrad | QuadraticGrad, schedule: Schedule, tol) -> None:
    """θ_{k+1} = θ_k - lr(k) g(θ_k; B_k), with the student's calls to grad_fn and lr."""
    K, p = len(batches), theta0.shape[0]
    tol = tol.default
    traj = expect.like(traj, np.zeros((K + 1, p)))
    if K >= 1 and np.all(traj == traj[-1]):
        expect.that(
            False,
            "every row of the trajectory is the same vector (the last iterate)",
            quantity="trajectory θ_0..θ_K",
            detail="did you update θ in place (theta -= ...) after storing it? Then all rows are one array. "
            "Write theta = theta - lr(k) * g, or store theta.copy().",
        )
    expect.close(traj[0], theta0, tol, names="row 0 of the trajectory (it must be θ_0)")
    n_calls = len(grad.calls)
    expect.that(
        n_calls == K,
        f"grad_fn must be called exactly once per step ({K} steps), with the whole batch",
        quantity="calls to grad_fn",
        detail=f"it was called {n_calls} times; grad_fn(θ, B_k) already returns the MEAN gradient over B_k",
    )
    for k, ((theta_arg, batch_arg), batch) in enumerate(zip(grad.calls, batches)):
        expect.that(
            batch_arg.shape == batch.shape and np.array_equal(batch_arg, batch),
            f"step {k} must call grad_fn with batches[{k}]",
            quantity=f"batch passed to grad_fn at step {k}",
            detail=f"got indices {batch_arg.tolist()[:12]}, expected {batch.tolist()[:12]}",
        )
        expect.close(theta_arg, traj[k], tol, names=f"θ passed to grad_fn at step {k} (it must be row {k} of your trajectory)")
        g = _grad_value(grad, theta_arg, batch)
        alpha = schedule.value(k)
        want = traj[k] - alpha * g
        diff = np.abs(traj[k + 1] - want)
        if np.all(diff <= tol.atol + tol.rtol * np.abs(want)):
            continue
        step = traj[k] - traj[k + 1]
        implied = float(step @ g / (g @ g)) if g @ g > 0 else float("nan")
        explain = []
        if k + 1 < K and np.isclose(implied, schedule.value(k + 1), rtol=1e-9):
            explain.append(f"α = lr({k + 1}): the schedule is off by one (step k uses lr(k), k counted from 0)")
        if k > 0 and np.isclose(implied, schedule.value(0), rtol=1e-9):
            explain.append("α = lr(0): the learning rate was read once and never updated")
        if len(batch) > 1 and np.isclose(implied, alpha * len(batch), rtol=1e-9):
            explain.append(f"α = lr({k})·|B_{k}| = lr({k})·{len(batch)}: the batch gradient was summed, not averaged")
        expect.that(
            False,
            f"row {k + 1} must be θ_{k + 1} = θ_{k} - lr({k})·g(θ_{k}; B_{k}), with g what grad_fn returned at step {k}",
            quantity=f"row {k + 1} of the trajectory",
            detail=(
                f"lr({k}) = {alpha:.6g}, but your step θ_{k} - θ_{k + 1} corresponds to α ≈ {implied:.6g}"
                + (" (" + "; or ".join(explain) + ")" if explain else "")
                + f"; greatest difference {diff.max():.3g}"
            ),
        )


def _grad_value(grad, theta, batch) -> np.ndarray:
    """The grader's gradient at (θ, B) without logging the call."""
    saved = list(grad.calls)
    try:
        return grad(theta, batch)
    finally:
        grad.calls[:] = saved


# -- the noise floor of constant-step SGD on a quadratic ---------------------------------


def variance_z(traj: np.ndarray, theta0: float, lam: float, alpha: float, sigma: float, start: int) -> tuple[float, float, float]:
    """z-score of the time-and-chain averaged normalised squared deviation.

    For t ≥ start, with c = 1 - αλ, the theory gives E θ_t = c^t θ_0 and
    V_t = Var θ_t = V_∞ (1 - c^{2t}), V_∞ = α σ² / (λ (2 - αλ)). The statistic
    T = mean_{r, t} (θ_{r,t} - c^t θ_0)² / V_t - 1 has mean 0, and for Gaussian ξ
    its exact variance is (2 / (R W²)) Σ_{t,s} ρ_{ts}², ρ_{ts} = Cov(θ_t, θ_s) / √(V_t V_s)
    = c^{|t-s|} √(V_{min} / V_{max}). Returns (z, measured variance ratio, standard error).
    """
    R, n = traj.shape
    c = 1.0 - alpha * lam
    t = np.arange(start, n)
    v_inf = alpha * sigma**2 / (lam * (2.0 - alpha * lam))
    v_t = v_inf * (1.0 - c ** (2 * t))
    dev = traj[:, start:] - (c**t) * theta0
    ratio = float(np.mean(dev**2 / v_t))
    lo = np.minimum.outer(v_t, v_t)
    hi = np.maximum.outer(v_t, v_t)
    rho2 = (np.abs(c) ** (2 * np.abs(np.subtract.outer(t, t)))) * lo / hi
    se = float(np.sqrt(2.0 * rho2.sum() / (R * len(t) ** 2)))
    return (ratio - 1.0) / se, ratio, se


def floor_params(rng: np.random.Generator) -> dict:
    """The problem of a statistical noise-floor check (public and hidden alike, also used by the
    calibration test), drawn from the seed: αλ in [0.2, 1.6] (|1 - αλ| ≤ 0.8, oscillating when
    αλ > 1), σ and θ_0 random; R = 1000 chains of K = 100 steps."""
    lam = float(rng.uniform(0.5, 3.0))
    alpha = float(rng.uniform(0.2, 1.6)) / lam
    return {"R": 1000, "K": 100, "lam": lam, "alpha": alpha, "sigma": float(rng.uniform(0.3, 2.0)), "theta0": float(rng.uniform(-3, 3))}


def floor_inputs(rng: np.random.Generator, params: dict):
    """(theta0, lam, alpha, xi) for one statistical check; ξ ~ N(0, σ²) i.i.d."""
    xi = params["sigma"] * rng.standard_normal((params["R"], params["K"]))
    return params["theta0"], params["lam"], params["alpha"], xi


def floor_z(traj: np.ndarray, params: dict) -> tuple[float, float, float]:
    """variance_z over the last half of the steps (t = K/2 .. K)."""
    return variance_z(traj, params["theta0"], params["lam"], params["alpha"], params["sigma"], params["K"] // 2)
