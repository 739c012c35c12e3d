"""arccos of the computed cosine without a clip: NaN where rounding pushes it past ±1 (the diagonal)."""


def limit_ntk_relu(X1, X2):
    n1, n2 = np.linalg.norm(X1, axis=1), np.linalg.norm(X2, axis=1)
    G, P = X1 @ X2.T, np.outer(n1, n2)
    cos = np.divide(G, P, out=np.zeros_like(G), where=P > 0)
    phi = np.arccos(cos)
    return P / (2 * np.pi) * (np.sin(phi) + (np.pi - phi) * np.cos(phi)) + (np.pi - phi) / (2 * np.pi) * G
