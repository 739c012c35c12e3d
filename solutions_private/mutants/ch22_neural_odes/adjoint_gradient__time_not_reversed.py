"""Time not reversed: the adjoint system integrated forwards from t = 0 (from X0) with a(0) = (x(T) - y)/N_b."""


def neural_ode_adjoint_grad(W, b, X0, Y, T, n):
    XT = _flow(W, b, X0, T, n)
    state = (np.array(X0, dtype=np.float64), (XT - Y) / X0.shape[0], np.zeros_like(W), np.zeros_like(b))
    for _ in range(n):
        state = _rk4_step(_adjoint_rhs(W, b), state, T / n)
    return 0.5 * float(np.sum((XT - Y) ** 2)) / X0.shape[0], -state[2], -state[3]
