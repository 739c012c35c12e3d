"""Mask drawn on a grid of hundredths, rng.integers(0, 100, shape) < 100 p: exact at p = 0.3, off by up to 0.01 elsewhere."""


def sample_mask(shape, p_keep, rng):
    return (rng.integers(0, 100, size=shape) < 100 * p_keep).astype(np.float64)
