"""Reference solutions for chapter 23 (distributed training). Instructors only.

Executed after exercises/ch23_distributed/provided.py (the rank programs that call
these functions on every rank of a gloo process group)."""

import numpy as np
import torch
import torch.distributed as dist

# -- ch23.ring_allreduce_sim ------------------------------------------------------------


def _chunks(v, P):
    return [c.copy() for c in np.array_split(np.asarray(v, dtype=np.float64), P)]


def _chunk_sent(s, i, P):
    """The chunk worker i sends at step s: (i - s) in the reduce-scatter, then (i + 1 - t)."""
    return (i - s) % P if s < P - 1 else (i + 1 - (s - P + 1)) % P


def _ring_step(bufs, sends, add):
    """Apply one step's sends simultaneously: every payload is read before any is applied."""
    payloads = [(dst, c, bufs[src][c].copy()) for _, src, dst, c in sends]
    for dst, c, data in payloads:
        bufs[dst][c] = bufs[dst][c] + data if add else data


def ring_allreduce(vectors, average=True):
    P = len(vectors)
    bufs = [_chunks(v, P) for v in vectors]
    log = []
    for s in range(2 * (P - 1)):
        sends = [(s, i, (i + 1) % P, _chunk_sent(s, i, P)) for i in range(P)]
        _ring_step(bufs, sends, add=s < P - 1)
        log += sends
    results = [np.concatenate(b) for b in bufs]
    if average:
        results = [r / P for r in results]
    return results, log


# -- ch23.ddp_average_gradients ------------------------------------------------------------


def average_gradients(model, n_local):
    params = [p for p in model.parameters() if p.grad is not None]
    flat = torch.cat([p.grad.reshape(-1) for p in params] + [torch.ones(1, dtype=torch.float64)]) * float(n_local)
    dist.all_reduce(flat, op=dist.ReduceOp.SUM)  # one collective: Σ n_r ∇Λ_r and N = Σ n_r
    total = flat[-1]
    start = 0
    for p in params:
        size = p.grad.numel()
        p.grad.copy_((flat[start:start + size] / total).reshape(p.grad.shape))
        start += size


def broadcast_parameters(model, src=0):
    with torch.no_grad():
        for p in model.parameters():
            dist.broadcast(p, src)


def ddp_sgd_step(model, loss_fn, x_shard, y_shard, lr):
    model.zero_grad(set_to_none=True)
    loss_fn(model(x_shard), y_shard).backward()
    average_gradients(model, x_shard.shape[0])
    with torch.no_grad():
        for p in model.parameters():
            p -= lr * p.grad


# -- ch23.async_delayed_sgd ----------------------------------------------------------------


def delayed_gd(theta0, lam, lr, tau, n_steps):
    th = np.empty(n_steps + 1)
    th[0] = theta0
    for k in range(n_steps):
        th[k + 1] = th[k] - lr * lam * th[max(k - tau, 0)]
    return th


def max_stable_lr(lam, tau):
    return float(2.0 * np.sin(np.pi / (2.0 * (2 * tau + 1))) / lam)


# -- ch23.parameter_server ----------------------------------------------------------------


def _server(theta, W, lr, n_updates):
    g = torch.empty_like(theta)
    for k in range(n_updates):
        w = 1 + k % W  # round robin: the order never depends on timing
        dist.recv(g, src=w)
        theta -= lr * g
        dist.send(theta, dst=w)
    return theta


def _worker(theta, rank, W, grad_fn, n_updates):
    for _ in range(rank - 1, n_updates, W):  # this worker's updates k ≡ rank - 1 (mod W)
        dist.send(grad_fn(theta), dst=0)
        dist.recv(theta, src=0)  # in place: the next gradient is computed at the θ just received
    return theta


def run_parameter_server(rank, world_size, theta0, grad_fn, lr, n_updates):
    W = world_size - 1
    theta = theta0.clone()
    if rank == 0:
        return _server(theta, W, lr, n_updates)
    return _worker(theta, rank, W, grad_fn, n_updates)
