"""An extra factor N in the step (the mean-field learning-rate convention applied to Xavier scaling)."""

_reference_train = train_wide_net


def train_wide_net(c0, W0, X, y, lr, n_steps, X_test, act="relu"):
    return _reference_train(c0, W0, X, y, lr * c0.shape[0], n_steps, X_test, act)
