"""A correct but asymmetric construction written in nn.Linear's (out, in) layout: W¹ transposed."""


def xor_network():
    # in the book's layout W1 = [[2, -1], [-2, 1]]: h_1 = relu(2x_1 - 2x_2), h_2 = relu(x_2 - x_1), m = h_1/2 + h_2
    W1_out_in = np.array([[2.0, -2.0], [-1.0, 1.0]])
    return [W1_out_in, np.array([[0.5], [1.0]])], [np.zeros(2), np.zeros(1)]
