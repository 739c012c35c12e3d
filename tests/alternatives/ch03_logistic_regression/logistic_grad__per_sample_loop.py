"""Scalar Python loop over the samples with math.exp / math.log1p, each branch safe for its sign of z."""

import math


def logistic_objective_grad(theta, X, y, lam=0.0):
    M, d = X.shape
    w = theta[:d]
    b = float(theta[d])
    total = 0.0
    gw = np.zeros(d)
    gb = 0.0
    for m in range(M):
        z = float(X[m] @ w) + b
        if z >= 0:
            e = math.exp(-z)
            sp, s = z + math.log1p(e), 1.0 / (1.0 + e)
        else:
            e = math.exp(z)
            sp, s = math.log1p(e), e / (1.0 + e)
        total += sp - float(y[m]) * z
        gw += (s - float(y[m])) * X[m]
        gb += s - float(y[m])
    loss = total / M + 0.5 * lam * float(w @ w)
    return loss, np.append(gw / M + lam * w, gb / M)
