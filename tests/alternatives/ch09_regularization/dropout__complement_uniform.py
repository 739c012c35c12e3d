"""Scale folded into the mask first (R/p), and the mask drawn as 1 - U ≤ p with U uniform on [0, 1) (exactly probability p, p = 0 and 1 included)."""


def dropout_forward(A, mask, p_keep, mode, inverted=False):
    if mode == "train":
        R = mask * (1.0 / p_keep) if inverted else mask
        return R * A
    return 1.0 * A if inverted else p_keep * A


def dropout_backward(dOut, mask, p_keep, inverted=False):
    R = mask * (1.0 / p_keep) if inverted else mask
    return R * dOut


def sample_mask(shape, p_keep, rng):
    u = rng.random(shape)
    return ((1.0 - u) <= p_keep).astype(np.float64)
