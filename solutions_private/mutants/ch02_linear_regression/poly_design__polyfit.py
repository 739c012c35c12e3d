"""np.polyfit for the fits: the same training MSE, but for p + 1 > M another interpolant than the minimum-norm one (polyfit rescales the columns)."""

import warnings


def train_test_curve(x_tr, y_tr, x_te, y_te, degrees):
    train, test = [], []
    for p in degrees:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            coef = np.polyfit(x_tr, y_tr, p)
        train.append(np.mean((y_tr - np.polyval(coef, x_tr)) ** 2))
        test.append(np.mean((y_te - np.polyval(coef, x_te)) ** 2))
    return np.array(train), np.array(test)
