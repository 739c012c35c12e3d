"""log(sigmoid(x)) computed literally: 1/(1 + exp(-x)) overflows for x = -800 and log(0) gives -inf."""


def gan_losses(d_real_logits, d_fake_logits):
    sig = lambda a: 1.0 / (1.0 + np.exp(-a))  # noqa: E731
    loss_d = -np.mean(np.log(sig(d_real_logits))) - np.mean(np.log(1.0 - sig(d_fake_logits)))
    loss_ns = -np.mean(np.log(sig(d_fake_logits)))
    loss_mm = np.mean(np.log(1.0 - sig(d_fake_logits)))
    return float(loss_d), float(loss_ns), float(loss_mm)
