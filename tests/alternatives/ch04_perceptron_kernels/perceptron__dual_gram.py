"""The mistake test in dual form: w̃·x̃_m = Σ_j α_j y_j x̃_j·x̃_m from the Gram matrix of the augmented points; w̃ = X̃ᵀ(α ⊙ y) formed once at the end."""


def perceptron(X, y, order, max_epochs=1000):
    M = X.shape[0]
    Xt = np.hstack([X, np.ones((M, 1))])
    G = Xt @ Xt.T
    alpha = np.zeros(M, dtype=np.int64)
    epochs = max_epochs
    for epoch in range(1, max_epochs + 1):
        mistakes = 0
        for m in order:
            if y[m] * float(G[m] @ (alpha * y)) <= 0:
                alpha[m] += 1
                mistakes += 1
        if mistakes == 0:
            epochs = epoch
            break
    return Xt.T @ (alpha * y).astype(np.float64), alpha, int(epochs)
