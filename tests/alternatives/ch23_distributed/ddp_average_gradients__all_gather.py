"""Gradients gathered with all_gather (every rank's n_r and n_r ∇Λ_r) and summed
locally in rank order; broadcast built from an all-reduce of the parameters
masked to rank src; the step with p.data.add_(p.grad, alpha=-lr); gradients
cleared by setting them to None."""

import torch
import torch.distributed as dist


def average_gradients(model, n_local):
    P = dist.get_world_size()
    params = [p for p in model.parameters() if p.grad is not None]
    mine = torch.cat([torch.tensor([float(n_local)], dtype=torch.float64)] + [n_local * p.grad.reshape(-1) for p in params])
    parts = [torch.empty_like(mine) for _ in range(P)]
    dist.all_gather(parts, mine)
    total = parts[0].clone()
    for part in parts[1:]:
        total += part
    offset = 1
    for p in params:
        k = p.grad.numel()
        p.grad = (total[offset:offset + k] / total[0]).reshape(p.shape).clone()
        offset += k


def broadcast_parameters(model, src=0):
    keep = 1.0 if dist.get_rank() == src else 0.0
    with torch.no_grad():
        for p in model.parameters():
            masked = p.detach() * keep
            dist.all_reduce(masked)
            p.copy_(masked)


def ddp_sgd_step(model, loss_fn, x_shard, y_shard, lr):
    for p in model.parameters():
        p.grad = None
    loss = loss_fn(model(x_shard), y_shard)
    loss.backward()
    average_gradients(model, int(x_shard.shape[0]))
    for p in model.parameters():
        p.data.add_(p.grad, alpha=-lr)
