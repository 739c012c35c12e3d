"""Design by broadcasting x[:, None] ** arange; fits by a thin SVD with a relative cut-off (minimum norm), residuals by explicit sums."""


def poly_design(x, degree):
    return np.asarray(x, dtype=float)[:, None] ** np.arange(degree + 1)


def train_test_curve(x_tr, y_tr, x_te, y_te, degrees):
    train, test = [], []
    for p in degrees:
        A = poly_design(x_tr, p)
        U, s, Vt = np.linalg.svd(A, full_matrices=False)
        keep = s > max(A.shape) * np.finfo(float).eps * s[0]
        theta = Vt[keep].T @ ((U[:, keep].T @ y_tr) / s[keep])
        r_tr = y_tr - A @ theta
        r_te = y_te - poly_design(x_te, p) @ theta
        train.append(float(np.sum(r_tr * r_tr)) / len(y_tr))
        test.append(float(np.sum(r_te * r_te)) / len(y_te))
    return np.array(train), np.array(test)
