"""L_D as ONE mean over the concatenated real and fake terms instead of the sum of the two means."""


def gan_losses(d_real_logits, d_fake_logits):
    sp = lambda a: np.logaddexp(0.0, a)  # noqa: E731
    loss_d = np.mean(np.concatenate([sp(-d_real_logits), sp(d_fake_logits)]))
    return float(loss_d), float(np.mean(sp(-d_fake_logits))), float(-np.mean(sp(d_fake_logits)))
