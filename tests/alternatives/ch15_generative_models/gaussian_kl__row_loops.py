"""Loops over rows and latent dimensions with math.exp, the default prior filled in argument by argument."""


def kl_diag_gauss(mu_q, logvar_q, mu_p=None, logvar_p=None):
    B, k = mu_q.shape
    out = np.zeros(B)
    for b in range(B):
        total = 0.0
        for j in range(k):
            m_p = 0.0 if mu_p is None else float(mu_p[b, j])
            l_p = 0.0 if logvar_p is None else float(logvar_p[b, j])
            l_q, m_q = float(logvar_q[b, j]), float(mu_q[b, j])
            total += l_p - l_q + math.exp(l_q - l_p) + (m_q - m_p) ** 2 * math.exp(-l_p) - 1.0
        out[b] = 0.5 * total
    return out


import math  # noqa: E402
