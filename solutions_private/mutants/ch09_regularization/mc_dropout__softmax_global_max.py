"""Softmax shifted by the maximum of the whole batch instead of each row's: rows near -800 become 0/0."""


def _output(U, output):
    if output == "identity":
        return U
    if output == "exp":
        return np.exp(U)
    e = np.exp(U - U.max())
    return e / e.sum(axis=-1, keepdims=True)
