"""softplus(a) = np.logaddexp(0, a); the minimax loss written E log(1 - D) = -mean softplus(f)."""


def gan_losses(d_real_logits, d_fake_logits):
    sp = lambda a: np.logaddexp(0.0, a)  # noqa: E731
    fake = sp(d_fake_logits)
    return float(sp(-d_real_logits).mean() + fake.mean()), float(sp(-d_fake_logits).mean()), float(-fake.mean())
