"""The prior arguments treated as one: if either mu_p or logvar_p is None, the standard normal prior is used."""

_reference_kl_diag_gauss = kl_diag_gauss


def kl_diag_gauss(mu_q, logvar_q, mu_p=None, logvar_p=None):
    if mu_p is None or logvar_p is None:
        return _reference_kl_diag_gauss(mu_q, logvar_q)
    return _reference_kl_diag_gauss(mu_q, logvar_q, mu_p, logvar_p)
