"""Workers compute every gradient at θ_0: the θ they receive goes into a buffer that is never used."""


def run_parameter_server(rank, world_size, theta0, grad_fn, lr, n_updates):
    W = world_size - 1
    theta = theta0.clone()
    if rank == 0:
        g = torch.empty_like(theta)
        for k in range(n_updates):
            w = 1 + k % W
            dist.recv(g, src=w)
            theta -= lr * g
            dist.send(theta, dst=w)
        return theta
    received = torch.empty_like(theta)
    for _ in range(rank - 1, n_updates, W):
        dist.send(grad_fn(theta), dst=0)
        dist.recv(received, src=0)
    return received if n_updates >= rank else theta
