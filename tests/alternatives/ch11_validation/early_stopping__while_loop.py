"""A while loop with the counter written as the distance to the last improvement (t - best_epoch)."""


def early_stopping(val_losses, patience, min_delta=0.0):
    T = len(val_losses)
    best, best_epoch, t = float(val_losses[0]), 0, 1
    while t < T:
        loss = float(val_losses[t])
        if loss < best - min_delta:
            best, best_epoch = loss, t
        elif t - best_epoch >= patience:
            return int(best_epoch), int(t)
        t += 1
    return int(best_epoch), int(T - 1)
