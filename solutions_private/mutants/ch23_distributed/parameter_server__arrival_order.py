"""The server takes gradients in arrival order (dist.recv without src) and answers the sender: the result depends on timing."""


def run_parameter_server(rank, world_size, theta0, grad_fn, lr, n_updates):
    W = world_size - 1
    theta = theta0.clone()
    if rank == 0:
        g = torch.empty_like(theta)
        for k in range(n_updates):
            w = dist.recv(g)
            theta -= lr * g
            dist.send(theta, dst=w)
        return theta
    for _ in range(rank - 1, n_updates, W):
        dist.send(grad_fn(theta), dst=0)
        dist.recv(theta, src=0)
    return theta
