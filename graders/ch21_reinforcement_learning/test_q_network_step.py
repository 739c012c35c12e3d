"""Grader for ch21.q_network_step: the Q-network (1/√N scaling, tanh and
sigmoid) and the step against the reference; the step confirmed as a
SEMI-gradient on the student's own q_net (central differences), with the
residual-gradient answer (differentiating through the target) named when it
is what the student computed; the featuriser's call budget; β = 0, η = 0,
one action and one neuron as pinned cases."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import FeatureMap


def _net(rng, N, p, scale=1.0):
    return scale * rng.standard_normal(N), scale * rng.standard_normal((N, p)) / np.sqrt(p)


def _step_case(rng, N=6, p=4, d_x=3, A=3, beta=0.9):
    C, W = _net(rng, N, p)
    fmap = FeatureMap(rng, d_x, p)
    x, x_next = rng.standard_normal(d_x), rng.standard_normal(d_x)
    actions = np.sort(rng.uniform(-1, 1, A))
    a = int(rng.integers(A))
    return C, W, x, a, x_next, actions, fmap


def _budget(fmap, what="q_learning_step"):
    expect.that(
        1 <= len(fmap.calls) <= 2,
        "featurize is called at most twice per step (it runs in the grader: batch the rows)",
        quantity="featurize calls",
        detail=f"{what} called featurize {len(fmap.calls)} times, with {fmap.calls} rows",
    )


def test_q_net_values(student, ref, rng):
    """Q(ξ; θ) = (1/√N) Σ_n C^n tanh(W^n·ξ) for N = 7 neurons, p = 4 features, a batch of 5"""
    C, W = _net(rng, 7, 4)
    xi = rng.standard_normal((5, 4))
    expect.close(student.q_net(C, W, xi, "tanh"), ref.q_net(C, W, xi, "tanh"))


def test_q_net_sigmoid_and_scaling(student, rng):
    """act = "sigmoid", and the 1/√N scaling: one neuron repeated N times gives √N times its value"""
    C, W = _net(rng, 5, 3)
    xi = rng.standard_normal((4, 3))
    want = (1.0 / (1.0 + np.exp(-(xi @ W.T)))) @ C / np.sqrt(5)
    expect.close(student.q_net(C, W, xi, "sigmoid"), want, names="Q(ξ; θ) with σ = sigmoid")
    c1, w1 = np.array([0.7]), rng.standard_normal((1, 3))
    one = expect.like(student.q_net(c1, w1, xi), np.zeros(4))
    many = student.q_net(np.repeat(c1, 9), np.repeat(w1, 9, axis=0), xi)
    expect.close(many, 3.0 * one, names="Q with 9 copies of one neuron (must be √9 = 3 times one neuron's Q: the 1/√N scaling)")


def test_step_values(student, ref, rng):
    """one step, N = 6, p = 4, three actions, β = 0.9, η = 0.1: (C, W) after the step"""
    C, W, x, a, x_next, actions, fmap = _step_case(rng)
    got = student.q_learning_step(C, W, x, a, 0.5, x_next, actions, 0.9, 0.1, fmap)
    _budget(fmap)
    expect.close(got, ref.q_learning_step(C, W, x, a, 0.5, x_next, actions, 0.9, 0.1, fmap))


def _fd_param_grads(student, C, W, rows, h=1e-6):
    """∂Q(row; θ)/∂θ for every row of `rows`, by central differences of the student's q_net (one round trip)."""
    theta = np.concatenate([C, W.ravel()])
    N = C.shape[0]
    args = []
    for i in range(theta.size):
        for s in (1.0, -1.0):
            t = theta.copy()
            t[i] += s * h
            args.append((t[:N], t[N:].reshape(W.shape), rows, "tanh"))
    outs = [expect.like(o, np.zeros(rows.shape[0])) for o in student.q_net.many(args)]
    return np.array([(outs[2 * i] - outs[2 * i + 1]) / (2 * h) for i in range(theta.size)])  # (n_params, n_rows)


def _semigradient(student, rng, tol, beta, lr):
    C, W, x, a, x_next, actions, fmap = _step_case(rng, N=5, p=3, d_x=2, A=4, beta=beta)
    cost = 0.3
    xi = fmap.local(x[None, :], actions[a : a + 1])
    xi_next = fmap.local(np.tile(x_next, (len(actions), 1)), actions)
    rows = np.vstack([xi, xi_next])
    q_all = expect.like(student.q_net(C, W, rows), np.zeros(rows.shape[0]))
    y = cost + beta * q_all[1:].min()
    star = 1 + int(np.argmin(q_all[1:]))
    G = _fd_param_grads(student, C, W, rows)
    semi = lr * (y - q_all[0]) * G[:, 0]
    resid = lr * (y - q_all[0]) * (G[:, 0] - beta * G[:, star])
    C_new, W_new = expect.like(student.q_learning_step(C, W, x, a, cost, x_next, actions, beta, lr, fmap), (C, W))
    _budget(fmap)
    step = np.concatenate([C_new - C, (W_new - W).ravel()])
    err = expect.relative_error(step, semi)
    rel = tol.semigradient["rel"]  # central differences with h = 1e-6 on a smooth net: error ≈ 1e-9
    if err > rel and beta > 0 and expect.relative_error(step, resid) <= rel:
        expect.that(False, "the target y = c + β min Q(ξ'; θ) must be held constant (a semi-gradient step)",
                    quantity="θ_new - θ",
                    detail="your step is the RESIDUAL gradient η (y - Q(ξ)) (∇Q(ξ) - β ∇Q(ξ'_{a*})): it differentiates "
                           "through the target. Q-learning treats y as a number and uses η (y - Q(ξ)) ∇Q(ξ) only.")
    expect.that(err <= rel, "the step must be η (y - Q(ξ; θ)) ∇_θ Q(ξ; θ), with ∇_θ Q from your own q_net",
                quantity="θ_new - θ",
                detail=f"relative error against central differences of your q_net: {err:.3g} (allowed {rel:g}); "
                       f"y = {y:.6g}, Q(ξ) = {q_all[0]:.6g}")


def test_semigradient(student, rng, tol):
    """your step is η (y - Q(ξ)) ∇_θ Q(ξ) with ∇_θ Q from central differences of your q_net, and y held constant (β = 0.9, η = 0.5)"""
    _semigradient(student, rng, tol, 0.9, 0.5)


def test_pinned(student, rng):
    """η = 0 leaves θ unchanged; β = 0 makes the target the cost alone"""
    C, W, x, a, x_next, actions, fmap = _step_case(rng)
    expect.close(student.q_learning_step(C, W, x, a, 0.5, x_next, actions, 0.9, 0.0, fmap), (C, W), names=["C (η = 0)", "W (η = 0)"])
    fmap.calls.clear()
    C1, W1 = expect.like(student.q_learning_step(C, W, x, a, 0.5, x_next, actions, 0.0, 1.0, fmap), (C, W))
    _budget(fmap)
    xi = fmap.local(x[None, :], actions[a : a + 1])[0]
    h = np.tanh(W @ xi)
    delta = 0.5 - h @ C / np.sqrt(6)
    expect.close(C1, C + delta * h / np.sqrt(6), names="C after a step with β = 0 (target y = c)")


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_random(student, ref, rng, trial):
    """random N, p, d_x, number of actions (one action included), β, η, parameter scale"""
    N, p, d_x = int(rng.integers(1, 12)), int(rng.integers(1, 6)), int(rng.integers(1, 4))
    A = [1, 2, int(rng.integers(3, 7))][trial]
    C, W, x, a, x_next, actions, fmap = _step_case(rng, N, p, d_x, A)
    C, W = C * rng.uniform(0.3, 3), W * rng.uniform(0.3, 3)
    beta, lr, cost = float(rng.uniform(0, 0.99)), float(rng.uniform(0.01, 1)), float(rng.uniform(-2, 2))
    expect.close(student.q_learning_step(C, W, x, a, cost, x_next, actions, beta, lr, fmap),
                 ref.q_learning_step(C, W, x, a, cost, x_next, actions, beta, lr, fmap))
    _budget(fmap)
    xi = rng.standard_normal((int(rng.integers(1, 6)), p))
    act = ["tanh", "sigmoid"][trial % 2]
    expect.close(student.q_net(C, W, xi, act), ref.q_net(C, W, xi, act))


@mark.hidden
def test_hidden_semigradient(student, rng, tol):
    """per-student network: the step is the semi-gradient of your q_net (β = 0.95)"""
    _semigradient(student, rng, tol, 0.95, float(rng.uniform(0.1, 1)))
