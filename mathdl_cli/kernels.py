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

import math
from typing import Any

import numpy as np


class Kernel:
    """A vetted function of ``params`` (arrays and numbers). Options:

    * ``shape``: argument number ``arg`` is converted to a float64 array that
      must have this shape, else ValueError with the text ``refusal`` (a format
      string of ``{shape}`` and ``{got}``; by default "f expects an array of
      shape {shape}, got shape {got}");
    * ``scalar``: the value is returned as a Python float.
    """

    name = ""
    arity = 0  # the number of parameters

    def __init__(self, *params: Any, shape: tuple | None = None, refusal: str = "", arg: int = 0, scalar: bool = False):
        if len(params) != self.arity:
            raise ValueError(f"kernel {self.name} takes {self.arity} parameters, got {len(params)}")
        self.params = tuple(np.array(p, dtype=np.float64) if isinstance(p, np.ndarray) else p for p in params)
        self.shape = None if shape is None else tuple(int(n) for n in shape)
        self.refusal = str(refusal) or "f expects an array of shape {shape}, got shape {got}"
        self.arg = int(arg)
        self.scalar = bool(scalar)

    def with_input(self, shape: tuple, refusal: str = "", arg: int = 0, scalar: bool = False) -> Kernel:
        """The same function, refusing an argument ``arg`` of another shape (and
        returning a float if ``scalar``)."""
        return type(self)(*self.params, shape=shape, refusal=refusal, arg=arg, scalar=scalar)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.shape is not None and len(args) > self.arg:
            x = np.asarray(args[self.arg], dtype=np.float64)
            if x.shape != self.shape:
                raise ValueError(self.refusal.format(shape=self.shape, got=x.shape))
            args = (*args[: self.arg], x, *args[self.arg + 1 :])
        value = self.evaluate(*args, **kwargs)
        return float(value) if self.scalar else value

    def evaluate(self, *args: Any, **kwargs: Any) -> Any:  # pragma: no cover - every kernel defines it
        raise NotImplementedError

    def __mathdl_kernel__(self) -> tuple[str, list, dict]:
        """What crosses the wire: the name, the parameters and the options."""
        shape = None if self.shape is None else list(self.shape)
        return self.name, list(self.params), {"shape": shape, "refusal": self.refusal, "arg": self.arg, "scalar": self.scalar}

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


# -- vector fields (chapter 22: ODE solvers and the flow's Jacobian) ------------------


class TanhField(Kernel):
    """f(t, X) = tanh(X Wᵀ + b) + sin(ω t) c, row by row."""

    name = "tanh_field"
    arity = 4  # W, b, c, ω

    def evaluate(self, t, X):
        W, b, c, omega = self.params
        return np.tanh(X @ W.T + b) + math.sin(omega * float(t)) * c


class LinearField(Kernel):
    """f(t, X) = X Aᵀ (ẋ = Ax, row by row)."""

    name = "linear_field"
    arity = 1

    def evaluate(self, t, X):
        (A,) = self.params
        return X @ A.T


class TanhFieldJacobian(Kernel):
    """field(X) = (f(X), ∂f/∂x(X)) row by row, for f(x) = tanh(Wx + b)."""

    name = "tanh_field_jacobian"
    arity = 2  # W, b

    def evaluate(self, X):
        W, b = self.params
        F = np.tanh(X @ W.T + b)
        return F, (1.0 - F**2)[:, :, None] * W[None, :, :]


class LinearFieldJacobian(Kernel):
    """field(X) = (X Aᵀ, A for every row): f(x) = Ax and its Jacobian."""

    name = "linear_field_jacobian"
    arity = 1  # A

    def evaluate(self, X):
        (A,) = self.params
        return X @ A.T, np.broadcast_to(A, (X.shape[0], *A.shape)).copy()


# -- policies (chapter 21: exit times) -------------------------------------------------


class ConstantRows(Kernel):
    """λ(R) = clip(α, -1, 1): row j of the states always accelerates with α_j."""

    name = "constant_rows"
    arity = 1

    def evaluate(self, R):
        (alphas,) = self.params
        return np.clip(alphas, -1.0, 1.0)


class Feedback(Kernel):
    """λ(q, v) = clip(-k_v (v - v_ref) - k_q (q - q_ref), -1, 1), row by row of R = [q, v]."""

    name = "feedback"
    arity = 4  # k_v, v_ref, k_q, q_ref

    def evaluate(self, R):
        k_v, v_ref, k_q, q_ref = self.params
        R = np.asarray(R, dtype=np.float64)
        return np.clip(np.asarray(-k_v * (R[:, 1] - v_ref) - k_q * (R[:, 0] - q_ref), dtype=np.float64), -1.0, 1.0)


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
    k.name: k
    for k in (
        LogSumExp, Rosenbrock, QuadraticForm, Cubic, Affine, Constant, TanhRidge, ExpRidge, TanhInteraction,
        TanhField, LinearField, TanhFieldJacobian, LinearFieldJacobian, ConstantRows, Feedback, Elementwise,
    )
}


def build(name: Any, params: Any, options: Any) -> Kernel:
    """The kernel a message describes (child side); ValueError when it names none
    or its parameters or options are malformed."""
    kind = KERNELS.get(name) if isinstance(name, str) else None
    if kind is None:
        raise ValueError(f"unknown grader function {str(name)[:40]!r}")
    if not isinstance(params, list) or not isinstance(options, dict) or set(options) != {"shape", "refusal", "arg", "scalar"}:
        raise ValueError("malformed grader function")
    for p in params:
        if not (isinstance(p, (np.ndarray, float, int, str)) and not isinstance(p, bool)):
            raise ValueError("malformed grader function parameters")
    shape, refusal, arg, scalar = options["shape"], options["refusal"], options["arg"], options["scalar"]
    if shape is not None and not (isinstance(shape, list) and all(type(n) is int and n >= 0 for n in shape)):
        raise ValueError("malformed grader function shape")
    if not isinstance(refusal, str) or type(arg) is not int or not 0 <= arg < 8 or not isinstance(scalar, bool):
        raise ValueError("malformed grader function options")
    return kind(*params, shape=shape, refusal=refusal, arg=arg, scalar=scalar)
