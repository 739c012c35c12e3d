"""Plain Python loops over members and samples, every mean accumulated by hand."""


def ensemble_decomposition(preds, y):
    K, n = preds.shape
    fbar = [sum(float(preds[k, i]) for k in range(K)) / K for i in range(n)]
    E = sum((fbar[i] - float(y[i])) ** 2 for i in range(n)) / n
    E_bar = sum(sum((float(preds[k, i]) - float(y[i])) ** 2 for i in range(n)) / n for k in range(K)) / K
    A_bar = sum(sum((float(preds[k, i]) - fbar[i]) ** 2 for i in range(n)) / n for k in range(K)) / K
    return float(E), float(E_bar), float(A_bar)
