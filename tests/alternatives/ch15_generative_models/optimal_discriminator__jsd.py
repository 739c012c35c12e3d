"""V computed as -log 4 + 2 JSD(p ‖ q) from the two KLs to the mixture, with a Python loop and math.log."""


def optimal_discriminator_value(p_data, p_g):
    n = len(p_data)
    D = np.empty(n)
    kl_p = kl_q = 0.0
    for x in range(n):
        p, q = float(p_data[x]), float(p_g[x])
        D[x] = p / (p + q) if p + q > 0 else 0.5
        mix = 0.5 * (p + q)
        if p > 0:
            kl_p += p * math.log(p / mix)
        if q > 0:
            kl_q += q * math.log(q / mix)
    return D, float(-math.log(4.0) + kl_p + kl_q)


import math  # noqa: E402
