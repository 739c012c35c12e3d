"""Normal equations solved with np.linalg.solve: ΦᵀΦ is singular when N > M or a feature is dead (garbage or LinAlgError)."""


def random_features_fit(x, y, w, b, act="relu"):
    Phi = _features(x, w, b, act)
    return np.linalg.solve(Phi.T @ Phi, Phi.T @ y)
