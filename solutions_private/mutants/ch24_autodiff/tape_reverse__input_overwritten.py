"""The gradient of an input assigned, not accumulated: when two input nodes read inputs[k], only one counts."""


def tape_eval_and_grad(nodes, inputs):
    inputs = np.asarray(inputs, dtype=np.float64)
    vals = _tape_values(nodes, inputs)
    N = len(nodes)
    adj = np.zeros(N)
    adj[-1] = 1.0
    grad = np.zeros(inputs.shape[0])
    for i in range(N - 1, -1, -1):
        op, par, c = nodes[i]
        if op == "input":
            grad[int(c)] = adj[i]
        for j, d in _local(op, par, c, vals, i):
            adj[j] += adj[i] * d
    return float(vals[-1]), grad
