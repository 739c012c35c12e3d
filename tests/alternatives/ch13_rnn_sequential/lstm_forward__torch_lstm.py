"""torch.nn.LSTM in float64 with the given weights loaded (torch's gate layout is i, f, g, o)."""


def lstm_forward(X, h0, c0, W_ih, W_hh, b_ih, b_hh):
    import torch

    D, n = X.shape[2], h0.shape[1]
    lstm = torch.nn.LSTM(D, n, dtype=torch.float64)
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(torch.from_numpy(W_ih))
        lstm.weight_hh_l0.copy_(torch.from_numpy(W_hh))
        lstm.bias_ih_l0.copy_(torch.from_numpy(b_ih))
        lstm.bias_hh_l0.copy_(torch.from_numpy(b_hh))
        out, (hT, cT) = lstm(torch.from_numpy(X), (torch.from_numpy(h0)[None], torch.from_numpy(c0)[None]))
    return out.numpy().copy(), hT[0].numpy().copy(), cT[0].numpy().copy()
