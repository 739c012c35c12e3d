"""np.add.accumulate along the steps, divided by broadcasting with a (1, K) row of counts."""


def averaged_iterates(thetas):
    sums = np.add.accumulate(np.asarray(thetas)[:, 1:], axis=1)
    counts = np.arange(1, sums.shape[1] + 1, dtype=np.float64)[None, :]
    return sums / counts
