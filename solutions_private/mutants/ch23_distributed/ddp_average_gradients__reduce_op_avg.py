"""dist.all_reduce(p.grad, op=ReduceOp.AVG): the plain mean of the ranks' gradients, not weighted by shard sizes."""


def average_gradients(model, n_local):
    for p in model.parameters():
        dist.all_reduce(p.grad, op=dist.ReduceOp.AVG)
