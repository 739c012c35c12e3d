"""KL(p ‖ q) computed instead of KL(q ‖ p) (the roles of q and p swapped in the formula)."""


def kl_diag_gauss(mu_q, logvar_q, mu_p=None, logvar_p=None):
    mu_p = np.zeros_like(mu_q) if mu_p is None else mu_p
    logvar_p = np.zeros_like(logvar_q) if logvar_p is None else logvar_p
    v_q, v_p = np.exp(logvar_q), np.exp(logvar_p)
    return 0.5 * np.sum(logvar_q - logvar_p + (v_p + (mu_q - mu_p) ** 2) / v_q - 1.0, axis=-1)
