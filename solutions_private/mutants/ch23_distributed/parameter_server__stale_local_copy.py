"""Workers compute every gradient at θ_0: the θ they receive goes into a buffer that is never used."""


def _worker(theta, rank, W, grad_fn, n_updates):
    received = theta.clone()
    for _ in range(rank - 1, n_updates, W):
        dist.send(grad_fn(theta), dst=0)
        dist.recv(received, src=0)
    return received
