"""Only E[ReLU ReLU]: the order-0 term E[c²] E[1·1] x·x' (from the w-gradient) is missing."""


def limit_ntk_relu(X1, X2):
    n1, n2 = np.linalg.norm(X1, axis=1), np.linalg.norm(X2, axis=1)
    G, P = X1 @ X2.T, np.outer(n1, n2)
    cos = np.clip(np.divide(G, P, out=np.zeros_like(G), where=P > 0), -1.0, 1.0)
    phi = np.arccos(cos)
    return P / (2 * np.pi) * (np.sin(phi) + (np.pi - phi) * np.cos(phi))
