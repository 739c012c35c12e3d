"""Iterates appended to a list as fresh arrays and stacked at the end (np.vstack)."""


def sgd(grad_fn, theta0, batches, lr):
    traj = [np.array(theta0, dtype=np.float64)]
    for k in range(len(batches)):
        g = np.asarray(grad_fn(traj[-1], batches[k]), dtype=np.float64)
        traj.append(traj[-1] - float(lr(k)) * g)
    return np.vstack(traj)
