"""One row of A at a time: squared norms of the differences by np.einsum, inner products by B @ a; poly by repeated multiplication."""


def kernel_matrix(A, B, kind, bandwidth=1.0, degree=2, c=1.0):
    rows = []
    for a in A:
        if kind == "rbf":
            diff = B - a
            rows.append(np.exp(-np.einsum("ij,ij->i", diff, diff) / (2.0 * bandwidth * bandwidth)))
        elif kind == "linear":
            rows.append(B @ a)
        elif kind == "poly":
            base = B @ a + c
            out = np.ones_like(base)
            for _ in range(int(degree)):
                out = out * base
            rows.append(out)
        else:
            raise ValueError(kind)
    return np.array(rows, dtype=np.float64).reshape(A.shape[0], B.shape[0])
