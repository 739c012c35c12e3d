"""Boolean masks on each support; log(1 - D*) as log(q/(p + q)); the value as Σ p log D* + Σ q log(1 - D*)."""


def optimal_discriminator_value(p_data, p_g):
    total = p_data + p_g
    D = np.full(total.shape, 0.5)
    on = total > 0
    D[on] = p_data[on] / total[on]
    sp, sq = p_data > 0, p_g > 0
    value = np.sum(p_data[sp] * np.log(p_data[sp] / total[sp])) + np.sum(p_g[sq] * np.log(p_g[sq] / total[sq]))
    return D, float(value)
