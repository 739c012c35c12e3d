"""The formula term by term with v_q, v_p exponentiated and the ratio v_q/v_p formed explicitly."""


def kl_diag_gauss(mu_q, logvar_q, mu_p=None, logvar_p=None):
    mu_p = np.zeros(mu_q.shape) if mu_p is None else mu_p
    logvar_p = np.zeros(logvar_q.shape) if logvar_p is None else logvar_p
    v_q, v_p = np.exp(logvar_q), np.exp(logvar_p)
    per_dim = (logvar_p - logvar_q) + v_q / v_p + (mu_q - mu_p) ** 2 / v_p - 1.0
    return per_dim.sum(axis=1) / 2.0
