"""relative_error divided by max(‖a‖, ‖b‖) instead of ‖a‖ + ‖b‖ (2, not 1, for b = -a)."""


def relative_error(a, b):
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a), np.linalg.norm(b), 1e-300))
