"""The window read as inclusive: fits k = start..stop instead of start..stop-1."""


def empirical_rate(fvals, fstar, start, stop):
    k = np.arange(start, stop + 1)
    return float(np.exp(np.polyfit(k, np.log(fvals[start : stop + 1] - fstar), 1)[0]))
