"""Schedule off by one: step k uses α_{k+1} = lr(k + 1) (steps counted from 1)."""


def sgd(grad_fn, theta0, batches, lr):
    theta = np.array(theta0, dtype=np.float64)
    out = [theta]
    for k, batch in enumerate(batches, start=1):
        theta = theta - lr(k) * grad_fn(theta, batch)
        out.append(theta)
    return np.array(out)
