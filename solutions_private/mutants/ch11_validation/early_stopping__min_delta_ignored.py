"""min_delta ignored: any strict decrease counts as an improvement."""


def early_stopping(val_losses, patience, min_delta=0.0):
    best, best_epoch, waited = val_losses[0], 0, 0
    for t in range(1, len(val_losses)):
        if val_losses[t] < best:
            best, best_epoch, waited = val_losses[t], t, 0
        else:
            waited += 1
            if waited >= patience:
                return best_epoch, t
    return best_epoch, len(val_losses) - 1
