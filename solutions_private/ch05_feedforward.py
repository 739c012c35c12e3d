"""Reference solutions for chapter 5 (feedforward networks). Instructors only.

``activate`` and ``mlp_forward`` are ``exercises/_provided/mlp.py``, included
when the reference is assembled (solutions.reference_source).
"""

from __future__ import annotations

import numpy as np


# activate and mlp_forward: the helpers that chapters 6, 8 and 12 give students, kept once
# mathdl-include: _provided/mlp.py


def count_params(layer_sizes: list[int]) -> int:
    return int(sum((d_in + 1) * d_out for d_in, d_out in zip(layer_sizes[:-1], layer_sizes[1:])))


def xor_network() -> tuple[list[np.ndarray], list[np.ndarray]]:
    # h_1 = relu(x_1 + x_2), h_2 = relu(x_1 + x_2 - 1), m = h_1 - 2 h_2
    W1 = np.array([[1.0, 1.0], [1.0, 1.0]])
    b1 = np.array([0.0, -1.0])
    W2 = np.array([[1.0], [-2.0]])
    b2 = np.array([0.0])
    return [W1, W2], [b1, b2]
