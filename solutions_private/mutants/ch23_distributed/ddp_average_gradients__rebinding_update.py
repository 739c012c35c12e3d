"""The update p = p - lr * p.grad only rebinds the loop variable: the model's parameters never change."""


def ddp_sgd_step(model, loss_fn, x_shard, y_shard, lr):
    model.zero_grad()
    loss_fn(model(x_shard), y_shard).backward()
    average_gradients(model, x_shard.shape[0])
    with torch.no_grad():
        for p in model.parameters():
            p = p - lr * p.grad  # noqa: F841 - the bug
