"""Shared data of the chapter 11 graders.

ch11.bias_variance: simulated bias–variance experiments.

Fixed-design polynomial regression: the n_tr = 16 training inputs are
equispaced on [-1, 1]; each of the R replicates draws fresh Gaussian noise on
the training targets f(x) + σε and refits a polynomial of degree p by least
squares. Fitting is linear in the targets, so the fits at the test points are
S_p y with the smoother S_p = Φ_p(x_te) Φ_p(x_tr)⁺, computed once. The fits
are the grader's own data, not the exercise.
"""

import numpy as np

SIGMA = 0.2
DEGREES = tuple(range(1, 13))
X_TR = np.linspace(-1.0, 1.0, 16)
X_TE = np.linspace(-1.0, 1.0, 41)


def truth(x):
    return 1.0 / (1.0 + 10.0 * x**2)


def _smoother(p):
    return np.vander(X_TE, p + 1, increasing=True) @ np.linalg.pinv(np.vander(X_TR, p + 1, increasing=True))


SMOOTHERS = {p: _smoother(p) for p in DEGREES}


def poly_fits(rng, degrees, R, sigma=SIGMA):
    """(list of (R, n_te) fits, one per degree; f at the test points)."""
    Y = truth(X_TR)[:, None] + sigma * rng.standard_normal((X_TR.size, R))
    return [(SMOOTHERS[p] @ Y).T.copy() for p in degrees], truth(X_TE)


def u_shape_statistics(bias2, variance, mse):
    """(index of the smallest expected MSE, slope of log variance, slope of log bias²) over DEGREES."""
    deg = np.asarray(DEGREES, dtype=np.float64)
    slope_var = np.polyfit(deg, np.log(variance), 1)[0]
    slope_bias = np.polyfit(deg, np.log(bias2), 1)[0]
    return int(np.argmin(mse)), float(slope_var), float(slope_bias)


def error_z(preds, f_true, expected_mse, noise, sigma=SIGMA):
    """z-score of the empirical test error on fresh targets y = f + σ·noise
    against the predicted expected MSE, with the exact conditional variance
    of each term (ε Gaussian): Var((σε + e)²) = 2σ⁴ + 4σ²e², e = f - f̂."""
    e = f_true[None, :] - preds
    terms = (sigma * noise + e) ** 2
    se = np.sqrt(np.mean(2 * sigma**4 + 4 * sigma**2 * e**2) / terms.size)
    return float((terms.mean() - expected_mse) / se)


# -- ch11.kfold_cv_ridge: closed-form oracles ------------------------------------


def block_leverage_cv(X, y, lams, perm, K):
    """CV error per λ from the block leverage identity (no per-fold fit)."""
    M, d = X.shape
    G = X.T @ X
    out = np.zeros(len(lams))
    for j, lam in enumerate(lams):
        for fold in np.array_split(perm, K):
            n_k = M - len(fold)
            H = X @ np.linalg.solve(G + n_k * lam * np.eye(d), X.T)
            resid = y - H @ y
            e = np.linalg.solve(np.eye(len(fold)) - H[np.ix_(fold, fold)], resid[fold])
            out[j] += e @ e
    return out / M


def press_cv(X, y, lams):
    """Leave-one-out CV by the PRESS formula."""
    M, d = X.shape
    out = []
    for lam in lams:
        H = X @ np.linalg.solve(X.T @ X + (M - 1) * lam * np.eye(d), X.T)
        out.append(np.mean(((y - H @ y) / (1.0 - np.diag(H))) ** 2))
    return np.array(out)


# -- ch11.early_stopping: hand-built curves, answers worked out by hand -------------

INF = float("inf")

# (name, val_losses, patience, min_delta, (best_epoch, stop_epoch)); a name may hold several curves
CASES = [
    ("monotone decrease never stops", [([5.0, 4.0, 3.0, 2.0, 1.0], 2, 0.0, (4, 4))]),
    ("rises at once", [([1.0, 2.0, 3.0, 4.0, 5.0], 2, 0.0, (0, 2))]),
    ("patience 1", [([3.0, 2.0, 2.5, 1.0], 1, 0.0, (1, 2))]),
    ("ties are not improvements", [([2.0, 1.0, 1.0, 1.0, 0.5], 2, 0.0, (1, 3))]),
    ("improvement just in time", [([4.0, 3.0, 3.5, 3.2, 2.0, 2.5, 2.6, 2.7], 3, 0.0, (4, 7))]),
    ("min_delta blocks small gains", [([1.0, 0.95, 0.92, 0.5, 0.49], 2, 0.1, (0, 2))]),
    ("min_delta, best not moved by small gains", [([1.0, 0.95, 0.85, 0.8, 0.7], 2, 0.1, (4, 4))]),
    # a decrease of exactly min_delta is not an improvement (strict <): dyadic values, so exact
    ("a decrease of exactly min_delta does not improve", [([1.0, 0.75, 0.5, 0.5, 0.25], 2, 0.25, (2, 4))]),
    ("patience 0 stops at the first non-improvement", [([3.0, 2.0, 2.1, 1.0], 0, 0.0, (1, 2)), ([2.0, 2.0, 1.0], 0, 0.0, (0, 1))]),
    ("a single epoch, and two that improve", [([0.7], 3, 0.0, (0, 0)), ([0.7, 0.5], 3, 0.0, (1, 1))]),
    ("noisy curve, a lower loss after the stop", [([1.0, 0.8, 0.9, 0.7, 0.75, 0.72, 0.71, 0.69, 0.9, 1.0], 3, 0.0, (3, 6))]),
    ("patience longer than the curve", [([1.0, 2.0, 3.0], 5, 0.0, (0, 2))]),
    ("a diverged epoch (inf) does not improve", [([1.0, 0.5, INF, 0.4, 0.45], 2, 0.0, (3, 4))]),
]


def rescaled(rng, losses, min_delta):
    """The same curve as a·loss + c with a = 2^j and c an integer drawn from rng (min_delta
    scaled by a): the answer does not change. Powers of two and small integers keep the
    dyadic curves exact, so a decrease of exactly min_delta stays exactly min_delta."""
    a = float(2.0 ** int(rng.integers(-4, 5)))
    c = float(rng.integers(-50, 51))
    return a * np.asarray(losses, dtype=np.float64) + c, a * min_delta
