"""No zero_grad before backward: gradients (already averaged) accumulate from step to step."""


def ddp_sgd_step(model, loss_fn, x_shard, y_shard, lr):
    loss_fn(model(x_shard), y_shard).backward()
    average_gradients(model, x_shard.shape[0])
    with torch.no_grad():
        for p in model.parameters():
            p -= lr * p.grad
