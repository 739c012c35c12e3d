"""The trace integrated with a left Riemann sum (h·tr ∂f/∂x at the start of each step) inside the RK4 solver: first order only."""


def flow_jacobian(field, x0, T, n):
    m, d = x0.shape
    h = T / n
    first = []

    def rhs(state):
        F, D = field(state[0])
        first.append(np.trace(np.asarray(D), axis1=1, axis2=2))
        return (np.asarray(F), np.asarray(D) @ state[1])

    state = (np.array(x0, dtype=np.float64), np.tile(np.eye(d), (m, 1, 1)))
    ell = np.zeros(m)
    for _ in range(n):
        first.clear()
        state = _rk4_step(rhs, state, h)
        ell = ell + h * first[0]
    return state[1], ell
