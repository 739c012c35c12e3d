"""Mistakes counted with a strict inequality y f < 0: with α = 0, f = 0 is never a mistake and α stays 0."""


def kernel_perceptron(K, y, order, max_epochs=1000):
    alpha = np.zeros(K.shape[0], dtype=np.int64)
    for _ in range(max_epochs):
        clean = True
        for m in order:
            if y[m] * ((alpha * y) @ K[:, m]) < 0:
                alpha[m] += 1
                clean = False
        if clean:
            break
    return alpha
