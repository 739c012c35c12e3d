"""The predictions are made with the initial parameters instead of the trained ones."""

_reference_train = train_wide_net


def train_wide_net(c0, W0, X, y, lr, n_steps, X_test, act="relu"):
    c, W, _ = _reference_train(c0, W0, X, y, lr, n_steps, X_test, act)
    return c, W, two_layer(c0, W0, X_test, act, 0.5)
