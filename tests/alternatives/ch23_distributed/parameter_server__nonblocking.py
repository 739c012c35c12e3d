"""Non-blocking point-to-point calls, each waited for before its buffer is
touched: irecv(...).wait() on the server, isend(...).wait() on the workers; the
update as θ = θ - lr·g into a new tensor; worker counts by integer arithmetic."""

import torch
import torch.distributed as dist


def run_parameter_server(rank, world_size, theta0, grad_fn, lr, n_updates):
    W = world_size - 1
    if rank == 0:
        theta = theta0.detach().clone()
        for k in range(n_updates):
            w = 1 + k % W
            g = torch.zeros_like(theta)
            dist.irecv(g, src=w).wait()
            theta = theta - lr * g
            dist.isend(theta, dst=w).wait()
        return theta
    count = max(0, (n_updates - rank + W) // W)
    theta = theta0.detach().clone()
    for _ in range(count):
        g = grad_fn(theta).detach().clone()
        dist.isend(g, dst=0).wait()
        fresh = torch.empty_like(theta)
        dist.irecv(fresh, src=0).wait()
        theta = fresh
    return theta
