"""Grader for ch23.ddp_average_gradients, on real gloo process groups of 2 to 4
processes: the averaged gradient against the full-batch gradient of the
concatenated shards (weighted by shard sizes; unequal shards catch the mean of
shard means), identical on every rank; broadcasting from rank 0 and from the
last rank; data-parallel SGD from different initialisations against full-batch
gradient descent. Expected values are closed forms of a linear model's mean
square loss, computed here in numpy."""

import numpy as np

from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark

from ._helpers import full_batch_gd, full_gradient, linear_problem, same_on_every_rank, shard_mean_gradient


def averaged(student, rng, sizes, d_in, d_out):
    P = len(sizes)
    weight, bias, X, Y = linear_problem(rng, sizes, d_in, d_out)
    results = student.average_gradients_program.ranks(P, [(r, P, weight, bias, X[r], Y[r]) for r in range(P)])
    template = (np.zeros((d_out, d_in)), np.zeros(d_out))
    for r, res in enumerate(results):
        expect.like(res, template, names=[f"∂Λ/∂weight on rank {r}", f"∂Λ/∂bias on rank {r}"])
    want = full_gradient(weight, bias, X, Y)
    unweighted = shard_mean_gradient(weight, bias, X, Y)
    if len(set(sizes)) > 1:
        plain = all(np.allclose(res[0], unweighted[0], rtol=1e-10, atol=1e-12) for res in results)
        expect.that(not plain, "the average must be weighted by the shard sizes n_r / N", quantity="∂Λ/∂θ after averaging",
                    detail=f"shard sizes {sizes}: your gradient is the plain mean of the ranks' gradients (Σ_r ∇Λ_r / P, or ReduceOp.AVG), "
                    "which counts a 1-sample shard as much as a large one")
    for r, res in enumerate(results):
        expect.close(res, want, names=[f"∂Λ/∂weight on rank {r}", f"∂Λ/∂bias on rank {r}"],
                     detail=f"the gradient of the whole data set's loss, (1/N) Σ_r n_r ∇Λ_r with shard sizes {sizes}")
    same_on_every_rank(results, "the averaged gradient")


def test_average_equal_shards(student, rng):
    """2 ranks, shards of 4 samples each (Linear 3 → 2): every rank's gradient is the full-batch gradient"""
    averaged(student, rng, [4, 4], 3, 2)


def test_average_unequal_shards(student, rng):
    """3 ranks with shards of 1, 4 and 7 samples: the average is weighted by n_r / N"""
    averaged(student, rng, [1, 4, 7], 4, 3)


def broadcast(student, rng, P, src):
    inits = [linear_problem(rng, [1], 3, 2)[:2] for _ in range(P)]  # a different model on every rank
    results = student.broadcast_program.ranks(P, [(r, P, inits[r][0], inits[r][1], src) for r in range(P)])
    for r, res in enumerate(results):
        expect.close(res, inits[src], names=[f"weight on rank {r} after broadcasting from rank {src}", f"bias on rank {r} after broadcasting from rank {src}"])


def test_broadcast_from_rank_0(student, rng):
    """3 ranks with different initial models: after broadcast_parameters(model, 0) all hold rank 0's"""
    broadcast(student, rng, 3, 0)


def test_broadcast_from_last_rank(student, rng):
    """4 ranks: broadcast_parameters(model, src=3) gives every rank rank 3's parameters"""
    broadcast(student, rng, 4, 3)


def train(student, rng, sizes, d_in, d_out, lr, n_steps):
    P = len(sizes)
    weight, bias, X, Y = linear_problem(rng, sizes, d_in, d_out)
    inits = [(weight, bias)] + [linear_problem(rng, [1], d_in, d_out)[:2] for _ in range(P - 1)]  # rank 0's model wins
    args = [(r, P, inits[r][0], inits[r][1], X[r], Y[r], lr, n_steps) for r in range(P)]
    results = student.ddp_train_program.ranks(P, args)
    want = full_batch_gd(weight, bias, X, Y, lr, n_steps)
    for r, res in enumerate(results):
        expect.close(res, want, names=[f"weight on rank {r} after {n_steps} steps", f"bias on rank {r} after {n_steps} steps"],
                     detail=f"data-parallel SGD from rank 0's initialisation equals {n_steps} steps of full-batch gradient descent "
                     f"on the concatenated shards (sizes {sizes})")
    same_on_every_rank(results, "the parameters")


def test_training_from_different_inits(student, rng):
    """3 ranks, shards of 2, 5 and 3 samples, different initial models: broadcast, then 3 steps = full-batch gradient descent"""
    train(student, rng, [2, 5, 3], 3, 2, 0.1, 3)


def test_training_four_ranks(student, rng):
    """4 ranks, shards of 3 samples (Linear 5 → 1): 2 steps of data-parallel SGD"""
    train(student, rng, [3, 3, 3, 3], 5, 1, 0.2, 2)


@mark.hidden
@mark.weight(2)
@mark.parametrize("P", (2, 3, 4))
def test_hidden_random_shards(student, rng, P):
    """random shard sizes (some of 1 sample), random widths, averaged gradient and training"""
    sizes = [int(v) for v in rng.integers(1, 8, P)]
    d_in, d_out = int(rng.integers(1, 6)), int(rng.integers(1, 4))
    averaged(student, rng, sizes, d_in, d_out)
    train(student, rng, sizes, d_in, d_out, float(rng.uniform(0.05, 0.3)), int(rng.integers(1, 5)))


@mark.hidden
def test_hidden_broadcast_middle_rank(student, rng):
    """4 ranks, broadcasting from rank 1"""
    broadcast(student, rng, 4, 1)
