"""Reference solutions for chapter 11 (training, validation and testing). Instructors only."""

import math

import numpy as np


def split_indices(perm: np.ndarray, frac_val: float, frac_test: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    perm = np.asarray(perm, dtype=np.int64)
    M = perm.shape[0]
    n_test = math.floor(frac_test * M)
    n_val = math.floor(frac_val * M)
    test = perm[:n_test].copy()
    val = perm[n_test : n_test + n_val].copy()
    train = perm[n_test + n_val :].copy()
    return train, val, test


def kfold_cv_ridge(X: np.ndarray, y: np.ndarray, lams: np.ndarray, perm: np.ndarray, K: int) -> tuple[np.ndarray, float]:
    M, d = X.shape
    lams = np.asarray(lams, dtype=np.float64)
    sse = np.zeros(lams.shape[0])
    for fold in np.array_split(perm, K):
        train = np.ones(M, dtype=bool)
        train[fold] = False
        X_tr, y_tr = X[train], y[train]
        n_tr = X_tr.shape[0]
        gram = X_tr.T @ X_tr / n_tr
        rhs = X_tr.T @ y_tr / n_tr
        for j, lam in enumerate(lams):
            w = np.linalg.solve(gram + lam * np.eye(d), rhs)
            r = y[fold] - X[fold] @ w
            sse[j] += r @ r
    cv = sse / M
    return cv, float(lams[np.argmin(cv)])


def early_stopping(val_losses: np.ndarray, patience: int, min_delta: float = 0.0) -> tuple[int, int]:
    best = val_losses[0]
    best_epoch = 0
    waited = 0
    for t in range(1, len(val_losses)):
        if val_losses[t] < best - min_delta:
            best, best_epoch, waited = val_losses[t], t, 0
        else:
            waited += 1
            if waited >= patience:
                return best_epoch, t
    return best_epoch, len(val_losses) - 1


def bias_variance(preds: np.ndarray, f_true: np.ndarray, noise_var: float) -> dict:
    mean_pred = preds.mean(axis=0)
    bias2 = float(np.mean((mean_pred - f_true) ** 2))
    variance = float(np.mean(np.var(preds, axis=0)))
    return {"bias2": bias2, "variance": variance, "expected_mse": bias2 + variance + float(noise_var)}
