"""The bound with q = e^{-λ} instead of e^{-λ/K}: the midpoints' spacing 1/K forgotten."""


def staircase_bound(L_lip, K, lam):
    q = np.exp(-lam)
    return float(L_lip / K * (0.5 + np.sqrt(q) * (1 + q) / -np.expm1(-lam)))
