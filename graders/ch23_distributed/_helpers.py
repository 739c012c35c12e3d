"""Shared helpers for the chapter 23 graders: data, and independent oracles in numpy.

The graders never use the reference (it imports torch, and these oracles are
exact): expected values are closed forms (the gradient of a linear model's mean
square loss, full-batch gradient descent, companion-matrix powers for delayed
gradient descent, the roots of its characteristic polynomial), the mean or sum
of the vectors for all-reduce, and a replay of the student's own send log.
The torch.distributed exercises run on real gloo process groups through
``student.<program>.ranks(world_size, per_rank_args)``; the grader process
itself never imports torch.
"""

from __future__ import annotations

import numpy as np

from mathdl_cli.grading import expect

# -- ring all-reduce -------------------------------------------------------------------


def log_array(log, P: int) -> np.ndarray:
    """The student's log as an (events, 4) int64 array, after checking its form."""
    expect.that(isinstance(log, list), "the log is a list of (step, src, dst, chunk) tuples", quantity="the log of sends", detail=f"got {type(log).__name__}")
    for entry in log:
        ok = isinstance(entry, (tuple, list)) and len(entry) == 4 and all(isinstance(v, int) and not isinstance(v, bool) for v in entry)
        expect.that(ok, "every log entry is a tuple (step, src, dst, chunk) of four Python ints", quantity="the log of sends", detail=f"got {entry!r}")
    return np.array(log, dtype=np.int64).reshape(-1, 4)


def check_schedule(log: np.ndarray, P: int, n: int) -> None:
    """The ring's communication pattern: 2(P-1) steps; in every step every worker
    sends exactly one chunk, to its right neighbour; chunk ids are valid; each
    worker sends at most 2(P-1)⌈n/P⌉ numbers (bandwidth optimality)."""
    steps = 2 * (P - 1)
    expect.that(
        log.shape[0] == steps * P,
        f"ring all-reduce makes 2(P-1) = {steps} steps of P = {P} sends each: {steps * P} log entries",
        quantity="the log of sends", detail=f"your log has {log.shape[0]} entries",
    )
    if P == 1:
        return
    for s in range(steps):
        rows = log[log[:, 0] == s]
        senders = sorted(rows[:, 1].tolist())
        expect.that(senders == list(range(P)), f"in step {s} every worker sends exactly one chunk", quantity="the log of sends",
                    detail=f"senders in step {s}: {senders}")
        wrong = rows[rows[:, 2] != (rows[:, 1] + 1) % P]
        expect.that(wrong.shape[0] == 0, "every send goes to the right neighbour (src + 1) mod P", quantity="the log of sends",
                    detail=f"step {s}: {wrong[:3].tolist()} (step, src, dst, chunk)")
    bad = log[(log[:, 3] < 0) | (log[:, 3] >= P)]
    expect.that(bad.shape[0] == 0, f"chunk ids are 0..{P - 1}", quantity="the log of sends", detail=f"{bad[:3].tolist()}")
    sizes = np.array([len(c) for c in np.array_split(np.arange(n), P)])
    sent = np.bincount(log[:, 1], weights=sizes[log[:, 3]], minlength=P)
    bound = 2 * (P - 1) * int(np.ceil(n / P))
    expect.that(
        sent.max() <= bound and sent.sum() == 2 * (P - 1) * n,
        f"bandwidth optimality: each worker sends at most 2(P-1)⌈n/P⌉ = {bound} numbers, 2(P-1)n = {2 * (P - 1) * n} in all",
        quantity="numbers sent per worker", detail=f"per worker: {sent.astype(int).tolist()} (n = {n}, P = {P})",
    )


def replay(log: np.ndarray, P: int) -> None:
    """Replay the log on sets of contributions: in reduce-scatter steps (s < P-1)
    the receiver adds the sender's partial chunk, in all-gather steps it copies it.
    Every contribution must enter a sum once (never twice) and, at the end, every
    worker's every chunk must hold all P contributions."""
    full = (1 << P) - 1
    state = [[1 << w for _ in range(P)] for w in range(P)]
    for s in range(2 * (P - 1)):
        start = [row[:] for row in state]  # simultaneous: every send reads the state at the start of the step
        for _, src, dst, c in log[log[:, 0] == s].tolist():
            if s < P - 1:
                expect.that(
                    start[dst][c] & start[src][c] == 0,
                    "reduce-scatter never adds a contribution twice",
                    quantity="the log of sends",
                    detail=f"step {s}: worker {src} sends chunk {c} holding the contributions of workers "
                    f"{_members(start[src][c], P)} to worker {dst}, whose chunk {c} already holds {_members(start[dst][c], P)}",
                )
                state[dst][c] = state[dst][c] | start[src][c]
            else:
                state[dst][c] = start[src][c]
    for w in range(P):
        for c in range(P):
            expect.that(
                state[w][c] == full,
                "after the all-gather every worker's every chunk holds all P contributions",
                quantity="the log of sends",
                detail=f"replaying your log, worker {w}'s chunk {c} ends with the contributions of workers {_members(state[w][c], P)} only",
            )


def _members(mask: int, P: int) -> list[int]:
    return [w for w in range(P) if mask >> w & 1]


# -- delayed gradient descent -----------------------------------------------------------------


def companion_trajectory(theta0: float, lam: float, lr: float, tau: int, n: int) -> np.ndarray:
    """θ_0..θ_n of θ_{k+1} = θ_k - lr λ θ_{k-τ} (θ_j = θ_0 for j ≤ 0) as e_1ᵀ C^k h_0 with
    the (τ+1)×(τ+1) companion matrix C acting on (θ_k, θ_{k-1}, ..., θ_{k-τ})."""
    C = np.zeros((tau + 1, tau + 1))
    C[0, 0] = 1.0
    C[0, tau] -= lr * lam
    for i in range(1, tau + 1):
        C[i, i - 1] = 1.0
    h0 = np.full(tau + 1, float(theta0))
    return np.array([(np.linalg.matrix_power(C, k) @ h0)[0] for k in range(n + 1)])


def spectral_radius(a: float, tau: int) -> float:
    """max |z| over the roots of z^{τ+1} - z^τ + a (the growth factor per step)."""
    coeffs = np.zeros(tau + 2)
    coeffs[0] = 1.0
    coeffs[1] -= 1.0
    coeffs[-1] += a
    return float(np.max(np.abs(np.roots(coeffs))))


def growth_rate(theta: np.ndarray, window: int) -> float:
    """The fitted per-step growth factor of |θ_k|: exp of the slope of log max|θ| over
    consecutive windows (the envelope; a window longer than the oscillation period)."""
    k = (len(theta) - 1) // window
    env = np.array([np.max(np.abs(theta[1 + i * window: 1 + (i + 1) * window])) for i in range(k)])
    env = np.maximum(env, 1e-300)
    half = k // 2  # skip the transient: fit on the second half of the windows
    x = np.arange(half, k) * window
    return float(np.exp(np.polyfit(x, np.log(env[half:]), 1)[0]))


# -- data parallelism ---------------------------------------------------------------------------


def linear_problem(rng, sizes: list[int], d_in: int, d_out: int):
    """(weight, bias, X_shards, Y_shards) for the shard sizes given."""
    weight = rng.standard_normal((d_out, d_in)) / np.sqrt(d_in)
    bias = 0.5 * rng.standard_normal(d_out)
    X = [rng.standard_normal((n, d_in)) for n in sizes]
    Y = [rng.standard_normal((n, d_out)) for n in sizes]
    return weight, bias, X, Y


def full_gradient(weight, bias, X, Y):
    """∇ of Λ = mean over all N·d_out entries of (X Wᵀ + b - Y)², on the concatenated shards."""
    Xa, Ya = np.concatenate(X), np.concatenate(Y)
    R = Xa @ weight.T + bias - Ya
    scale = 2.0 / R.size
    return scale * R.T @ Xa, scale * R.sum(axis=0)


def full_batch_gd(weight, bias, X, Y, lr, n_steps):
    for _ in range(n_steps):
        gw, gb = full_gradient(weight, bias, X, Y)
        weight, bias = weight - lr * gw, bias - lr * gb
    return weight, bias


def shard_mean_gradient(weight, bias, X, Y):
    """The (wrong for unequal shards) mean of the shards' gradients, for diagnostics."""
    grads = [full_gradient(weight, bias, [x], [y]) for x, y in zip(X, Y)]
    return np.mean([g[0] for g in grads], axis=0), np.mean([g[1] for g in grads], axis=0)


def same_on_every_rank(results, what: str) -> None:
    """Every rank holds the same values (to rounding: a rank may sum in its own order)."""
    first = results[0]
    for r, res in enumerate(results[1:], start=1):
        expect.close(res, first, expect.Tol(1e-12, 1e-14), names=[f"{what} on rank {r} (must equal rank 0's)"] * 2)


# -- the parameter server -----------------------------------------------------------------------------


def ps_expected(theta0, As, bs, lr, n_updates, W):
    """What round-robin asynchronous SGD gives: the server's iterates θ_0..θ_n, and for
    each worker w = 1..W the points its gradient is evaluated at and the last θ it
    receives. Worker w(k) = 1 + k mod W computes update k at θ_{max(k-W+1, 0)}."""
    thetas = [np.array(theta0, dtype=np.float64)]
    seen = {w: [] for w in range(1, W + 1)}
    last = {w: np.array(theta0, dtype=np.float64) for w in range(1, W + 1)}
    for k in range(n_updates):
        w = 1 + k % W
        at = thetas[max(k - W + 1, 0)]
        seen[w].append(at)
        thetas.append(thetas[-1] - lr * (As[w] @ at - bs[w]))
        last[w] = thetas[-1]
    d = len(theta0)
    return thetas, {w: np.array(seen[w]).reshape(len(seen[w]), d) for w in seen}, last


def ps_case(rng, world_size: int, d: int):
    """Per-worker quadratics f_w(θ) = ½θᵀA_wθ - b_wᵀθ (A_w symmetric positive definite,
    eigenvalues in [0.5, 2]); As[0], bs[0] (the server's) are zero."""
    As, bs = [np.zeros((d, d))], [np.zeros(d)]
    for _ in range(1, world_size):
        Q, _ = np.linalg.qr(rng.standard_normal((d, d)))
        As.append(Q @ np.diag(rng.uniform(0.5, 2.0, d)) @ Q.T)
        bs.append(rng.standard_normal(d))
    return As, bs


def run_ps(student, world_size, theta0, As, bs, lr, n_updates, pauses):
    """Run the provided parameter_server_program on every rank: [(θ_r, points_r)]."""
    args = [(r, world_size, theta0, As[r], bs[r], lr, n_updates, pauses[r]) for r in range(world_size)]
    d = len(theta0)
    template = (np.zeros(d), np.zeros((0, d)))
    results = student.parameter_server_program.ranks(world_size, args)
    for r, res in enumerate(results):
        expect.like(res[0], template[0], names=f"θ returned by rank {r}")
    return results


def check_ps(results, theta0, As, bs, lr, n_updates, world_size) -> None:
    W = world_size - 1
    thetas, seen, last = ps_expected(theta0, As, bs, lr, n_updates, W)
    expect.close(results[0][0], thetas[-1], names=f"θ_{n_updates} on the server (rank 0)",
                 detail="the server's result is θ_n of θ_{k+1} = θ_k - lr ∇f_{w(k)}(θ_{max(k-W+1,0)}), w(k) = 1 + k mod W")
    expect.that(results[0][1].shape[0] == 0, "the server never calls grad_fn", quantity="grad_fn calls on rank 0",
                detail=f"it was called {results[0][1].shape[0]} times")
    for w in range(1, world_size):
        got_points = results[w][1]
        want = seen[w]
        expect.that(
            got_points.shape == want.shape,
            f"worker {w} computes exactly one gradient per update of its own ({want.shape[0]} of the {n_updates})",
            quantity=f"grad_fn calls on rank {w}", detail=f"it was called {got_points.shape[0]} times",
        )
        expect.close(got_points, want, names=f"the points θ at which worker {w} evaluated grad_fn",
                     detail="each gradient must be computed at the last θ the worker received (θ_0 for its first)")
        expect.close(results[w][0], last[w], names=f"θ returned by worker {w} (the last θ it received)")
