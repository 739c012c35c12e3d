"""The server sends θ back BEFORE applying the gradient: workers get θ_k instead of θ_{k+1}, a delay one larger."""


def run_parameter_server(rank, world_size, theta0, grad_fn, lr, n_updates):
    W = world_size - 1
    theta = theta0.clone()
    if rank == 0:
        g = torch.empty_like(theta)
        for k in range(n_updates):
            w = 1 + k % W
            dist.recv(g, src=w)
            dist.send(theta, dst=w)
            theta -= lr * g
        return theta
    for _ in range(rank - 1, n_updates, W):
        dist.send(grad_fn(theta), dst=0)
        dist.recv(theta, src=0)
    return theta
