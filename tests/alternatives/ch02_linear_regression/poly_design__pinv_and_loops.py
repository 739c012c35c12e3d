"""Powers by repeated multiplication in a loop; fits with np.linalg.pinv (the minimum-norm least-squares solution)."""


def poly_design(x, degree):
    cols = [np.ones_like(x, dtype=float)]
    for _ in range(degree):
        cols.append(cols[-1] * x)
    return np.stack(cols, axis=1)


def train_test_curve(x_tr, y_tr, x_te, y_te, degrees):
    tr, te = np.zeros(len(degrees)), np.zeros(len(degrees))
    for i, p in enumerate(degrees):
        A = poly_design(x_tr, p)
        theta = np.linalg.pinv(A) @ y_tr
        tr[i] = np.mean((A @ theta - y_tr) ** 2)
        te[i] = np.mean((poly_design(x_te, p) @ theta - y_te) ** 2)
    return tr, te
