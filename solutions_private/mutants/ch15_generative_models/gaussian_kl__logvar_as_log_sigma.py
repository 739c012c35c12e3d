"""logvar read as log σ: the variances are taken as exp(2·logvar) (a factor 2 in the exponent)."""


def kl_diag_gauss(mu_q, logvar_q, mu_p=None, logvar_p=None):
    mu_p = np.zeros_like(mu_q) if mu_p is None else mu_p
    logvar_p = np.zeros_like(logvar_q) if logvar_p is None else logvar_p
    v_q, v_p = np.exp(2 * logvar_q), np.exp(2 * logvar_p)
    return 0.5 * np.sum(np.log(v_p / v_q) + (v_q + (mu_q - mu_p) ** 2) / v_p - 1.0, axis=-1)
