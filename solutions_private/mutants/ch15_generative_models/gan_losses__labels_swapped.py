"""Real and fake labels swapped in the discriminator loss: mean softplus(r) + mean softplus(-f)."""


def gan_losses(d_real_logits, d_fake_logits):
    sp = lambda a: np.logaddexp(0.0, a)  # noqa: E731
    return float(np.mean(sp(d_real_logits)) + np.mean(sp(-d_fake_logits))), float(np.mean(sp(-d_fake_logits))), float(-np.mean(sp(d_fake_logits)))
