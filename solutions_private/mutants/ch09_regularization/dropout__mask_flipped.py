"""Mask drawn as rng.random(shape) > p: P(R = 1) = 1 - p (flipped)."""


def sample_mask(shape, p_keep, rng):
    return (rng.random(shape) > p_keep).astype(np.float64)
