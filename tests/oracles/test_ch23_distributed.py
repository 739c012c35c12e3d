"""Chapter 23 references against independent oracles: real gloo collectives
(dist.all_reduce, torch.nn.parallel.DistributedDataParallel) on forked ranks,
torch autograd on the concatenated shards, scipy.signal.lfilter for the delayed
recursion, root finding for the stability threshold; and the graders' own
oracles (closed-form gradients, companion matrices, the replay of a log, the
parameter server's recursion) against them. The stability checks are
deterministic (no sampling noise); their tolerance is calibrated here over 200
grader seeds."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.optimize
import scipy.signal
import torch

from mathdl_cli.sandbox import ProcessIsolation, Sandbox
from support import chapter, course, grader_helpers, reference
from mathdl_cli.solutions import reference_source

R = reference("ch23")
HELP = grader_helpers("ch23")

# rank functions run with the reference (and its provided programs) on real gloo process groups
EXTRA = '''
import torch._dynamo  # noqa: F401  (DistributedDataParallel imports it on construction: once here, not in every rank)
from torch.nn.parallel import DistributedDataParallel


def gloo_allreduce(rank, world_size, vector):
    t = torch.tensor(vector)
    dist.all_reduce(t)
    return t / world_size


def torch_ddp_one_step(rank, world_size, weight, bias, x_shard, y_shard, lr):
    model = DistributedDataParallel(build_linear(weight, bias))
    optimiser = torch.optim.SGD(model.parameters(), lr=lr)
    optimiser.zero_grad()
    mse_loss(model(torch.tensor(x_shard)), torch.tensor(y_shard)).backward()
    optimiser.step()
    return parameters_of(model.module)
'''


@pytest.fixture(scope="module")
def ranks():
    """run(func, per_rank_args) on a gloo process group, with the reference loaded."""
    sandbox = Sandbox(isolation=ProcessIsolation())
    path = sandbox.add_file("ch23_distributed.py", (reference_source(course, chapter("ch23")) + EXTRA).encode())

    def run(func, per_rank):
        calls = [(list(args), {}) for args in per_rank]
        reply = sandbox.call(path, func, [], {}, timeout=120, calls=calls,
                             ranks={"world_size": len(per_rank), "collective_timeout": 20.0, "deadline": 100.0})
        assert reply.kind == "return", (reply.kind, reply.message, reply.detail)
        return reply.value

    yield run
    sandbox.close()


# -- ring all-reduce ------------------------------------------------------------------------


@pytest.mark.parametrize("P, n", [(1, 5), (2, 1), (3, 9), (4, 10), (5, 3), (7, 50), (8, 8)])
def test_ring_reference_against_numpy_and_its_own_log(P, n):
    rng = np.random.default_rng(P * 100 + n)
    vectors = [rng.standard_normal(n) for _ in range(P)]
    results, log = R.ring_allreduce(vectors, True)
    for res in results:
        np.testing.assert_allclose(res, np.mean(vectors, axis=0), rtol=1e-12, atol=1e-14)
    sums, _ = R.ring_allreduce(vectors, False)
    for res in sums:
        np.testing.assert_allclose(res, np.sum(vectors, axis=0), rtol=1e-12, atol=1e-14)
    arr = HELP.log_array(log, P)
    HELP.check_schedule(arr, P, n)  # the graders' schedule and bandwidth checks accept it
    HELP.replay(arr, P)


@pytest.mark.parametrize("P", (2, 3, 4))
def test_ring_reference_equals_gloo_all_reduce(ranks, P):
    rng = np.random.default_rng(P)
    vectors = [rng.standard_normal(11) for _ in range(P)]
    gloo = ranks("gloo_allreduce", [(r, P, vectors[r]) for r in range(P)])
    simulated, _ = R.ring_allreduce(vectors, True)
    for a, b in zip(gloo, simulated):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_replay_catches_double_counting_and_missing_contributions():
    from mathdl_cli.grading.errors import CheckFailed

    P = 3
    _, log = R.ring_allreduce([np.ones(6)] * P, True)
    arr = HELP.log_array(log, P)
    bad = arr.copy()
    bad[bad[:, 0] == 1, 3] = (bad[bad[:, 0] == 1, 3] + 1) % P  # step 1 sends the wrong chunks
    with pytest.raises(CheckFailed):
        HELP.replay(bad, P)
    with pytest.raises(CheckFailed):
        HELP.replay(arr[arr[:, 0] != 3], P)  # the last all-gather step missing


# -- data parallelism ------------------------------------------------------------------------


def test_closed_form_gradient_against_autograd():
    rng = np.random.default_rng(0)
    weight, bias, X, Y = HELP.linear_problem(rng, [2, 5, 1], 4, 3)
    w = torch.tensor(weight, requires_grad=True)
    b = torch.tensor(bias, requires_grad=True)
    loss = torch.nn.functional.mse_loss(torch.tensor(np.concatenate(X)) @ w.T + b, torch.tensor(np.concatenate(Y)))
    loss.backward()
    gw, gb = HELP.full_gradient(weight, bias, X, Y)
    np.testing.assert_allclose(gw, w.grad.numpy(), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(gb, b.grad.numpy(), rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("sizes", ([3, 3], [1, 4, 7], [2, 2, 5, 1]))
def test_averaged_gradient_is_the_full_batch_gradient(ranks, sizes):
    rng = np.random.default_rng(len(sizes))
    P = len(sizes)
    weight, bias, X, Y = HELP.linear_problem(rng, sizes, 3, 2)
    got = ranks("average_gradients_program", [(r, P, weight, bias, X[r], Y[r]) for r in range(P)])
    w = torch.tensor(weight, requires_grad=True)
    b = torch.tensor(bias, requires_grad=True)
    torch.nn.functional.mse_loss(torch.tensor(np.concatenate(X)) @ w.T + b, torch.tensor(np.concatenate(Y))).backward()
    for gw, gb in got:
        np.testing.assert_allclose(gw, w.grad.numpy(), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(gb, b.grad.numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("P", (2, 3, 4))
def test_ddp_step_equals_distributed_data_parallel(ranks, P):
    """With equal shards, one step of the reference equals torch's DistributedDataParallel (gloo)."""
    rng = np.random.default_rng(10 + P)
    weight, bias, X, Y = HELP.linear_problem(rng, [4] * P, 3, 2)
    ours = ranks("ddp_train_program", [(r, P, weight, bias, X[r], Y[r], 0.1, 1) for r in range(P)])
    torchs = ranks("torch_ddp_one_step", [(r, P, weight, bias, X[r], Y[r], 0.1) for r in range(P)])
    want = HELP.full_batch_gd(weight, bias, X, Y, 0.1, 1)
    for (w1, b1), (w2, b2) in zip(ours, torchs):
        np.testing.assert_allclose(w1, w2, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(b1, b2, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(w1, want[0], rtol=1e-12, atol=1e-14)


# -- delayed gradient descent ---------------------------------------------------------------------


@pytest.mark.parametrize("tau", (0, 1, 2, 5, 9))
def test_delayed_gd_against_lfilter_and_companion_powers(tau):
    rng = np.random.default_rng(tau)
    lam, theta0, n = rng.uniform(0.5, 3), rng.uniform(-2, 2), 60
    for factor in (0.5, 1.2):
        lr = factor * R.max_stable_lr(lam, tau)
        a = np.zeros(tau + 2)
        a[0], a[1] = 1.0, -1.0
        a[-1] += lr * lam  # y[k] - y[k-1] + lr λ y[k-1-τ] = 0
        zi = scipy.signal.lfiltic([1.0], a, y=[theta0] * (tau + 1))  # θ_j = θ_0 for j ≤ 0
        filtered = scipy.signal.lfilter([1.0], a, np.zeros(n), zi=zi)[0]
        th = R.delayed_gd(theta0, lam, lr, tau, n)
        np.testing.assert_allclose(th[1:], filtered, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(th, HELP.companion_trajectory(theta0, lam, lr, tau, n), rtol=1e-11, atol=1e-12)


@pytest.mark.parametrize("tau", (0, 1, 2, 3, 5, 8, 20))
def test_threshold_is_where_the_largest_root_crosses_the_unit_circle(tau):
    a_star = scipy.optimize.brentq(lambda a: HELP.spectral_radius(a, tau) - 1.0, 1e-6, 2.5 if tau == 0 else 1.999)
    np.testing.assert_allclose(R.max_stable_lr(1.0, tau), a_star, rtol=1e-9)
    np.testing.assert_allclose(R.max_stable_lr(2.5, tau), a_star / 2.5, rtol=1e-9)


def test_threshold_values_of_the_catalog():
    assert np.isclose(R.max_stable_lr(1.0, 0), 2.0)
    assert np.isclose(R.max_stable_lr(1.0, 1), 1.0)
    assert np.isclose(R.max_stable_lr(1.0, 2), (np.sqrt(5) - 1) / 2)


def test_stability_check_calibration_over_200_seeds():
    """The grader's decay/growth bounds and its 10% tolerance on the fitted rate, run
    on the reference for 200 grader seeds (λ, θ_0 drawn as in the check): the worst
    log-rate error stays near 1% and the tails near 1e-3 and 1e3, far inside the bounds."""
    worst, tails = 0.0, []
    for seed in range(200):
        rng = np.random.default_rng(seed)
        tau = (0, 1, 2, 5)[seed % 4]
        lam, theta0 = float(rng.uniform(0.5, 3.0)), float(rng.uniform(0.5, 2.0))
        eta = R.max_stable_lr(lam, tau)
        a_star = 2.0 * np.sin(np.pi / (2.0 * (2 * tau + 1)))
        n = int(np.ceil(3.0 * np.log(10.0) / abs(np.log(HELP.spectral_radius(1.03 * a_star, tau)))))
        window = 2 * (2 * tau + 1)
        for factor in (0.97, 1.03):
            th = R.delayed_gd(theta0, lam, factor * eta, tau, n)
            tail = float(np.max(np.abs(th[-window:]))) / theta0
            tails.append(tail if factor < 1 else 1 / tail)
            rho = HELP.spectral_radius(factor * eta * lam, tau)
            worst = max(worst, abs(np.log(HELP.growth_rate(th, window)) - np.log(rho)) / abs(np.log(rho)))
    assert worst < 0.02  # the check allows 0.1
    assert max(tails) < 2e-3  # the check allows 1e-2 (decay) and 1e2 (growth)


def test_stability_check_has_power():
    """A delay off by one, or the τ = 0 threshold reused, fails the grader's bounds."""
    lam, tau = 1.3, 2
    wrong_eta = 2.0 / lam
    th = R.delayed_gd(1.0, lam, 0.97 * wrong_eta, tau, 800)
    assert np.max(np.abs(th[-10:])) > 1e2
    eta = R.max_stable_lr(lam, tau)
    th = np.empty(801)
    th[0] = 1.0
    for k in range(800):  # τ + 1 instead of τ: unstable already at 0.97 η*
        th[k + 1] = th[k] - 0.97 * eta * lam * th[max(k - tau - 1, 0)]
    assert np.max(np.abs(th[-10:])) > 1e-2


# -- the parameter server ---------------------------------------------------------------------------


@pytest.mark.parametrize("P, n", [(2, 6), (3, 7), (4, 12), (4, 2), (3, 0)])
def test_parameter_server_equals_the_delayed_recursion(ranks, P, n):
    rng = np.random.default_rng(P * 10 + n)
    As, bs = HELP.ps_case(rng, P, 3)
    theta0 = rng.standard_normal(3)
    pauses = [0.0] + [0.01 * (P - w) for w in range(1, P)]
    got = ranks("parameter_server_program", [(r, P, theta0, As[r], bs[r], 0.3, n, pauses[r]) for r in range(P)])
    thetas, seen, last = HELP.ps_expected(theta0, As, bs, 0.3, n, P - 1)
    np.testing.assert_allclose(got[0][0], thetas[-1], rtol=1e-12, atol=1e-14)
    assert got[0][1].shape == (0, 3)
    for w in range(1, P):
        np.testing.assert_allclose(got[w][1], seen[w], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(got[w][0], last[w], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("P", (3, 4))
def test_parameter_server_on_a_quadratic_is_delayed_gd(ranks, P):
    """Every worker on f(θ) = λθ²/2: the server's iterates are delayed_gd with τ = W - 1,
    stable below 2 sin(π/(2(2W-1)))/λ and unstable above (the catalog's cross-check)."""
    W, lam, n = P - 1, 1.4, 200
    for factor in (0.9, 1.1):
        lr = factor * R.max_stable_lr(lam, W - 1)
        args = [(r, P, np.ones(1), np.array([[lam]]) if r else np.zeros((1, 1)), np.zeros(1), lr, n, 0.0) for r in range(P)]
        theta_n = ranks("parameter_server_program", args)[0][0][0]
        want = R.delayed_gd(1.0, lam, lr, W - 1, n)[-1]
        np.testing.assert_allclose(theta_n, want, rtol=1e-10, atol=1e-14)
        assert (abs(want) < 0.1) == (factor < 1) and (abs(want) > 10) == (factor > 1)
