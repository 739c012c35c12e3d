"""One all-reduce per parameter and a separate one for N; the division as
multiplication by n_local / N after summing the local gradients weighted in
place on a copy; torch.optim.SGD does the step."""

import torch
import torch.distributed as dist


def average_gradients(model, n_local):
    count = torch.tensor(float(n_local), dtype=torch.float64)
    dist.all_reduce(count, op=dist.ReduceOp.SUM)
    for p in model.parameters():
        weighted = p.grad.detach().clone().mul_(float(n_local))
        dist.all_reduce(weighted, op=dist.ReduceOp.SUM)
        p.grad.copy_(weighted.div_(count))


def broadcast_parameters(model, src=0):
    for p in model.parameters():
        buffer = p.detach().clone()
        dist.broadcast(buffer, src=src)
        with torch.no_grad():
            p.copy_(buffer)


def ddp_sgd_step(model, loss_fn, x_shard, y_shard, lr):
    optimiser = torch.optim.SGD(model.parameters(), lr=lr)
    optimiser.zero_grad()
    loss_fn(model(x_shard), y_shard).backward()
    average_gradients(model, len(x_shard))
    optimiser.step()
