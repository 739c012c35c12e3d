"""The server sends θ back BEFORE applying the gradient: workers get θ_k instead of θ_{k+1}, a delay one larger."""


def _server(theta, W, lr, n_updates):
    g = torch.empty_like(theta)
    for k in range(n_updates):
        w = 1 + k % W
        dist.recv(g, src=w)
        dist.send(theta, dst=w)
        theta -= lr * g
    return theta
