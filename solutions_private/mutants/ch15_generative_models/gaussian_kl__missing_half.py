"""The factor ½ in front of the sum is missing."""


def kl_diag_gauss(mu_q, logvar_q, mu_p=None, logvar_p=None):
    mu_p = np.zeros_like(mu_q) if mu_p is None else mu_p
    logvar_p = np.zeros_like(logvar_q) if logvar_p is None else logvar_p
    v_q, v_p = np.exp(logvar_q), np.exp(logvar_p)
    return np.sum(logvar_p - logvar_q + (v_q + (mu_q - mu_p) ** 2) / v_p - 1.0, axis=-1)
