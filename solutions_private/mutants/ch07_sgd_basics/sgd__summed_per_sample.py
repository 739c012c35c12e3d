"""Summing instead of averaging: grad_fn called per sample and the gradients added up."""


def sgd(grad_fn, theta0, batches, lr):
    theta = np.array(theta0, dtype=np.float64)
    out = [theta]
    for k, batch in enumerate(batches):
        g = sum(grad_fn(theta, np.array([m])) for m in batch)
        theta = theta - lr(k) * g
        out.append(theta)
    return np.array(out)
