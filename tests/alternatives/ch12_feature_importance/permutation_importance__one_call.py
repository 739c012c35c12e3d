"""All d·R shuffled copies stacked into ONE call of predict (with the original data first), losses from reshaped residuals."""


def permutation_importance(predict, X, y, perms):
    M, d = X.shape
    R = perms.shape[1]
    copies = [X]
    for i in range(d):
        for r in range(R):
            Xp = X.copy()
            Xp[:, i] = X[perms[i, r], i]
            copies.append(Xp)
    pred = np.asarray(predict(np.concatenate(copies)), dtype=np.float64).reshape(1 + d * R, M)
    losses = 0.5 * np.mean((y[None, :] - pred) ** 2, axis=1)
    return (losses[1:].reshape(d, R) - losses[0]).mean(axis=1)
