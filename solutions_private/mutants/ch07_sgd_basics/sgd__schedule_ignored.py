"""Learning rate read once: α_0 = lr(0) used at every step, so the schedule never decays."""


def sgd(grad_fn, theta0, batches, lr):
    alpha = lr(0)
    theta = np.array(theta0, dtype=np.float64)
    out = [theta]
    for batch in batches:
        theta = theta - alpha * grad_fn(theta, batch)
        out.append(theta)
    return np.array(out)
