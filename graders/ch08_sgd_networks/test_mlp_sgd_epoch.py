"""Grader for ch08.mlp_sgd_epoch.

Against the reference on small non-square networks; with one batch holding
every sample the update must be exactly -η∇Λ, checked against central
differences of the network's loss computed here; and an epoch must be the
composition of its batches' steps (each batch starts from the parameters the
previous one left), checked on the student's own function.
"""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import distinct_sizes, loss, random_net


def _data(rng, M, sizes):
    X = rng.standard_normal((M, sizes[0]))
    Y = rng.standard_normal((M, sizes[-1]))
    return X, Y


def _like(Ws, bs):
    return ([np.zeros_like(W) for W in Ws], [np.zeros_like(b) for b in bs])


def test_values(student, ref, rng):
    """tanh net 5→7→3→2, M=6, batches [4,0,2] then [1,5,3], η=0.1"""
    sizes = [5, 7, 3, 2]
    X, Y = _data(rng, 6, sizes)
    Ws, bs = random_net(rng, sizes)
    batches = [np.array([4, 0, 2]), np.array([1, 5, 3])]
    expect.close(student.mlp_sgd_epoch(X, Y, Ws, bs, batches, 0.1, "tanh"), ref.mlp_sgd_epoch(X, Y, Ws, bs, batches, 0.1, "tanh"))


def test_full_batch_step_is_gradient(student, rng, tol):
    """one batch of all samples: (θ - θ_new)/η equals ∇Λ by central differences (sigmoid 3→4→2)"""
    sizes = [3, 4, 2]
    X, Y = _data(rng, 5, sizes)
    Ws, bs = random_net(rng, sizes)
    lr = 0.1
    Wn, bn = expect.like(student.mlp_sgd_epoch(X, Y, Ws, bs, [np.arange(5)], lr, "sigmoid"), _like(Ws, bs))
    params = Ws + bs
    new = list(Wn) + list(bn)
    names = [f"W^{l + 1}" for l in range(len(Ws))] + [f"B^{l + 1}" for l in range(len(bs))]
    for i, (p, q, name) in enumerate(zip(params, new, names)):
        implied = (p - q) / lr
        fd = np.zeros_like(p)
        for j in np.ndindex(p.shape):
            h = 1e-6 * max(1.0, abs(p[j]))
            up = [x.copy() for x in params]
            down = [x.copy() for x in params]
            up[i][j] += h
            down[i][j] -= h
            fd[j] = (loss(X, Y, up[:len(Ws)], up[len(Ws):], "sigmoid") - loss(X, Y, down[:len(Ws)], down[len(Ws):], "sigmoid")) / (2 * h)
        expect.gradient(implied, fd, rel=tol.fd["rel"], quantity=f"(old {name} - new {name})/η against central differences of Λ")


def test_batches_compose(student, ref, rng):
    """an epoch on [B1, B2] equals an epoch on [B1] followed by an epoch on [B2] (relu 4→6→3), and the epoch's values"""
    sizes = [4, 6, 3]
    X, Y = _data(rng, 7, sizes)
    Ws, bs = random_net(rng, sizes)
    perm = rng.permutation(7)
    b1, b2 = perm[:4], perm[4:]
    both, first = student.mlp_sgd_epoch.many([(X, Y, Ws, bs, [b1, b2], 0.2, "relu"), (X, Y, Ws, bs, [b1], 0.2, "relu")])  # one round trip
    both = expect.like(both, _like(Ws, bs))
    expect.close(both, ref.mlp_sgd_epoch(X, Y, Ws, bs, [b1, b2], 0.2, "relu"))
    W1, bs1 = expect.like(first, _like(Ws, bs))
    W2, bs2 = expect.like(student.mlp_sgd_epoch(X, Y, list(W1), list(bs1), [b2], 0.2, "relu"), _like(Ws, bs))
    expect.close(both, (W2, bs2), names=["W^{k} after [B1, B2] vs after [B1] then [B2]", "B^{k} after [B1, B2] vs after [B1] then [B2]"])


@mark.hidden
@mark.weight(2)
@mark.parametrize("trial", range(3))
def test_hidden_random(student, ref, rng, trial):
    """pairwise-distinct layer sizes, batches of size 1 and 2 and mixed, every activation"""
    L = int(rng.integers(1, 4))
    sizes = distinct_sizes(rng, L)
    M = int(rng.integers(3, 12))
    X, Y = _data(rng, M, sizes)
    Ws, bs = random_net(rng, sizes)
    size = [1, 2, None][trial]
    perm = rng.permutation(M)
    if size is None:
        cuts = np.sort(rng.choice(np.arange(1, M), size=min(2, M - 1), replace=False))
        batches = np.split(perm, cuts)
    else:
        batches = [perm[i : i + size] for i in range(0, M, size)]
    activation = ["tanh", "sigmoid", "relu", "identity"][int(rng.integers(4))]
    lr = float(rng.uniform(0.01, 0.3))
    expect.close(student.mlp_sgd_epoch(X, Y, Ws, bs, batches, lr, activation), ref.mlp_sgd_epoch(X, Y, Ws, bs, batches, lr, activation))


@mark.hidden
def test_hidden_gradient(student, rng, tol):
    """the full-batch step against finite differences on a random tanh net"""
    sizes = distinct_sizes(rng, 2, 2, 6)
    X, Y = _data(rng, int(rng.integers(2, 6)), sizes)
    Ws, bs = random_net(rng, sizes)
    M = X.shape[0]
    Wn, bn = expect.like(student.mlp_sgd_epoch(X, Y, Ws, bs, [np.arange(M)], 0.05, "tanh"), _like(Ws, bs))
    W1 = Ws[0]
    fd = np.zeros_like(W1)
    for j in np.ndindex(W1.shape):
        up, down = W1.copy(), W1.copy()
        up[j] += 1e-6
        down[j] -= 1e-6
        fd[j] = (loss(X, Y, [up] + Ws[1:], bs, "tanh") - loss(X, Y, [down] + Ws[1:], bs, "tanh")) / 2e-6
    expect.gradient((W1 - Wn[0]) / 0.05, fd, rel=tol.fd["rel"], quantity="(old W^1 - new W^1)/η against central differences of Λ")
