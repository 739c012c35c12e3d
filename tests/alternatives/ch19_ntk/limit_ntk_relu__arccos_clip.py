"""The docstring's arccos of the clipped cosine (np.divide skipping zero rows), instead of an atan2 form."""


def limit_ntk_relu(X1, X2):
    G = X1 @ X2.T
    P = np.outer(np.linalg.norm(X1, axis=1), np.linalg.norm(X2, axis=1))
    cos = np.clip(np.divide(G, P, out=np.zeros_like(G), where=P > 0), -1.0, 1.0)
    phi = np.arccos(cos)
    return (P * (np.sin(phi) + (np.pi - phi) * cos) + (np.pi - phi) * G) / (2 * np.pi)
