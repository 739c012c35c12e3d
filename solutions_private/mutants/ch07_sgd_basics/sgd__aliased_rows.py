"""theta -= ... in place after appending theta: every stored row is the final iterate."""


def sgd(grad_fn, theta0, batches, lr):
    theta = theta0.copy()
    out = [theta]
    for k, batch in enumerate(batches):
        theta -= lr(k) * grad_fn(theta, batch)
        out.append(theta)
    return np.array(out)
