"""A wrong result that is the expected one times a constant, and the size in
the call that constant probably is (a sum instead of a mean: ×M; a sample
variance divided by M−1 instead of M: ×M/(M−1); a factor 2 lost in a gradient)."""

from __future__ import annotations

import re

import numpy as np

RTOL = 1e-6  # the ratio is constant to this relative spread


def constant_ratio(g: np.ndarray, w: np.ndarray) -> float | None:
    """k when every entry of ``g`` is k × the entry of ``w`` (k ≠ 1, finite, at
    least two nonzero expected entries, and zero wherever the expected is zero)."""
    if g.shape != w.shape or g.dtype.kind == "c" or w.size < 2:
        return None
    with np.errstate(all="ignore"):
        nz = w != 0
        if nz.sum() < 2 or np.any(g[~nz] != 0) or not np.all(np.isfinite(g)) or not np.all(np.isfinite(w)):
            return None
        r = g[nz] / w[nz]
        k = float(np.median(r))
        if not np.isfinite(k) or k == 0 or abs(k - 1) < 1e-9 or np.max(np.abs(r - k)) > RTOL * abs(k):
            return None
    return k


def likely_factor(k: float, call: str) -> str:
    """What ``k`` probably is, from the sizes in the call (its shapes and
    integers n): n, 1/n, n − 1, 1/(n − 1), n/(n − 1), (n − 1)/n, 2 or ½."""
    sizes = sorted({int(n) for n in re.findall(r"(?<![\w.])(\d+)(?![\w.])", call or "") if 2 < int(n) < 10**7})
    candidates = [(2.0, "2: a factor 2 too many (the ½ in the objective?)"), (0.5, "½: a factor 2 missing (the ½ in the objective?)")]
    for n in sizes:
        candidates += [
            (n, f"{n}, a size in the call: a sum where a mean is asked for (a missing division by {n})?"),
            (1 / n, f"1/{n}, a size in the call: an extra division by {n}?"),
            (n - 1, f"{n} − 1: a sum over {n - 1} terms where a mean is asked for?"),
            (1 / (n - 1), f"1/({n} − 1): an extra division by {n - 1}?"),
            (n / (n - 1), f"{n}/({n} − 1): dividing by {n - 1} where {n} is asked for (or the reverse)?"),
            ((n - 1) / n, f"({n} − 1)/{n}: dividing by {n} where {n - 1} is asked for (or the reverse)?"),
        ]
    for value, name in candidates:
        if abs(k - value) <= 1e-6 * abs(value):
            return name
    return ""


def ratio_line(k: float, call: str) -> str:
    factor = likely_factor(k, call)
    return f"every entry is {k:.6g}× the expected" + (f"; the factor is {factor}" if factor else "")
