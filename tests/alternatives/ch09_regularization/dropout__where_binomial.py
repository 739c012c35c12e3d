"""np.where instead of products, and the mask drawn as one Binomial(1, p) per entry (another stream of the same law)."""


def dropout_forward(A, mask, p_keep, mode, inverted=False):
    A = np.asarray(A, dtype=np.float64)
    if mode == "test":
        return A.copy() if inverted else A * p_keep
    if mode != "train":
        raise ValueError(mode)
    kept = A / p_keep if inverted else A
    return np.where(mask != 0.0, kept, 0.0)


def dropout_backward(dOut, mask, p_keep, inverted=False):
    factor = 1.0 / p_keep if inverted else 1.0
    return np.where(mask != 0.0, dOut * factor, 0.0)


def sample_mask(shape, p_keep, rng):
    return rng.binomial(1, p_keep, size=shape).astype(np.float64)
