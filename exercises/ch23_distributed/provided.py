# Chapter 23's rank programs (provided, already implemented). The grader runs each
# program on EVERY rank of a real gloo process group: world_size processes on this
# machine, joined over 127.0.0.1, with torch.distributed already initialised
# (dist.init_process_group("gloo", rank=rank, world_size=world_size, timeout=5 s)),
# so dist.get_rank() == rank inside. A program takes plain data (numpy arrays,
# numbers), builds the torch objects, calls YOUR functions below, and returns plain
# data, which the grader compares with its own computation. Every collective must
# complete within the timeout, or the check reports which rank waited in which call.

import time

import numpy as np
import torch
import torch.distributed as dist


def build_linear(weight: np.ndarray, bias: np.ndarray) -> torch.nn.Linear:
    """A float64 torch.nn.Linear(d_in, d_out) holding copies of weight (d_out, d_in) and bias (d_out,)."""
    model = torch.nn.Linear(weight.shape[1], weight.shape[0], dtype=torch.float64)
    with torch.no_grad():
        model.weight.copy_(torch.tensor(weight, dtype=torch.float64))
        model.bias.copy_(torch.tensor(bias, dtype=torch.float64))
    return model


def mse_loss(prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """A shard's loss Λ_r: the mean of (prediction - target)² over its n_r · d_out entries."""
    return torch.nn.functional.mse_loss(prediction, target, reduction="mean")


def parameters_of(model: torch.nn.Module) -> tuple[np.ndarray, np.ndarray]:
    """(weight, bias) of a Linear model as numpy copies."""
    return model.weight.detach().numpy().copy(), model.bias.detach().numpy().copy()


def average_gradients_program(rank: int, world_size: int, weight: np.ndarray, bias: np.ndarray,
                              x_shard: np.ndarray, y_shard: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """This rank's gradient of its shard loss, then your average_gradients.
    Returns (∂/∂weight, ∂/∂bias) as they are after average_gradients."""
    model = build_linear(weight, bias)
    mse_loss(model(torch.tensor(x_shard)), torch.tensor(y_shard)).backward()
    average_gradients(model, x_shard.shape[0])
    return model.weight.grad.detach().numpy().copy(), model.bias.grad.detach().numpy().copy()


def broadcast_program(rank: int, world_size: int, weight: np.ndarray, bias: np.ndarray, src: int) -> tuple[np.ndarray, np.ndarray]:
    """Each rank builds a model from its OWN (weight, bias), then your
    broadcast_parameters(model, src). Returns the model's (weight, bias)."""
    model = build_linear(weight, bias)
    broadcast_parameters(model, src)
    return parameters_of(model)


def ddp_train_program(rank: int, world_size: int, weight: np.ndarray, bias: np.ndarray, x_shard: np.ndarray,
                      y_shard: np.ndarray, lr: float, n_steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Data-parallel training on one rank: a model from this rank's own initial
    (weight, bias), your broadcast_parameters(model, 0), then n_steps of your
    ddp_sgd_step on this rank's shard. Returns the final (weight, bias)."""
    model = build_linear(weight, bias)
    broadcast_parameters(model, 0)
    x, y = torch.tensor(x_shard), torch.tensor(y_shard)
    for _ in range(n_steps):
        ddp_sgd_step(model, mse_loss, x, y, lr)
    return parameters_of(model)


def parameter_server_program(rank: int, world_size: int, theta0: np.ndarray, A: np.ndarray, b: np.ndarray,
                             lr: float, n_updates: int, pause: float) -> tuple[np.ndarray, np.ndarray]:
    """One rank of the asynchronous parameter server. Worker w holds the quadratic
    f_w(θ) = ½ θᵀ A θ - bᵀ θ of its data shard, so grad_fn(θ) = A θ - b; it takes
    `pause` seconds per gradient (the grader gives the workers different speeds,
    as real workers have). Returns (your run_parameter_server's result, the
    points θ at which grad_fn was called on this rank, shape (calls, d))."""
    A_t, b_t = torch.tensor(A), torch.tensor(b)
    points = []

    def grad_fn(theta: torch.Tensor) -> torch.Tensor:
        points.append(theta.detach().numpy().copy())
        time.sleep(pause)
        return A_t @ theta - b_t

    result = run_parameter_server(rank, world_size, torch.tensor(theta0), grad_fn, lr, n_updates)
    if not isinstance(result, torch.Tensor):
        raise TypeError(f"run_parameter_server must return a tensor on every rank (a worker returns the last θ it "
                        f"received), but rank {rank} returned {type(result).__name__}")
    seen = np.array(points, dtype=np.float64).reshape(len(points), theta0.shape[0])
    return result.detach().numpy().copy(), seen
