"""best_epoch from np.argmin over the whole curve, looking past the stop epoch."""

_reference_early_stopping = early_stopping


def early_stopping(val_losses, patience, min_delta=0.0):
    _, stop = _reference_early_stopping(val_losses, patience, min_delta)
    return int(np.argmin(val_losses)), stop
