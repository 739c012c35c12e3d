"""Data and independent oracles shared by the chapter 3 graders.

* ``objective`` is the stated Λ(θ), written so that it also accepts a complex
  θ; ``complex_step_grad`` differentiates it by the complex step
  Im Λ(θ + i h e_j) / h (h = 1e-30), exact to rounding. It needs no gradient
  formula, so it is an oracle independent of the student's and the reference's.
* ``separable`` builds linearly separable data whose hard-margin vector ŵ
  (min ‖w‖ subject to s_m w·x̃_m ≥ 1, s = 2y - 1, x̃ = (x, 1)) is known by
  construction: two support points and KKT multipliers solved for, all other
  points kept at margin ≥ 1.3.
* ``strict_call`` runs a student call under np.errstate(all="raise") (underflow
  to 0 allowed), as every chapter checks an overflow promise
  (``expect.without_overflow``), with advice for the function at hand.
* ``softmax_objective`` is the stated multiclass Λ, for value checks that keep
  property and finite-difference checks from passing on all-zero answers.
"""

from __future__ import annotations

import numpy as np

from mathdl_cli.grading import expect


def logistic_data(rng: np.random.Generator, M: int, d: int, scale: float = 1.0, both_labels: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """X (M, d) and labels y (M,) int64 in {0, 1} from a noisy logistic model.

    With ``both_labels`` (and M ≥ 2) the first point is repeated with the other
    label, so the data are never linearly separable and Λ has a minimiser
    even with λ = 0.
    """
    X = scale * rng.standard_normal((M, d))
    theta = rng.standard_normal(d + 1)
    p = 1.0 / (1.0 + np.exp(-(X @ theta[:-1] + theta[-1])))
    y = (rng.uniform(size=M) < p).astype(np.int64)
    if both_labels and M >= 2:
        X[1] = X[0]
        y[1] = 1 - y[0]
    return X, y


def _softplus(z):
    """log(1 + e^z) for real or complex z with moderate imaginary part."""
    pos = z.real > 0
    zz = np.where(pos, -z, z)
    return np.where(pos, z, 0.0) + np.log1p(np.exp(zz))


def objective(theta, X, y, lam):
    """Λ(θ) = (1/M) Σ [softplus(z) - y z] + (λ/2)‖w‖², z = X w + b (real or complex θ)."""
    z = X @ theta[:-1] + theta[-1]
    w = theta[:-1]
    return np.mean(_softplus(z) - y * z) + 0.5 * lam * np.sum(w * w)


def complex_step_grad(theta, X, y, lam, h=1e-30):
    """∇Λ(θ) by the complex step, one coordinate at a time."""
    out = np.empty(theta.size)
    for j in range(theta.size):
        t = theta.astype(np.complex128)
        t[j] += 1j * h
        out[j] = objective(t, X, y, lam).imag / h
    return out


def objective_path(traj, X, y, lam):
    """Λ(θ_k) for every row θ_k of a trajectory (K+1, d+1)."""
    Z = X @ traj[:, :-1].T + traj[:, -1]  # (M, K+1)
    W = traj[:, :-1]
    return np.mean(_softplus(Z) - y[:, None] * Z, axis=0) + 0.5 * lam * np.sum(W * W, axis=1)


def fd_plan(theta):
    """Five-point central differences of a scalar function, one coordinate at a
    time: g_j ≈ [8(f(θ+h e_j) - f(θ-h e_j)) - (f(θ+2h e_j) - f(θ-2h e_j))] / (12h),
    h = 2e-4·max(1, |θ_j|). Truncation O(h⁴) ≈ 1e-15 and rounding ≈ 1e-12·|f|, so
    the estimate is good to about 1e-10 relative, far inside the 1e-6 allowed.

    Returns the 4·len(θ) points and a function from their values to the
    gradient estimate: the points go to the student's code in one ``.many`` batch."""
    steps, points = [], []
    for j in range(theta.size):
        h = 2e-4 * max(1.0, abs(theta[j]))
        e = np.zeros(theta.size)
        e[j] = h
        steps.append(h)
        points += [theta + e, theta - e, theta + 2 * e, theta - 2 * e]

    def gradient(values):
        out = np.zeros(theta.size)
        for j, h in enumerate(steps):
            fp, fm, f2p, f2m = values[4 * j : 4 * j + 4]
            out[j] = (8.0 * (fp - fm) - (f2p - f2m)) / (12.0 * h)
        return out

    return points, gradient


def augmented(X):
    return np.column_stack([X, np.ones(X.shape[0])])


def smoothness(X):
    """L = λ_max(X̃ᵀX̃/M)/4, the Lipschitz constant of ∇Λ for λ = 0."""
    Xt = augmented(X)
    return float(np.linalg.eigvalsh(Xt.T @ Xt / X.shape[0]).max()) / 4.0


def separable(rng: np.random.Generator, M: int = 16) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(X (M, 2), y (M,) int64, ŵ (3,)): separable data with a known hard-margin vector ŵ."""
    for _ in range(1000):
        ang = rng.uniform(0.0, 2.0 * np.pi)
        u = np.array([np.cos(ang), np.sin(ang)])
        v = np.array([-u[1], u[0]])
        phi = ang + rng.uniform(-1.0, 1.0)
        c = rng.uniform(0.3, 1.0) * np.array([np.cos(phi), np.sin(phi)])
        delta = rng.uniform(0.3, 0.8)
        xp = c + delta * u + rng.uniform(-0.5, 0.5) * v
        xm = c - delta * u
        tp, tm = np.append(xp, 1.0), np.append(xm, 1.0)
        # KKT: ŵ = a₊ x̃₊ - a₋ x̃₋ with ŵ·x̃₊ = 1, ŵ·x̃₋ = -1 and a₊, a₋ > 0
        G = np.array([[tp @ tp, -(tm @ tp)], [tp @ tm, -(tm @ tm)]])
        a = np.linalg.solve(G, [1.0, -1.0])
        if np.all(a > 0.05):
            break
    w_hat = a[0] * tp - a[1] * tm
    cand = c + rng.uniform(-2.5, 2.5, (400, 2))
    keep = cand[np.abs(augmented(cand) @ w_hat) >= 1.3][: M - 2]
    X = np.vstack([xp, xm, keep])
    s = np.sign(augmented(X) @ w_hat)
    perm = rng.permutation(M)
    return X[perm], ((s[perm] + 1) // 2).astype(np.int64), w_hat


# Thresholds of the implicit-bias check (see separable_statistics), calibrated on
# the reference over 20000 data sets from `separable` with K = 2000 steps, η = 1/L:
# slope·γ had mean 0.808, sd 0.032, range [0.605, 0.891]; cos had range [0.955, 1].
# The frozen-intercept mutant fails the check on 83% of data sets.
GD_STEPS = 2000
SLOPE_RANGE = (0.45, 1.1)  # FFP: 0 of 20000 outside (95% bound 1.5e-4); the closest, 0.605, is 4.9 sd inside
COS_MIN = 0.9  # FFP: 0 of 20000 below 0.955 (95% bound 1.5e-4); 1 - cos decays like 1/log k


def separable_statistics(traj, w_hat):
    """(slope·γ, cos(θ_K, ŵ)): the fitted slope of ‖θ_k‖ against log k on the last
    decade k ∈ [K/10, K], in units of 1/γ = ‖ŵ‖ (theory: → 1 as K → ∞, from below
    at a 1/log K rate), and the cosine between the last iterate and ŵ (→ 1)."""
    K = traj.shape[0] - 1
    k = np.arange(K // 10, K + 1)
    norms = np.linalg.norm(traj[K // 10 :], axis=1)
    slope = np.polyfit(np.log(k), norms, 1)[0]
    last = traj[-1]
    cos = float(last @ w_hat / (np.linalg.norm(last) * np.linalg.norm(w_hat) + 1e-300))
    return float(slope / np.linalg.norm(w_hat)), cos


ADVICE = {
    "sigmoid": "np.exp overflows for arguments above 709.78: build σ from e = np.exp(-np.abs(z)) ≤ 1, "
    "σ(z) = 1/(1 + e) for z ≥ 0 and e/(1 + e) for z < 0 (np.where evaluates both branches everywhere).",
    "softplus": "log(1 + e^z) overflows for z > 709.78: use np.logaddexp(0, z), or max(z, 0) + log1p(exp(-|z|)); "
    "never take the log of a sigmoid that has rounded to 0 or 1.",
    "softmax": "Subtract EACH ROW's maximum logit before exponentiating (log-sum-exp): a single maximum over the "
    "whole batch leaves rows whose logits are all far below it, and their sums underflow to 0.",
}


def strict_call(student, name: str, *args, what: str, advice: str):
    """``expect.without_overflow``: the call runs under np.errstate(all="raise")."""
    return expect.without_overflow(student, name, *args, what=what, advice=ADVICE[advice])


def softmax_objective(W, b, X, y) -> float:
    """The stated Λ = -(1/M) Σ_m log S_softmax(W x_m + b)_{y_m}, by a row-wise log-sum-exp."""
    Z = X @ W.T + b
    c = Z.max(axis=1, keepdims=True)
    lse = c[:, 0] + np.log(np.exp(Z - c).sum(axis=1))
    return float(np.mean(lse - Z[np.arange(len(y)), y]))
