"""No masking: 0·log 0 evaluates to NaN (and D* = 0/0 where p = q = 0)."""


def optimal_discriminator_value(p_data, p_g):
    D = p_data / (p_data + p_g)
    return D, float(np.sum(p_data * np.log(D)) + np.sum(p_g * np.log(1.0 - D)))
