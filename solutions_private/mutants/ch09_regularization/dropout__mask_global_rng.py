"""Mask drawn from np.random (the global generator) instead of rng."""


def sample_mask(shape, p_keep, rng):
    return (np.random.random(shape) < p_keep).astype(np.float64)
