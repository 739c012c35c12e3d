"""The network with explicit weight matrices (W¹ = [1, 1], B¹ = [0, -½], W² = [2, -4]); breakpoints found in a Python loop."""


def tent_network(x, k):
    W1, B1, W2 = np.array([[1.0, 1.0]]), np.array([0.0, -0.5]), np.array([[2.0], [-4.0]])
    h = np.asarray(x, dtype=np.float64)[:, None]
    for _ in range(k):
        h = np.maximum(h @ W1 + B1, 0.0) @ W2
    return h[:, 0]


def count_linear_pieces(f_vals, x):
    slopes = [(f_vals[i + 1] - f_vals[i]) / (x[i + 1] - x[i]) for i in range(len(x) - 1)]
    scale = max(abs(s) for s in slopes)
    pieces = 1
    for i in range(1, len(slopes)):
        if abs(slopes[i] - slopes[i - 1]) > 1e-6 * scale:
            pieces += 1
    return pieces
