"""Grader for ch23.parameter_server, on real gloo process groups of 2 to 4
processes: the server's final θ, the points at which every worker evaluated its
gradient and what every worker returns, against the delayed recursion
θ_{k+1} = θ_k - lr ∇f_{w(k)}(θ_{max(k-W+1, 0)}) (round robin w(k) = 1 + k mod W),
computed here in numpy. Workers run at different speeds (rank-dependent pauses,
slowest first), so a server that takes gradients in arrival order gets another
answer. The stability threshold of ch23.async_delayed_sgd with τ = W - 1, on
the student's own server: decay below it, divergence above."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import check_ps, ps_case, run_ps

PAUSE = 0.03  # seconds per gradient of the slowest worker; worker w takes PAUSE (W - w + 1) / W


def pauses(world_size: int) -> list[float]:
    """Worker 1 slowest, worker W fastest: arrival order is the reverse of round robin."""
    W = world_size - 1
    return [0.0] + [PAUSE * (W - w + 1) / W for w in range(1, world_size)]


def round_robin(student, rng, world_size, d, n_updates, slow=True):
    As, bs = ps_case(rng, world_size, d)
    theta0 = rng.standard_normal(d)
    lr = 0.3
    speeds = pauses(world_size) if slow else [0.0] * world_size
    results = run_ps(student, world_size, theta0, As, bs, lr, n_updates, speeds)
    check_ps(results, theta0, As, bs, lr, n_updates, world_size)


def test_three_ranks(student, rng):
    """server + 2 workers (τ = 1), θ ∈ R^3, 7 updates (worker 1 makes 4, worker 2 makes 3); worker 1 is the slower"""
    round_robin(student, rng, 3, 3, 7)


def test_four_ranks(student, rng):
    """server + 3 workers (τ = 2), θ ∈ R^2, 9 updates, workers slowest first"""
    round_robin(student, rng, 4, 2, 9)


def test_two_ranks_is_plain_gradient_descent(student, rng):
    """server + 1 worker: τ = 0, θ_{k+1} = θ_k - lr ∇f(θ_k), 5 updates"""
    round_robin(student, rng, 2, 3, 5)


def test_fewer_updates_than_workers(student, rng):
    """server + 3 workers, only 2 updates: worker 3 never sends and returns θ_0"""
    round_robin(student, rng, 4, 2, 2, slow=False)


def stability(student, rng, world_size, factor):
    """All workers share f(θ) = λθ²/2 (θ ∈ R): the server runs delayed GD with τ = W - 1."""
    W = world_size - 1
    lam = float(rng.uniform(0.5, 2.0))
    eta_star = 2.0 * np.sin(np.pi / (2.0 * (2 * W - 1))) / lam  # ch23.async_delayed_sgd's threshold, τ = W - 1
    lr = factor * eta_star
    As = [np.zeros((1, 1))] + [np.array([[lam]])] * W
    bs = [np.zeros(1)] * world_size
    n = 100  # τ = 1: per-step factor √(ηλ) = √0.9 or √1.1, so |θ_100| ≈ 0.005 or ≈ 100 (times |θ_0| = 1)
    results = run_ps(student, world_size, np.ones(1), As, bs, lr, n, [0.0] * world_size)
    size = abs(float(results[0][0][0]))
    if factor < 1:
        expect.that(size < 0.05, f"below the threshold (η = {factor:g} η*, η* = 2 sin(π/(2(2W-1)))/λ for W = {W} workers) the server's θ converges to 0",
                    quantity="|θ_n| on the server", detail=f"|θ_{n}| = {size:.3g} from θ_0 = 1 at lr = {lr:.6g}")
    else:
        expect.that(size > 20, f"above the threshold (η = {factor:g} η*) stale gradients make the server's θ diverge",
                    quantity="|θ_n| on the server", detail=f"|θ_{n}| = {size:.3g} from θ_0 = 1 at lr = {lr:.6g}: "
                    "with W workers each gradient is W - 1 updates old")
    check_ps(results, np.ones(1), As, bs, lr, n, world_size)


@mark.parametrize("factor", (0.9, 1.1))
def test_stale_gradient_threshold(student, rng, factor):
    """server + 2 workers on f(θ) = λθ²/2: 100 updates at 0.9 and 1.1 times 2 sin(π/(2(2W-1)))/λ = 1/λ"""
    stability(student, rng, 3, factor)


@mark.hidden
@mark.weight(3)
@mark.parametrize("world_size", (2, 3, 4))
def test_hidden_random(student, rng, world_size):
    """random dimension and number of updates (0 included), slow workers"""
    n = [0, int(rng.integers(1, 12)), int(rng.integers(5, 14))][world_size - 2]
    round_robin(student, rng, world_size, int(rng.integers(1, 5)), n)


@mark.hidden
def test_hidden_threshold_four_ranks(student, rng):
    """server + 3 workers (τ = 2), above the threshold: divergence"""
    W = 3
    lam = float(rng.uniform(0.5, 2.0))
    lr = 1.15 * 2.0 * np.sin(np.pi / (2.0 * (2 * W - 1))) / lam
    As = [np.zeros((1, 1))] + [np.array([[lam]])] * W
    bs = [np.zeros(1)] * 4
    results = run_ps(student, 4, np.ones(1), As, bs, lr, 150, [0.0] * 4)
    check_ps(results, np.ones(1), As, bs, lr, 150, 4)
