"""The variational equation with the product in the wrong order: J̇ = J (∂f/∂x)."""


def flow_jacobian(field, x0, T, n):
    m, d = x0.shape

    def rhs(state):
        F, D = field(state[0])
        return (np.asarray(F), state[1] @ np.asarray(D), np.trace(np.asarray(D), axis1=1, axis2=2))

    state = (np.array(x0, dtype=np.float64), np.tile(np.eye(d), (m, 1, 1)), np.zeros(m))
    for _ in range(n):
        state = _rk4_step(rhs, state, T / n)
    return state[1], state[2]
