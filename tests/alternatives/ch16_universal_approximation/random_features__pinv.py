"""The fit with np.linalg.pinv and features built with broadcasting; the prediction with einsum."""


def _phi(x, w, b, act):
    z = np.asarray(x, dtype=np.float64)[:, None] * w[None, :] + b[None, :]
    if act == "relu":
        return np.where(z > 0, z, 0.0) / w.size
    if act == "tanh":
        return np.tanh(z) / w.size
    raise ValueError("act must be 'relu' or 'tanh'")


def random_features_fit(x, y, w, b, act="relu"):
    return np.linalg.pinv(_phi(x, w, b, act)) @ y


def random_features_predict(x, c, w, b, act="relu"):
    return np.einsum("mi,i->m", _phi(x, w, b, act), c)
