"""D* = q/(p + q) (the generator's share) instead of p/(p + q)."""


def optimal_discriminator_value(p_data, p_g):
    total = p_data + p_g
    D = np.full(p_data.shape, 0.5)
    D[total > 0] = p_g[total > 0] / total[total > 0]
    hp, hq = p_data > 0, p_g > 0
    with np.errstate(divide="ignore"):
        value = np.sum(p_data[hp] * np.log(D[hp])) + np.sum(p_g[hq] * np.log(1.0 - D[hq]))
    return D, float(value)
