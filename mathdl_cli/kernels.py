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

A draw (:class:`Draw`, at the end) is the same idea for a large random input
that the grader need not see, such as the noise of 2000 SGD chains: it crosses as
its recipe and seed, and the child draws the array itself, bit for bit the array
the grader would have drawn (the same numpy, the same PCG64 stream). It spares
the grader drawing it and both processes copying it through the pipe; the values
matter only through what the student's code returns, which the grader judges.

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


# -- draws: random inputs the child makes itself --------------------------------------

DRAW_BYTES = 1 << 30  # the largest array a draw may describe (the child's memory limit holds anyway)


class Draw:
    """An array made by a vetted recipe from ``numpy.random.default_rng(seed)``, where it
    is used: by the child for a call of student code (it crosses as its recipe, seed,
    shape and parameters), here by :meth:`values` (or ``np.asarray``) when the grader
    needs the numbers, bit for bit the same. The recipes are in RECIPES. Anything
    else that reads it as data (the reference, recordings, a plain function in the
    tests) gets the array: see :func:`concrete`."""

    __slots__ = ("recipe", "seed", "shape", "params", "_values")

    def __init__(self, recipe: str, seed: int, shape: tuple, **params: float) -> None:
        self.recipe, self.seed, self.shape = recipe, int(seed), tuple(int(n) for n in shape)
        self.params = {k: float(v) for k, v in params.items()}
        self._values = None
        _draw_spec(recipe, self.seed, list(self.shape), self.params)  # refused here, not in the child

    @property
    def nbytes(self) -> int:
        return math.prod(self.shape) * 8

    def values(self) -> np.ndarray:
        """The array (made once, then kept)."""
        if self._values is None:
            self._values = build_draw(*self.__mathdl_draw__())
        return self._values

    def __array__(self, dtype=None, copy=None):
        values = self.values()
        if dtype is not None and np.dtype(dtype) != values.dtype:
            return values.astype(dtype)
        return values.copy() if copy else values

    def __mathdl_draw__(self) -> tuple[str, int, list, dict]:
        """What crosses the wire: the recipe, the seed, the shape and the parameters."""
        return self.recipe, self.seed, list(self.shape), dict(self.params)

    def __repr__(self) -> str:
        return f"<{self.recipe} draw of shape {self.shape}>"


def _normal(rng: np.random.Generator, shape: tuple, scale: float, loc: float) -> np.ndarray:
    """loc + scale · N(0, 1) (scaled and shifted in place: no second array as large)"""
    x = rng.standard_normal(shape)
    if scale != 1.0:
        x *= scale
    if loc != 0.0:
        x += loc
    return x


def _sgd_chains(rng: np.random.Generator, shape: tuple, lam: float, a: float, power: float, sigma: float,
                theta_star: float, theta0: float) -> np.ndarray:
    """R chains of SGD on ½λ(θ - θ*)² with Gaussian gradient noise, shape (R, K+1):
    θ_{k+1} = θ_k - α_k (λ(θ_k - θ*) + ξ_k), α_k = a (k+1)^{-power}, ξ = σ·N(0, 1) of
    shape (R, K) drawn first, θ_0 the first column."""
    R, K = shape[0], shape[1] - 1
    alpha = a * (np.arange(K) + 1.0) ** -power
    xi = _normal(rng, (R, K), sigma, 0.0)
    out = np.empty(shape)
    theta = np.full(R, theta0)
    out[:, 0] = theta
    for k in range(K):
        theta = theta - alpha[k] * (lam * (theta - theta_star) + xi[:, k])
        out[:, k + 1] = theta
    return out


def _bernoulli(rng: np.random.Generator, shape: tuple, p: float) -> np.ndarray:
    """1.0 with probability p, else 0.0: (rng.random(shape) < p) as float64, one uniform
    per entry (made in place: no second float array as large)."""
    x = rng.random(shape)
    np.copyto(x, x < p)
    return x


# recipe: (its parameters, the number of dimensions of its shape or None for any, the maker)
RECIPES: dict[str, tuple[tuple[str, ...], int | None, Any]] = {
    "normal": (("scale", "loc"), None, _normal),
    "bernoulli": (("p",), None, _bernoulli),
    "sgd_chains": (("lam", "a", "power", "sigma", "theta_star", "theta0"), 2, _sgd_chains),
}


def normal(rng: np.random.Generator, shape: tuple, scale: float = 1.0, loc: float = 0.0) -> Draw:
    """``loc + scale * N(0, 1)`` of ``shape`` from a seed drawn from ``rng`` (one integer of
    its stream, not the array's worth)."""
    return Draw("normal", int(rng.integers(0, 2**63)), shape, scale=scale, loc=loc)


def bernoulli(rng: np.random.Generator, shape: tuple, p: float) -> Draw:
    """0/1 entries, 1 with probability ``p`` (dropout masks), from a seed drawn from ``rng``."""
    return Draw("bernoulli", int(rng.integers(0, 2**63)), shape, p=p)


def _draw_spec(recipe: Any, seed: Any, shape: Any, params: Any) -> None:
    """Refuse a malformed draw (ValueError)."""
    known = RECIPES.get(recipe) if isinstance(recipe, str) else None
    if known is None or not isinstance(params, dict) or set(params) != set(known[0]):
        raise ValueError(f"unknown draw {str(recipe)[:40]!r}")
    if type(seed) is not int or not 0 <= seed < 2**64:
        raise ValueError("malformed draw seed")
    if not isinstance(shape, list) or len(shape) > 32 or not all(type(n) is int and n >= 0 for n in shape):
        raise ValueError("malformed draw shape")
    if known[1] is not None and (len(shape) != known[1] or shape[-1] < 1):
        raise ValueError(f"a {recipe} draw has {known[1]} dimensions, the last at least 1")
    if math.prod(shape) * 8 > DRAW_BYTES:
        raise ValueError("draw too large")
    if not all(type(v) is float and math.isfinite(v) for v in params.values()):
        raise ValueError("malformed draw parameters")


def build_draw(recipe: Any, seed: Any, shape: Any, params: Any) -> np.ndarray:
    """The array a draw describes (both sides: the child for student code, the grader
    for :meth:`Draw.values`); ValueError when the description is malformed."""
    _draw_spec(recipe, seed, shape, params)
    names, _, make = RECIPES[recipe]
    return make(np.random.default_rng(seed), tuple(shape), *(params[k] for k in names))


def concrete(value: Any) -> Any:
    """``value`` with every draw in it (in lists, tuples and dicts) replaced by its array:
    what a function called in this process gets (the reference, a module standing in
    for the student). A container without a draw is returned as it is (its own type)."""
    if isinstance(value, Draw):
        return value.values()
    if isinstance(value, (list, tuple)):
        items = [concrete(v) for v in value]
        if all(a is b for a, b in zip(items, value)):
            return value
        return items if isinstance(value, list) else tuple(items)
    if isinstance(value, dict):
        items = {k: concrete(v) for k, v in value.items()}
        return value if all(items[k] is v for k, v in value.items()) else items
    return value
