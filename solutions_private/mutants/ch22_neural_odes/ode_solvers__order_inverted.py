"""empirical_order fits log h against log e, which gives 1/p instead of p."""


def empirical_order(errors, hs):
    return float(np.polyfit(np.log(errors), np.log(hs), 1)[0])
