"""Right values, but np.where evaluates both branches: exp(800) overflows (warnings under np.errstate)."""


def gan_losses(d_real_logits, d_fake_logits):
    def sp(a):
        return np.where(a > 0, a + np.log1p(np.exp(-a)), np.log1p(np.exp(a)))

    return float(np.mean(sp(-d_real_logits)) + np.mean(sp(d_fake_logits))), float(np.mean(sp(-d_fake_logits))), float(-np.mean(sp(d_fake_logits)))
