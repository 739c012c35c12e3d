"""The identity activation treated like ReLU (the arc-cosine kernel for every activation)."""


def min_eig_limit_kernel(X, act):
    return float(np.linalg.eigvalsh(limit_ntk_relu(X, X))[0])
