"""powc differentiated with the exponent off by one: p v^p instead of p v^{p-1}."""

_correct_local = _local


def _local(op, par, c, vals, i):
    if op == "powc":
        return [(par[0], c * vals[par[0]] ** c)]
    return _correct_local(op, par, c, vals, i)
