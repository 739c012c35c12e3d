"""The indices used as positions in the whole flattened X (the (n, c) plane offset forgotten): every gradient lands in image 0, channel 0."""


def maxpool_backward(dOut, argmax, X_shape):
    dX = np.zeros(int(np.prod(X_shape)))
    np.add.at(dX, argmax.ravel(), dOut.ravel())
    return dX.reshape(X_shape)
