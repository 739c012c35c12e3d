"""Reference solutions for chapter 10 (batch normalization). Instructors only."""

from __future__ import annotations

import numpy as np


def _axes(Z: np.ndarray) -> tuple[int, ...]:
    """The axes the statistics pool over: the batch, plus the spatial axes of (M, C, H, W)."""
    return (0,) if Z.ndim == 2 else (0, 2, 3)


def _per_feature(v: np.ndarray, Z: np.ndarray) -> np.ndarray:
    """A (D,) or (C,) vector shaped to broadcast against Z along its feature axis 1."""
    return v if Z.ndim == 2 else v.reshape(1, -1, 1, 1)


# -- ch10.batchnorm_forward_train ------------------------------------------------


def batchnorm_forward_train(Z: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5) -> tuple[np.ndarray, dict]:
    axes = _axes(Z)
    mu = Z.mean(axis=axes, keepdims=True)
    centred = Z - mu
    var = (centred * centred).mean(axis=axes, keepdims=True)  # biased (1/n), two-pass
    inv_std = 1.0 / np.sqrt(var + eps)
    Z_hat = centred * inv_std
    out = _per_feature(gamma, Z) * Z_hat + _per_feature(beta, Z)
    return out, {"Z_hat": Z_hat, "inv_std": inv_std, "gamma": gamma}


# -- ch10.batchnorm_backward ---------------------------------------------------------


def batchnorm_backward(dOut: np.ndarray, cache: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    Z_hat, inv_std, gamma = cache["Z_hat"], cache["inv_std"], cache["gamma"]
    axes = _axes(dOut)
    dgamma = (dOut * Z_hat).sum(axis=axes)
    dbeta = dOut.sum(axis=axes)
    dZ_hat = dOut * _per_feature(gamma, dOut)
    dZ = inv_std * (
        dZ_hat - dZ_hat.mean(axis=axes, keepdims=True) - Z_hat * (dZ_hat * Z_hat).mean(axis=axes, keepdims=True)
    )
    return dZ, dgamma, dbeta


# -- ch10.running_stats -------------------------------------------------------------


def update_running_stats(
    Z: np.ndarray, running_mean: np.ndarray, running_var: np.ndarray, momentum: float = 0.1
) -> tuple[np.ndarray, np.ndarray]:
    axes = _axes(Z)
    mu = Z.mean(axis=axes)
    unbiased = Z.var(axis=axes, ddof=1)  # divides by n - 1 with n = M (or M·H·W)
    return (1.0 - momentum) * running_mean + momentum * mu, (1.0 - momentum) * running_var + momentum * unbiased


# -- ch10.batchnorm_forward_eval ----------------------------------------------------------


def batchnorm_forward_eval(
    Z: np.ndarray, gamma: np.ndarray, beta: np.ndarray, running_mean: np.ndarray, running_var: np.ndarray, eps: float = 1e-5
) -> np.ndarray:
    def per(v: np.ndarray) -> np.ndarray:
        return _per_feature(v, Z)

    return per(gamma) * (Z - per(running_mean)) / np.sqrt(per(running_var) + eps) + per(beta)


# -- ch10.bn_invariance --------------------------------------------------------------


def bn_linear_layer_grad(
    X: np.ndarray, W: np.ndarray, gamma: np.ndarray, beta: np.ndarray, G: np.ndarray, eps: float = 0.0
) -> np.ndarray:
    _, cache = batchnorm_forward_train(X @ W, gamma, beta, eps)
    dZ, _, _ = batchnorm_backward(G, cache)
    return X.T @ dZ
