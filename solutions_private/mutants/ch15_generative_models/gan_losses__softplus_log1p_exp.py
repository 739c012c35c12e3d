"""softplus(a) written np.log1p(np.exp(a)): right for moderate logits, overflows (inf) at a = 800."""


def _softplus(a):
    return np.log1p(np.exp(a))
