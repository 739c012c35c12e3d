"""Divides by ‖x‖‖x'‖ everywhere: NaN in the rows and columns of zero inputs."""


def limit_ntk_relu(X1, X2):
    n1, n2 = np.linalg.norm(X1, axis=1), np.linalg.norm(X2, axis=1)
    G, P = X1 @ X2.T, np.outer(n1, n2)
    with np.errstate(invalid="ignore", divide="ignore"):
        phi = np.arccos(np.clip(G / P, -1.0, 1.0))
    return P / (2 * np.pi) * (np.sin(phi) + (np.pi - phi) * np.cos(phi)) + (np.pi - phi) / (2 * np.pi) * G
