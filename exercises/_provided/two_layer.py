# The one-hidden-layer network of Part 2, implemented (shared by the chapters
# whose chapter.yaml says `provided: [mlp, two_layer]`; it uses activate).


def two_layer(c: np.ndarray, W: np.ndarray, X: np.ndarray, act: str, gamma: float) -> np.ndarray:
    """g(x) = N^{-γ} Σ_{i=1}^{N} c^i σ(w^i·x) for every row x of X.

    c: (N,) float64, the output weights c^1..c^N; W: (N, d) float64, row i is w^i;
    X: (n, d) float64, one input per row; act: a name accepted by activate;
    gamma: the normalisation exponent (½ for the Xavier / NTK scaling of
    Chapter 19, 1 for the mean-field scaling of Chapter 20).
    Returns the (n,) float64 outputs."""
    c = np.asarray(c, dtype=np.float64)
    sigma, _ = activate(np.asarray(X, dtype=np.float64) @ np.asarray(W, dtype=np.float64).T, act)
    return (sigma @ c) * float(c.shape[0]) ** (-gamma)
