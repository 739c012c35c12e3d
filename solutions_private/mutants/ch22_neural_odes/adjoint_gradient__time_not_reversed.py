"""Time not reversed: the augmented system integrated forwards from t = 0 (from X0), with a(0) = (x(T) - y)/N_b."""


def neural_ode_adjoint_grad(W, b, X0, Y, T, n):
    Nb, h = X0.shape[0], T / n
    state = (np.array(X0, dtype=np.float64),)
    for _ in range(n):
        state = _rk4_step(lambda s: (np.tanh(s[0] @ W.T + b),), state, h)
    XT = state[0]
    L = 0.5 * float(np.sum((XT - Y) ** 2)) / Nb

    def augmented(s):
        F = np.tanh(s[0] @ W.T + b)
        SA = (1.0 - F**2) * s[1]
        return (F, -(SA @ W), SA.T @ s[0], SA.sum(axis=0))

    state = (np.array(X0, dtype=np.float64), (XT - Y) / Nb, np.zeros_like(W), np.zeros_like(b))
    for _ in range(n):
        state = _rk4_step(augmented, state, h)
    return L, state[2], state[3]
