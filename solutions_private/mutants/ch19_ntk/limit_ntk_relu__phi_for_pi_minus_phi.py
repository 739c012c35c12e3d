"""φ where the formula has π - φ (in both arc-cosine kernels)."""


def limit_ntk_relu(X1, X2):
    n1, n2 = np.linalg.norm(X1, axis=1), np.linalg.norm(X2, axis=1)
    G, P = X1 @ X2.T, np.outer(n1, n2)
    cos = np.clip(np.divide(G, P, out=np.zeros_like(G), where=P > 0), -1.0, 1.0)
    phi = np.arccos(cos)
    return P / (2 * np.pi) * (np.sin(phi) + phi * np.cos(phi)) + phi / (2 * np.pi) * G
