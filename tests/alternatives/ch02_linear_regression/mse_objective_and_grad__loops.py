"""One sample at a time in a Python loop, accumulating the loss and both gradient parts."""


def mse_objective_and_grad(theta, X, y):
    M, d = X.shape
    loss = 0.0
    gw = np.zeros(d)
    gb = 0.0
    for m in range(M):
        r = y[m] - float(np.dot(theta[:d], X[m])) - theta[d]
        loss += r * r
        gw -= r * X[m]
        gb -= r
    return loss / (2.0 * M), np.append(gw / M, gb / M)
