"""Functions of data that graders hand to student code, evaluated in the child.

A grader that passes one of its own functions to the student's code (the f of
a finite-difference check, a model's gradient for integrated gradients, the f
of a Monte Carlo estimator) pays a round trip to the grader for every call the
student's code makes. A kernel is one of the vetted functions below plus plain
data (its parameters): it crosses the wire as its name, its parameters and its
options, and the child rebuilds it from its own copy of this module, so the
student's calls to it cost no message. No code crosses, only data.

What the student's code can do to a kernel in its process (replace it, change
its parameters) reaches only the values the student's code itself receives: the
grader keeps its own kernel and compares what the student returns with values
it computes itself. A kernel is only for functions whose calls the grader need
not see: a check that inspects where f was evaluated keeps a callback.

Each kernel computes exactly what the grader's function did before (the same
numpy expressions). The child wraps every kernel so that it behaves like a
callback: arguments and result are normalised as if they had crossed the wire,
and an error reaches the student's code as ``RuntimeError: grader callback
failed: <type>: <message>``.

This module imports only numpy: the child runtime loads it from a copy in its
sandbox, without the rest of mathdl.
"""

from __future__ import annotations

from typing import Any

import numpy as np


class Kernel:
    """A vetted function of ``params`` (arrays and numbers). Options:

    * ``shape``: the input is converted to a float64 array that must have this
      shape (else ValueError: "f expects an array of shape ... (note), got ...");
    * ``note``: the words in parentheses after the expected shape;
    * ``scalar``: the value is returned as a Python float.
    """

    name = ""
    arity = 0  # the number of parameters

    def __init__(self, *params: Any, shape: tuple | None = None, note: str = "", scalar: bool = False):
        if len(params) != self.arity:
            raise ValueError(f"kernel {self.name} takes {self.arity} parameters, got {len(params)}")
        self.params = tuple(np.array(p, dtype=np.float64) if isinstance(p, np.ndarray) else p for p in params)
        self.shape = None if shape is None else tuple(int(n) for n in shape)
        self.note = str(note)
        self.scalar = bool(scalar)

    def with_input(self, shape: tuple, note: str = "", scalar: bool = True) -> Kernel:
        """The same function, checking the shape of its input and returning a float."""
        return type(self)(*self.params, shape=shape, note=note, scalar=scalar)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.shape is not None and args:
            x = np.asarray(args[0], dtype=np.float64)
            if x.shape != self.shape:
                note = f" ({self.note})" if self.note else ""
                raise ValueError(f"f expects an array of shape {self.shape}{note}, got shape {x.shape}")
            args = (x, *args[1:])
        value = self.evaluate(*args, **kwargs)
        return float(value) if self.scalar else value

    def evaluate(self, *args: Any, **kwargs: Any) -> Any:  # pragma: no cover - every kernel defines it
        raise NotImplementedError

    def __mathdl_kernel__(self) -> tuple[str, list, dict]:
        """What crosses the wire: the name, the parameters and the options."""
        return self.name, list(self.params), {"shape": None if self.shape is None else list(self.shape), "note": self.note, "scalar": self.scalar}

    def __repr__(self) -> str:
        return f"<grader function {self.name}>"


# -- scalar functions of a flattened θ (chapter 6: numerical gradients) -------------


class LogSumExp(Kernel):
    """f(x) = log Σ_i e^{x_i}, computed stably."""

    name = "logsumexp"

    def evaluate(self, x):
        v = x.reshape(-1)
        c = v.max()
        return float(c + np.log(np.exp(v - c).sum()))


class Rosenbrock(Kernel):
    """f(x) = Σ_i 100 (x_{i+1} - x_i²)² + (1 - x_i)²."""

    name = "rosenbrock"

    def evaluate(self, x):
        v = x.reshape(-1)
        return float(np.sum(100.0 * (v[1:] - v[:-1] ** 2) ** 2 + (1.0 - v[:-1]) ** 2))


class QuadraticForm(Kernel):
    """f(x) = ½ xᵀAx + b·x."""

    name = "quadratic_form"
    arity = 2

    def evaluate(self, x):
        A, b = self.params
        return 0.5 * x @ A @ x + b @ x


class Cubic(Kernel):
    """f(θ) = ½ vᵀAv + b·v + Σ c_i v_i³ with v = θ flattened."""

    name = "cubic"
    arity = 3

    def evaluate(self, x):
        A, b, c = self.params
        v = x.reshape(-1)
        return 0.5 * v @ A @ v + b @ v + c @ v**3


# -- models of z (chapter 12: gradients and predictions) ---------------------------


class Affine(Kernel):
    """z ↦ z A + b (a linear model's predictions, or a quadratic's gradient)."""

    name = "affine"
    arity = 2

    def evaluate(self, z):
        A, b = self.params
        return np.asarray(z, dtype=np.float64) @ A + b


class Constant(Kernel):
    """z ↦ w broadcast to the shape of z (the gradient of z ↦ w·z)."""

    name = "constant"
    arity = 1

    def evaluate(self, z):
        (w,) = self.params
        return np.broadcast_to(w, np.shape(z)).copy()


class TanhRidge(Kernel):
    """m(z) = Σ_j c_j tanh(a_j·z + b_j) + ½ q ‖z‖² (rows a_j of A), or its gradient in z."""

    name = "tanh_ridge"
    arity = 5  # A, b, c, q, and 0 for the value or 1 for the gradient

    def evaluate(self, z):
        A, b, c, q, order = self.params
        z = np.asarray(z, dtype=np.float64)
        if order == 0:
            return np.tanh(z @ A.T + b) @ c + 0.5 * q * np.sum(z * z, axis=-1)
        s = 1.0 - np.tanh(z @ A.T + b) ** 2
        return (s * c) @ A + q * z


class ExpRidge(Kernel):
    """m(z) = exp(v·z), or its gradient exp(v·z) v."""

    name = "exp_ridge"
    arity = 2  # v, and 0 for the value or 1 for the gradient

    def evaluate(self, z):
        v, order = self.params
        z = np.asarray(z, dtype=np.float64)
        if order == 0:
            return np.exp(z @ v)
        return np.exp(z @ v)[..., None] * v


class TanhInteraction(Kernel):
    """m(Z) = tanh(Z A) c + q Z_i Z_j, row by row (a model with one interaction)."""

    name = "tanh_interaction"
    arity = 5  # A, c, q, i, j

    def evaluate(self, Z):
        A, c, q, i, j = self.params
        Z = np.asarray(Z, dtype=np.float64)
        return np.tanh(Z @ A) @ c + q * Z[:, i] * Z[:, j]


# -- elementwise functions (chapter 15: Monte Carlo gradient estimators) ------------

_ELEMENTWISE = {
    "z": lambda z: np.array(z, dtype=np.float64),
    "1": lambda z: np.ones_like(z),
    "z^2": lambda z: z * z,
    "2z": lambda z: 2.0 * z,
    "z^3": lambda z: z**3,
    "3z^2": lambda z: 3.0 * z**2,
    "sin": np.sin,
    "cos": np.cos,
}


class Elementwise(Kernel):
    """One of a few elementwise functions of z, by its formula: z, 1, z^2, 2z, z^3, 3z^2, sin, cos."""

    name = "elementwise"
    arity = 1

    def __init__(self, *params: Any, **options: Any):
        super().__init__(*params, **options)
        if self.params[0] not in _ELEMENTWISE:
            raise ValueError(f"unknown elementwise function {self.params[0]!r}")

    def evaluate(self, z):
        return _ELEMENTWISE[self.params[0]](z)


KERNELS: dict[str, type[Kernel]] = {
    k.name: k for k in (LogSumExp, Rosenbrock, QuadraticForm, Cubic, Affine, Constant, TanhRidge, ExpRidge, TanhInteraction, Elementwise)
}


def build(name: Any, params: Any, options: Any) -> Kernel:
    """The kernel a message describes (child side); ValueError when it names none
    or its parameters or options are malformed."""
    kind = KERNELS.get(name) if isinstance(name, str) else None
    if kind is None:
        raise ValueError(f"unknown grader function {str(name)[:40]!r}")
    if not isinstance(params, list) or not isinstance(options, dict) or set(options) != {"shape", "note", "scalar"}:
        raise ValueError("malformed grader function")
    for p in params:
        if not (isinstance(p, (np.ndarray, float, int, str)) and not isinstance(p, bool)):
            raise ValueError("malformed grader function parameters")
    shape, note, scalar = options["shape"], options["note"], options["scalar"]
    if shape is not None and not (isinstance(shape, list) and all(type(n) is int and n >= 0 for n in shape)):
        raise ValueError("malformed grader function shape")
    if not isinstance(note, str) or not isinstance(scalar, bool):
        raise ValueError("malformed grader function options")
    return kind(*params, shape=shape, note=note, scalar=scalar)
