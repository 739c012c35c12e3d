"""The mean of shard means: all-reduce the local gradients and divide by the world size (right only for equal shards)."""


def average_gradients(model, n_local):
    for p in model.parameters():
        dist.all_reduce(p.grad)
        p.grad /= dist.get_world_size()
