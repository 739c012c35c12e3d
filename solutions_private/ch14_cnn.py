"""Reference solutions for chapter 14 (convolutional neural networks). Instructors only."""

from __future__ import annotations

import numpy as np


def _pad(X: np.ndarray, P: int) -> np.ndarray:
    """Zero padding of P pixels on every side of the two spatial axes."""
    return np.pad(X, ((0, 0), (0, 0), (P, P), (P, P))) if P else X


def _windows(Xp: np.ndarray, kh: int, kw: int, s: int) -> np.ndarray:
    """Read-only view (N, C, Ho, Wo, kh, kw) of the kh x kw windows at stride s."""
    win = np.lib.stride_tricks.sliding_window_view(Xp, (kh, kw), axis=(2, 3))
    return win[:, :, ::s, ::s]


def conv2d_forward(X: np.ndarray, K: np.ndarray, b: np.ndarray, stride: int = 1, padding: int = 0) -> np.ndarray:
    _, _, kh, kw = K.shape
    win = _windows(_pad(X, padding), kh, kw, stride)
    Y = np.tensordot(win, K, axes=([1, 4, 5], [1, 2, 3]))  # (N, Ho, Wo, Cout)
    return np.ascontiguousarray(Y.transpose(0, 3, 1, 2)) + b[None, :, None, None]


def conv2d_backward(dY: np.ndarray, X: np.ndarray, K: np.ndarray, stride: int = 1, padding: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    _, _, H, W = X.shape
    _, _, kh, kw = K.shape
    _, _, Ho, Wo = dY.shape
    s, P = stride, padding
    Xp = _pad(X, P)
    db = dY.sum(axis=(0, 2, 3))
    dK = np.tensordot(dY, _windows(Xp, kh, kw, s), axes=([0, 2, 3], [0, 2, 3]))  # (Cout, Cin, kh, kw)
    dXp = np.zeros_like(Xp)
    for p in range(kh):
        for q in range(kw):
            # pixel (i s + p, j s + q) of the padded input feeds output (i, j) through K[:, :, p, q]
            dXp[:, :, p:p + s * (Ho - 1) + 1:s, q:q + s * (Wo - 1) + 1:s] += np.einsum("noij,oc->ncij", dY, K[:, :, p, q])
    return dXp[:, :, P:P + H, P:P + W].copy(), dK, db


def maxpool_forward(X: np.ndarray, k: int, s: int) -> tuple[np.ndarray, np.ndarray]:
    N, C, H, W = X.shape
    win = _windows(X, k, k, s)
    Ho, Wo = win.shape[2], win.shape[3]
    flat = win.reshape(N, C, Ho, Wo, k * k)
    a = flat.argmax(axis=-1)  # first maximum in row-major order within the window
    out = np.take_along_axis(flat, a[..., None], axis=-1)[..., 0]
    r, c = np.divmod(a, k)
    rows = np.arange(Ho)[:, None] * s + r
    cols = np.arange(Wo)[None, :] * s + c
    return out, (rows * W + cols).astype(np.int64)


def maxpool_backward(dOut: np.ndarray, argmax: np.ndarray, X_shape: tuple[int, int, int, int]) -> np.ndarray:
    N, C, H, W = X_shape
    plane = np.arange(N * C, dtype=np.int64).reshape(N, C, 1, 1) * (H * W)
    dX = np.bincount((plane + argmax).ravel(), weights=dOut.ravel(), minlength=N * C * H * W)
    return dX.reshape(N, C, H, W)


def im2col(X: np.ndarray, kh: int, kw: int, stride: int = 1, padding: int = 0) -> np.ndarray:
    N, C = X.shape[:2]
    win = _windows(_pad(X, padding), kh, kw, stride)  # (N, C, Ho, Wo, kh, kw)
    Ho, Wo = win.shape[2], win.shape[3]
    return win.transpose(0, 1, 4, 5, 2, 3).reshape(N, C * kh * kw, Ho * Wo)


def conv2d_circular(X: np.ndarray, K: np.ndarray, b: np.ndarray) -> np.ndarray:
    _, _, kh, kw = K.shape
    rh, rw = (kh - 1) // 2, (kw - 1) // 2
    Xp = np.pad(X, ((0, 0), (0, 0), (rh, rh), (rw, rw)), mode="wrap")
    return conv2d_forward(Xp, K, b, stride=1, padding=0)
