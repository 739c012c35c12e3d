"""f(x_m) = Σ_j α_j y_j K[j, m] summed over the nonzero α only, in a Python loop; predictions with np.sign and ties mapped to -1."""


def kernel_perceptron(K, y, order, max_epochs=1000):
    alpha = [0] * K.shape[0]
    for _ in range(max_epochs):
        clean = True
        for m in order:
            f = 0.0
            for j, a in enumerate(alpha):
                if a:
                    f += a * y[j] * K[j, m]
            if y[m] * f <= 0:
                alpha[m] += 1
                clean = False
        if clean:
            break
    return np.array(alpha, dtype=np.int64)


def kernel_perceptron_predict(alpha, y, K_test_train):
    s = np.sign(np.einsum("tj,j->t", K_test_train, (alpha * y).astype(np.float64)))
    s[s == 0] = -1
    return s.astype(np.int64)
