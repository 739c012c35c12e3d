"""Logarithms in base 2 (np.log2) instead of natural logarithms."""


def optimal_discriminator_value(p_data, p_g):
    total = p_data + p_g
    D = np.full(p_data.shape, 0.5)
    D[total > 0] = p_data[total > 0] / total[total > 0]
    hp, hq = p_data > 0, p_g > 0
    value = np.sum(p_data[hp] * np.log2(p_data[hp] / total[hp])) + np.sum(p_g[hq] * np.log2(p_g[hq] / total[hq]))
    return D, float(value)
