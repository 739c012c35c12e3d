"""One sample (row) and one pass at a time, column vectors as in the maths, softmax of each row shifted by its own maximum."""


def _alt_row_output(u, output):
    if output == "identity":
        return u
    if output == "exp":
        return np.exp(u)
    e = np.exp(u - np.max(u))
    return e / np.sum(e)


def _alt_row_pass(x, Ws, bs, factors):
    h = x
    for W, b, f in zip(Ws[:-1], bs[:-1], factors):
        z = W.T @ h + b
        h = f * np.where(z > 0.0, z, 0.0)
    return Ws[-1].T @ h + bs[-1]


def mc_dropout_predict(X, Ws, bs, masks, output="identity"):
    K, M = masks[0].shape[0], X.shape[0]
    out = np.zeros((M, Ws[-1].shape[1]))
    for m in range(M):
        acc = np.zeros(Ws[-1].shape[1])
        for k in range(K):
            acc += _alt_row_output(_alt_row_pass(X[m], Ws, bs, [R[k, m] for R in masks]), output)
        out[m] = acc / K
    return out


def scaled_predict(X, Ws, bs, p_keep, output="identity"):
    return np.array([_alt_row_output(_alt_row_pass(x, Ws, bs, [p_keep] * (len(Ws) - 1)), output) for x in X])
