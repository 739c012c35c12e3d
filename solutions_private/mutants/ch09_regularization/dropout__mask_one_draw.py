"""One uniform for the whole mask: rng.random() < p, broadcast to every entry."""


def sample_mask(shape, p_keep, rng):
    return np.full(shape, float(rng.random() < p_keep))
