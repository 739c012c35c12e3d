"""Shared helpers for the chapter 22 graders: the vector fields student code
calls back (each counts its calls, records the times it is evaluated at and
checks the shapes it is given) or, with ``in_child()``, evaluates in its own
process without a round trip per call; random test problems, and closed forms.

No torch here: the DGM checks compare with closed forms in numpy (dgm_closed_form),
so only the student's process imports torch. The windows of the theory checks
(fitted orders, ratios, the Liouville identity) are calibrated by
bench/ch22_calibration.py over 1000 random problems."""

from __future__ import annotations

import math

import numpy as np

from mathdl_cli import kernels

# -- vector fields called by student code ---------------------------------------------


FIELD_REFUSAL = "f(t, x) takes the whole state, shaped like x0 {shape}; got an array of shape {got}"


class Field:
    """f(t, X) = tanh(X Wᵀ + b) + sin(ω t) c, row by row (or X A ᵀ for a linear field),
    for states shaped like `shape`: (d,) or (m, d)."""

    def __init__(self, shape, W=None, b=None, c=None, omega=0.0, A=None):
        self.shape = tuple(shape)
        self.W, self.b, self.c, self.omega, self.A = W, b, c, omega, A
        self.times: list[float] = []
        # the formula, here and in the student's process (in_child)
        self.kernel = kernels.LinearField(A) if A is not None else kernels.TanhField(W, b, c, omega)

    def local(self, t, X):
        return self.kernel.evaluate(t, X)

    def __call__(self, t, X):
        X = np.asarray(X, dtype=np.float64)
        if X.shape != self.shape:
            raise ValueError(FIELD_REFUSAL.format(shape=self.shape, got=X.shape))
        self.times.append(float(t))
        return self.local(float(t), X)

    def in_child(self) -> kernels.Kernel:
        """The same f, evaluated in the student's process (no round trip per call;
        for the checks that do not read ``times``)."""
        return self.kernel.with_input(self.shape, FIELD_REFUSAL, arg=1)


def tanh_field(rng: np.random.Generator, shape, scale=(0.5, 1.0)) -> Field:
    """A random non-autonomous field on states of `shape` (last axis d)."""
    d = shape[-1]
    W = rng.standard_normal((d, d)) * rng.uniform(*scale) / np.sqrt(d)
    return Field(shape, W=W, b=0.5 * rng.standard_normal(d), c=0.5 * rng.standard_normal(d), omega=float(rng.uniform(0.5, 1.5)))


EULER_NS, RK4_NS = (10, 20, 40, 80), (5, 10, 20, 40)
# Steps of the reference RK4 solve used as the exact x(T) by the order checks: its error
# (≤ 1.4e-12 against DOP853 on 20 order_case problems) is under 1e-3 of the smallest
# error measured (RK4 at n = 40, ≈ 4e-9), so it moves a fitted slope by less than 1e-3
# (and costs a fifth of n = 2000).
TRUTH_N = 400


def order_case(rng: np.random.Generator, m: int = 4, d: int = 3):
    """The order checks' problem: a random field over [t0, t0 + 1], m starts in ℝ^d."""
    t0 = float(rng.uniform(-1, 1))
    return tanh_field(rng, (m, d)), rng.standard_normal((m, d)), t0, t0 + 1.0


def fitted_order(errors, hs) -> float:
    """Least-squares slope of log e against log h."""
    return float(np.polyfit(np.log(hs), np.log(errors), 1)[0])


def stage_times(t0: float, T: float, n: int, stages: tuple[float, ...]) -> np.ndarray:
    """The times f must be evaluated at: t_k + s h for every step k and stage offset s."""
    h = (T - t0) / n
    return np.array([t0 + k * h + s * h for k in range(n) for s in stages])


def rk4_polynomial(M: np.ndarray) -> np.ndarray:
    """I + M + M²/2 + M³/6 + M⁴/24: one RK4 step of ẋ = Ax is x ↦ this(hA) x."""
    out, term = np.eye(M.shape[0]), np.eye(M.shape[0])
    for k in range(1, 5):
        term = term @ M / k
        out = out + term
    return out


# -- ResNets ------------------------------------------------------------------------


def smooth_theta(rng: np.random.Generator, d: int):
    """θ(t) = (W0 + t W1, b0 + t b1): returns θ as a function of t."""
    W0, W1 = rng.standard_normal((2, d, d)) / np.sqrt(d)
    b0, b1 = 0.5 * rng.standard_normal((2, d))
    return lambda t: (W0 + t * W1, b0 + t * b1)


def theta_field(theta_of_t, shape) -> Field:
    """The field ẋ = tanh(W(t) x + b(t)) for a function t ↦ (W(t), b(t))."""

    class _F(Field):
        def local(self, t, X):
            W, b = theta_of_t(t)
            return np.tanh(X @ W.T + b)

    return _F(shape)


def piecewise_field(thetas, h, shape) -> Field:
    """θ(t) = thetas[ℓ] on [ℓh, (ℓ+1)h): the ODE a ResNet discretises (Euler only
    evaluates it at grid times ℓh, where rounding t/h is safe)."""
    L = len(thetas)
    return theta_field(lambda t: thetas[min(L - 1, max(0, int(round(t / h))))], shape)


# -- the adjoint -------------------------------------------------------------------------


def adjoint_case(rng: np.random.Generator, d: int, Nb: int, scale: float = 1.0):
    W = scale * rng.standard_normal((d, d)) / np.sqrt(d)
    b = 0.5 * rng.standard_normal(d)
    X0 = rng.standard_normal((Nb, d))
    Y = rng.standard_normal((Nb, d))
    return W, b, X0, Y


# -- Liouville ---------------------------------------------------------------------------


JACOBIAN_REFUSAL = "field(X) takes the whole batch of shape {shape}; got shape {got}"


class JacobianField:
    """field(X) = (f(X), ∂f/∂x(X)) for f(x) = tanh(W x + b) (or A x), counting calls."""

    def __init__(self, m: int, d: int, W=None, b=None, A=None):
        self.m, self.d = m, d
        self.W, self.b, self.A = W, b, A
        self.calls = 0
        self.kernel = kernels.LinearFieldJacobian(A) if A is not None else kernels.TanhFieldJacobian(W, b)

    def local(self, X):
        return self.kernel.evaluate(X)

    def __call__(self, X):
        X = np.asarray(X, dtype=np.float64)
        if X.shape != (self.m, self.d):
            raise ValueError(JACOBIAN_REFUSAL.format(shape=(self.m, self.d), got=X.shape))
        self.calls += 1
        return self.local(X)

    def in_child(self) -> kernels.Kernel:
        """The same field, evaluated in the student's process (no round trip per
        call; for the checks that do not count the calls)."""
        return self.kernel.with_input((self.m, self.d), JACOBIAN_REFUSAL)


def liouville_field(rng: np.random.Generator, m: int, d: int, scale=(0.5, 1.5)) -> JacobianField:
    W = rng.standard_normal((d, d)) * rng.uniform(*scale) / np.sqrt(d)
    return JacobianField(m, d, W=W, b=0.5 * rng.standard_normal(d))


TRACE_NS = (5, 10, 20)


# -- the Deep Galerkin Method ---------------------------------------------------------------


def dgm_samples(rng: np.random.Generator, n_int: int, n_b: int, n_0: int):
    """Interior points in (0, 1] × (0, π), boundary times in (0, 1], initial points in (0, π); (n, 1) each."""
    t_int = rng.uniform(0.0, 1.0, (n_int, 1))
    x_int = rng.uniform(0.0, math.pi, (n_int, 1))
    return t_int, x_int, rng.uniform(0.0, 1.0, (n_b, 1)), rng.uniform(0.0, math.pi, (n_0, 1))


def dgm_theta(rng: np.random.Generator, N: int, a: float = 1.0, eps: float = 0.0, C_scale: float = 1.0):
    return {
        "a": np.array(a),
        "eps": np.array(eps),
        "C": C_scale * rng.standard_normal(N),
        "W": rng.standard_normal((N, 2)),
        "b": 0.5 * rng.standard_normal(N),
    }


def _trial(theta, t, x):
    """u and its parameter gradients at points (t, x) (1-D arrays), for the provided
    heat_trial u = a e^{-t} sin x + eps t x(π - x) + (1/√N) Σ_n C_n tanh(z_n),
    z_n = W_n0 t + W_n1 x + b_n."""
    C, W, b = (np.asarray(theta[k], dtype=np.float64) for k in ("C", "W", "b"))
    rootN = math.sqrt(C.shape[0])
    th = np.tanh(np.outer(t, W[:, 0]) + np.outer(x, W[:, 1]) + b)  # (n, N)
    s = 1.0 - th**2
    u = float(theta["a"]) * np.exp(-t) * np.sin(x) + float(theta["eps"]) * t * x * (math.pi - x) + th @ C / rootN
    du = {"a": np.exp(-t) * np.sin(x), "eps": t * x * (math.pi - x), "C": th / rootN,
          "W": (C * s / rootN)[:, :, None] * np.stack([t, x], axis=1)[:, None, :], "b": C * s / rootN}
    return u, du


def _residual(theta, t, x):
    """r = u_t - u_xx and its parameter gradients. The a-terms cancel (e^{-t} sin x solves
    the heat equation), eps t x(π - x) leaves eps g with g = x(π - x) + 2t, and each neuron
    leaves (C_n/√N) ℓ(z_n) with ℓ = W_n0 s + 2 W_n1² tanh(z) s, s = 1 - tanh² z; the z-derivative
    of ℓ is ℓ' = W_n0 s' + 2 W_n1² (s² + tanh(z) s'), s' = -2 tanh(z) s."""
    C, W, b = (np.asarray(theta[k], dtype=np.float64) for k in ("C", "W", "b"))
    rootN = math.sqrt(C.shape[0])
    th = np.tanh(np.outer(t, W[:, 0]) + np.outer(x, W[:, 1]) + b)
    s = 1.0 - th**2
    ds = -2.0 * th * s
    w0, w1 = W[:, 0], W[:, 1]
    ell = w0 * s + 2.0 * w1**2 * th * s
    dell = w0 * ds + 2.0 * w1**2 * (s * s + th * ds)  # ∂ℓ/∂z
    g = x * (math.pi - x) + 2.0 * t
    r = float(theta["eps"]) * g + ell @ C / rootN
    cz = C * dell / rootN  # ∂r/∂z_n
    dW = np.stack([C * s / rootN + cz * t[:, None], C * 4.0 * w1 * th * s / rootN + cz * x[:, None]], axis=2)
    dr = {"a": np.zeros_like(t), "eps": g, "C": ell / rootN, "W": dW, "b": cz}
    return r, dr


def dgm_closed_form(theta, t_int, x_int, t_bdy, x0):
    """J(θ) = mean r² + mean[u(t, 0)² + u(t, π)²] + mean (u(0, x) - sin x)² and ∇_θ J for the
    provided trial family, in numpy from the formulas of _trial and _residual (no autograd):
    each term is a mean of squares e², whose gradient is 2 mean(e ∇e)."""
    tb = np.asarray(t_bdy, dtype=np.float64)[:, 0]
    xz = np.asarray(x0, dtype=np.float64)[:, 0]
    terms = [_residual(theta, np.asarray(t_int, dtype=np.float64)[:, 0], np.asarray(x_int, dtype=np.float64)[:, 0]),
             _trial(theta, tb, np.zeros_like(tb)), _trial(theta, tb, np.full_like(tb, math.pi))]
    u0, du0 = _trial(theta, np.zeros_like(xz), xz)
    terms.append((u0 - np.sin(xz), du0))
    weights = (1.0 / terms[0][0].size, 1.0 / tb.size, 1.0 / tb.size, 1.0 / xz.size)
    J = sum(w * float(e @ e) for w, (e, _) in zip(weights, terms))
    grads = {k: sum(2.0 * w * np.tensordot(e, de[k], axes=(0, 0)) for w, (e, de) in zip(weights, terms))
             for k in ("a", "eps", "C", "W", "b")}
    return J, {k: np.asarray(v, dtype=np.float64) for k, v in grads.items()}
