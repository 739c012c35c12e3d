"""The epochs replayed by a generator of (epoch, improved) events, consumed until the patience runs out."""


def early_stopping(val_losses, patience, min_delta=0.0):
    state = {"best": val_losses[0], "epoch": 0}

    def events():
        for t in range(1, len(val_losses)):
            improved = bool(val_losses[t] < state["best"] - min_delta)
            if improved:
                state["best"], state["epoch"] = val_losses[t], t
            yield t, improved

    waited = 0
    for t, improved in events():
        waited = 0 if improved else waited + 1
        if not improved and waited >= patience:
            return state["epoch"], t
    return state["epoch"], len(val_losses) - 1
