"""The server loops over rounds and, within a round, over the workers in order,
stopping after n_updates; the worker's role in a separate function; θ kept in a
preallocated buffer updated in place with sub_."""

import torch
import torch.distributed as dist


def _worker(rank, W, theta0, grad_fn, n_updates):
    theta = theta0.clone()
    k = rank - 1
    while k < n_updates:
        dist.send(grad_fn(theta), 0)
        dist.recv(theta, 0)
        k += W
    return theta


def run_parameter_server(rank, world_size, theta0, grad_fn, lr, n_updates):
    W = world_size - 1
    if rank != 0:
        return _worker(rank, W, theta0, grad_fn, n_updates)
    theta = theta0.clone()
    buf = torch.empty_like(theta)
    done = 0
    while done < n_updates:
        for w in range(1, W + 1):
            if done == n_updates:
                break
            dist.recv(buf, w)
            theta.sub_(lr * buf)
            dist.send(theta, w)
            done += 1
    return theta
