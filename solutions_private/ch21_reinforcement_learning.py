"""Reference solutions for chapter 21 (reinforcement learning with costs, discount β, argmin policies)."""

import numpy as np

# -- ch21.value_iteration -------------------------------------------------------------


def bellman_operator(V, P, cost, beta):
    # Q[x, a] = c(x, a) + β Σ_z P[a, x, z] V(z)
    Q = cost + beta * np.einsum("axz,z->xa", P, V)
    return Q.min(axis=1), Q.argmin(axis=1).astype(np.int64)


def value_iteration(P, cost, beta, tol=1e-10, max_iter=100000):
    V = np.zeros(cost.shape[0])
    for k in range(1, max_iter + 1):
        V_new, _ = bellman_operator(V, P, cost, beta)
        done = np.max(np.abs(V_new - V)) <= tol
        V = V_new
        if done:
            break
    _, policy = bellman_operator(V, P, cost, beta)
    return V, policy, k


# -- ch21.tabular_q_learning -------------------------------------------------------------


def _step_size(visits_before, k, omega):
    """α_k for the pair's (visits_before + 1)-th visit; k is the global step (unused: per-pair counts)."""
    return (1.0 + visits_before) ** -omega


def _target(c, beta, Q, x, z):
    """c + β min_a' Q(z, a'): costs, and bootstrapping from the next state z."""
    return c + beta * min(Q[z])


def q_learning(S, A, traj, beta, omega=0.7, Q0=None):
    xs, acts, costs, x_next = (np.asarray(v).tolist() for v in traj)
    Q = np.zeros((S, A)).tolist() if Q0 is None else np.array(Q0, dtype=np.float64).tolist()
    visits = [[0] * A for _ in range(S)]
    for k, (x, a, c, z) in enumerate(zip(xs, acts, costs, x_next)):  # Python lists: ~10x faster than numpy scalars
        alpha = _step_size(visits[x][a], k, omega)
        Q[x][a] += alpha * (_target(c, beta, Q, x, z) - Q[x][a])
        visits[x][a] += 1
    return np.array(Q, dtype=np.float64).reshape(S, A)


# -- ch21.q_network_step -------------------------------------------------------------


def _act(z, act):
    if act == "tanh":
        return np.tanh(z)
    if act == "sigmoid":
        return 0.5 * (1.0 + np.tanh(0.5 * z))
    raise ValueError(f"unknown activation {act!r}")


def _scale(N):
    return 1.0 / np.sqrt(N)  # the book's Xavier scaling of Thm 21.6


def q_net(C, W, xi, act="tanh"):
    return _act(xi @ W.T, act) @ C * _scale(C.shape[0])


def _features(featurize, x, a, x_next, actions):
    """ξ = feat(x, actions[a]) and the rows ξ'_{a'} = feat(x', a'), in one featurize call."""
    A = actions.shape[0]
    states = np.vstack([x[None, :], np.repeat(x_next[None, :], A, axis=0)])
    feats = np.asarray(featurize(states, np.concatenate([actions[a : a + 1], actions])), dtype=np.float64)
    return feats[0], feats[1:]


def _target_value(C, W, cost, beta, xi_next):
    return cost + beta * q_net(C, W, xi_next).min()


def _grad_q(C, W, xi):
    """(∇_C Q(ξ), ∇_W Q(ξ)) for σ = tanh."""
    h = np.tanh(W @ xi)
    return h * _scale(C.shape[0]), np.outer(C * (1.0 - h**2), xi) * _scale(C.shape[0])


def q_learning_step(C, W, x, a, cost, x_next, actions, beta, lr, featurize):
    xi, xi_next = _features(featurize, x, a, x_next, actions)
    delta = _target_value(C, W, cost, beta, xi_next) - q_net(C, W, xi[None, :])[0]  # the target held constant
    gC, gW = _grad_q(C, W, xi)
    return C + lr * delta * gC, W + lr * delta * gW


# -- ch21.exit_time -------------------------------------------------------------


def _move(q, v, lam, delta):
    """Explicit: the new position uses the old velocity."""
    return q + delta * v, v + delta * lam


def _past(q, q_plus):
    return q > q_plus


def exit_time(x0, policy, delta, q_plus, n_max):
    q = x0[:, 0].astype(np.float64)
    v = x0[:, 1].astype(np.float64)
    T = np.full(x0.shape[0], np.inf)
    for n in range(1, n_max + 1):
        lam = np.asarray(policy(np.stack([q, v], axis=1)), dtype=np.float64)
        q, v = _move(q, v, lam, delta)
        T[np.isinf(T) & _past(q, q_plus)] = n * delta
        if not np.isinf(T).any():
            break
    return T


# -- ch21.policy_gradient_bandit -------------------------------------------------------------


def _softmax_rows(Z):
    Z = Z - Z.max(axis=1, keepdims=True)
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)


def exact_policy_gradient(theta, X, R):
    p = _softmax_rows(X @ theta.T)  # (n, K)
    v = (p * R).sum(axis=1, keepdims=True)
    # ∂/∂θ_k Σ_a R_a p_a = p_k (R_k - Σ_a p_a R_a) x
    return (p * (R - v)).T @ X / X.shape[0]


def reinforce_estimate(theta, X, A, r, baseline=None):
    n = X.shape[0]
    p = _softmax_rows(X @ theta.T)
    score = -p
    score[np.arange(n), A] += 1.0  # ∇_{θ_k} log p(A|x) = (1{k = A} - p_k) x
    w = r if baseline is None else r - baseline
    return (score * w[:, None]).T @ X / n
