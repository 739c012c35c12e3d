"""The minimax generator loss with the wrong sign: +mean softplus(f) (= -E log(1 - D(G(z))))."""


def gan_losses(d_real_logits, d_fake_logits):
    sp = lambda a: np.logaddexp(0.0, a)  # noqa: E731
    return float(np.mean(sp(-d_real_logits)) + np.mean(sp(d_fake_logits))), float(np.mean(sp(-d_fake_logits))), float(np.mean(sp(d_fake_logits)))
