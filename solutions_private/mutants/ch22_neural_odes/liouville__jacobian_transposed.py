"""∂f/∂x transposed in the variational equation: J̇ = (∂f/∂x)ᵀ J (rows and columns of D confused)."""


def flow_jacobian(field, x0, T, n):
    m, d = x0.shape

    def rhs(state):
        F, D = field(state[0])
        D = np.asarray(D)
        return (np.asarray(F), np.swapaxes(D, 1, 2) @ state[1], np.trace(D, axis1=1, axis2=2))

    state = (np.array(x0, dtype=np.float64), np.tile(np.eye(d), (m, 1, 1)), np.zeros(m))
    for _ in range(n):
        state = _rk4_step(rhs, state, T / n)
    return state[1], state[2]
