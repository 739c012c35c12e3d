"""The adjoint ODE with the wrong sign: ȧ = +(∂f/∂x)ᵀ a."""


def _adjoint_rhs(W, b):
    def rhs(state):
        F = np.tanh(state[0] @ W.T + b)
        SA = (1.0 - F**2) * state[1]
        return (F, +(SA @ W), -(SA.T @ state[0]), -SA.sum(axis=0))

    return rhs
