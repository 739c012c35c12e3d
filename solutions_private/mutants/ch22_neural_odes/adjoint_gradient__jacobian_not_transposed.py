"""∂f/∂x not transposed in the adjoint equation: ȧ = -(∂f/∂x) a = -diag(s) W a."""


def _adjoint_rhs(W, b):
    def rhs(state):
        F = np.tanh(state[0] @ W.T + b)
        S = 1.0 - F**2
        return (F, -(S * (state[1] @ W.T)), -((S * state[1]).T @ state[0]), -(S * state[1]).sum(axis=0))

    return rhs
