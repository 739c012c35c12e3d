"""Re-shuffling inside the function, ignoring the order of perm."""


def epoch_batches(perm, batch_size, drop_last=False):
    order = np.random.permutation(perm)
    stop = (len(order) // batch_size) * batch_size if drop_last else len(order)
    return [order[i : min(i + batch_size, stop)] for i in range(0, stop, batch_size)]
