"""1/N in the fit but not in the prediction: predictions N times too large."""


def random_features_predict(x, c, w, b, act="relu"):
    return _features(x, w, b, act) * len(w) @ c
