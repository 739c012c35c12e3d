"""softplus(a) = max(a, 0) + log1p(exp(-|a|)), and L_G non-saturating from the identity softplus(-a) = softplus(a) - a."""


def gan_losses(d_real_logits, d_fake_logits):
    def softplus(a):
        return np.maximum(a, 0.0) + np.log1p(np.exp(-np.abs(a)))

    sp_f = softplus(d_fake_logits)
    loss_d = np.mean(softplus(-d_real_logits)) + np.mean(sp_f)
    loss_ns = np.mean(sp_f - d_fake_logits)
    return float(loss_d), float(loss_ns), float(-np.mean(sp_f))
