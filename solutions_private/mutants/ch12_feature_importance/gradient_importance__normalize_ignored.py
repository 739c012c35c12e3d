"""The normalize flag ignored: the importances are always divided by their sum."""

_reference_gradient_importance = gradient_importance


def gradient_importance(X, Ws, bs, activation="tanh", output_index=0, normalize=True):
    return _reference_gradient_importance(X, Ws, bs, activation, output_index, True)
