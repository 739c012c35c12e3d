"""The test MSE computed from a model refitted on the test set."""


def train_test_curve(x_tr, y_tr, x_te, y_te, degrees):
    train, test = [], []
    for p in degrees:
        theta = np.linalg.lstsq(poly_design(x_tr, p), y_tr, rcond=None)[0]
        train.append(np.mean((y_tr - poly_design(x_tr, p) @ theta) ** 2))
        theta_te = np.linalg.lstsq(poly_design(x_te, p), y_te, rcond=None)[0]
        test.append(np.mean((y_te - poly_design(x_te, p) @ theta_te) ** 2))
    return np.array(train), np.array(test)
