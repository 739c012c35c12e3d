"""Compare a student's result with the expected one, step by step.

The ladder, stopping at the first problem: structure (tuple arity, list length,
dict keys) -> type of each leaf -> shape -> dtype -> finiteness -> values with
``|got - want| <= atol + rtol * |want|`` in float64. Shapes are compared before
anything is computed, so nothing ever broadcasts. Every problem is returned as
a diagnostic dict (the fields of the ``--json`` schema) that :func:`describe`
turns into the message a student reads.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from .ratio import constant_ratio, ratio_line

from ..catalog import Tol

FIRST_K = 5


def _index(flat: int, shape: tuple[int, ...]) -> list[int]:
    return [int(i) for i in np.unravel_index(flat, shape)] if shape else []


def _kind(x: Any) -> str:
    if isinstance(x, np.ndarray):
        return f"array of shape {tuple(x.shape)} and dtype {x.dtype}"
    if isinstance(x, bool):
        return "bool"
    if isinstance(x, numbers.Integral):
        return "int"
    if isinstance(x, numbers.Real):
        return "float"
    if isinstance(x, (tuple, list)):
        return f"{type(x).__name__} of length {len(x)}"
    if isinstance(x, dict):
        return f"dict with keys {sorted(x)}"
    return type(x).__name__


def _name(names: Any, path: list, default: str) -> str:
    """Quantity name for a path into the result, from the metadata's ``returns``.

    With several names, the first path element picks one (a tuple result); with
    one name, it names the whole result. ``{k}`` in a name is replaced by the
    next list index, counted from 1 (``dL/dW^{k}`` -> ``dL/dW^2``).
    """
    if not names:
        return default
    names = (names,) if isinstance(names, str) else tuple(names)
    if len(names) > 1:
        if not path or not isinstance(path[0], int) or path[0] >= len(names):
            return default
        base, rest = names[path[0]], list(path[1:])
    else:
        base, rest = names[0], list(path)
    if rest and isinstance(rest[0], int) and "{k}" in base:
        base, rest = base.replace("{k}", str(rest[0] + 1)), rest[1:]
    return base + _path_text(rest)


def _path_text(path: list) -> str:
    return "".join(f"[{p!r}]" if isinstance(p, str) else f"[{p}]" for p in path)


def compare(got: Any, want: Any, tol: Tol | None, *, names: Any = None, public: bool = True) -> dict | None:
    """Return None when ``got`` matches ``want``, else the first diagnostic.

    ``tol=None`` checks everything but the values (structure, types, shapes,
    dtypes, finiteness).
    """
    return _walk(got, want, tol, [], names, public)


def _walk(got: Any, want: Any, tol: Tol | None, path: list, names: Any, public: bool) -> dict | None:
    where = _path_text(path)
    qty = _name(names, path, f"the result{where}")
    base = {"quantity": qty, "path": where or "(whole result)"}
    if isinstance(want, (tuple, list)):
        if not isinstance(got, (tuple, list)):
            return {**base, "kind": "type", "expected": f"{type(want).__name__} of length {len(want)}", "got": _kind(got)}
        if len(got) != len(want):
            return {**base, "kind": "structure", "expected": f"{type(want).__name__} of length {len(want)}", "got": _kind(got)}
        for i, (g, w) in enumerate(zip(got, want)):
            diag = _walk(g, w, tol, path + [i], names, public)
            if diag:
                return diag
        return None
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return {**base, "kind": "type", "expected": f"dict with keys {sorted(want)}", "got": _kind(got)}
        missing = sorted(set(want) - set(got))
        extra = sorted(set(got) - set(want))
        if missing or extra:
            return {**base, "kind": "structure", "missing_keys": missing, "extra_keys": extra, "expected": f"dict with keys {sorted(want)}", "got": _kind(got)}
        for key in want:
            diag = _walk(got[key], want[key], tol, path + [key], names, public)
            if diag:
                return diag
        return None
    if isinstance(want, np.ndarray):
        return _compare_array(got, want, tol, base, public)
    if isinstance(want, bool) or want is None or isinstance(want, str):
        if type(got) is not type(want) or (tol is not None and got != want):
            return {**base, "kind": "value", "expected": repr(want) if public else "(hidden)", "got": repr(got)[:200] if public else _kind(got)}
        return None
    if isinstance(want, numbers.Integral):
        if not isinstance(got, numbers.Integral) or isinstance(got, bool):
            return {**base, "kind": "type", "expected": "int", "got": _kind(got)}
        if tol is not None and int(got) != int(want):
            return {**base, "kind": "value", "expected": int(want) if public else "(hidden)", "got": int(got)}
        return None
    if isinstance(want, numbers.Real):
        if isinstance(got, np.ndarray) and got.shape == () and got.dtype.kind in "fiu":
            got = float(got)
        if isinstance(got, bool) or not isinstance(got, numbers.Real):
            return {**base, "kind": "type", "expected": "a float (a scalar, not an array)", "got": _kind(got)}
        return _compare_array(np.float64(got), np.float64(want), tol, base, public, scalar=True)
    raise TypeError(f"cannot compare against expected value of type {type(want).__name__}")


def _compare_array(got: Any, want: np.ndarray, tol: Tol | None, base: dict, public: bool, scalar: bool = False) -> dict | None:
    if not scalar:
        if not isinstance(got, np.ndarray):
            return {**base, "kind": "type", "expected": f"array of shape {tuple(want.shape)}", "got": _kind(got)}
        if got.shape != want.shape:
            return {**base, "kind": "shape", "expected_shape": list(want.shape), "got_shape": list(got.shape)}
        if want.dtype.kind == "f" and got.dtype != np.float64:
            return {**base, "kind": "dtype", "expected_dtype": "float64", "got_dtype": str(got.dtype)}
        if want.dtype.kind in "iu" and got.dtype.kind not in "iu":
            return {**base, "kind": "dtype", "expected_dtype": "an integer dtype (int64)", "got_dtype": str(got.dtype)}
        if want.dtype.kind == "b" and got.dtype.kind != "b":
            return {**base, "kind": "dtype", "expected_dtype": "bool", "got_dtype": str(got.dtype)}
        if want.dtype.kind == "c" and got.dtype.kind not in "fc":
            return {**base, "kind": "dtype", "expected_dtype": "complex128", "got_dtype": str(got.dtype)}
    g = np.asarray(got, dtype=np.complex128 if want.dtype.kind == "c" else np.float64)
    w = np.asarray(want, dtype=np.complex128 if want.dtype.kind == "c" else np.float64)
    # fast paths for the common outcome, a match (NaN compares False and takes the long way)
    with np.errstate(all="ignore"):
        if tol is None:
            if np.isfinite(g).all():
                return None
        elif want.dtype.kind not in "iub" or scalar:
            if (np.abs(g - w) <= tol.atol + tol.rtol * np.abs(w)).all():
                return None
        elif np.array_equal(g, w):
            return None
    shape = tuple(w.shape)
    n_total = int(w.size)
    g_bad = ~np.isfinite(g)
    w_bad = ~np.isfinite(w)
    if np.any(g_bad & ~w_bad):
        idx = int(np.flatnonzero(g_bad & ~w_bad)[0])
        n_nan = int(np.isnan(g).sum())
        n_inf = int(np.isinf(g).sum())
        return {**base, "kind": "nan", "n_nan": n_nan, "n_inf": n_inf, "first_index": _index(idx, shape), "n_total": n_total}
    if tol is None:
        return None
    if want.dtype.kind in "iub" and not scalar:
        mism = (g != w) | (g_bad != w_bad)
        if np.any(mism):
            return _value_diag(base, g, w, mism, shape, n_total, Tol(0.0, 0.0), public)
        return None
    with np.errstate(all="ignore"):
        diff = np.abs(g - w)
        allowed = tol.atol + tol.rtol * np.abs(w)
        mism = ~(diff <= allowed)
        # matching non-finite expectations (e.g. an expected inf) count as equal
        same_special = w_bad & ((g == w) | (np.isnan(g) & np.isnan(w)))
        mism &= ~same_special
    if not np.any(mism):
        return None
    return _value_diag(base, g, w, mism, shape, n_total, tol, public)


def _value_diag(base: dict, g: np.ndarray, w: np.ndarray, mism: np.ndarray, shape, n_total: int, tol: Tol, public: bool) -> dict:
    with np.errstate(all="ignore"):
        diff = np.where(mism, np.abs(g - w), 0.0).astype(np.float64)
        # no relative difference where the expected value is 0 (it would read "inf")
        rel = np.where(mism & (w != 0), diff / np.abs(w), 0.0).astype(np.float64)
    rel = np.where(np.isnan(rel), 0.0, rel)
    has_rel = bool(np.any(mism & (w != 0)))
    ia = int(np.argmax(diff.reshape(-1))) if diff.size else 0
    ir = int(np.argmax(rel.reshape(-1))) if rel.size else 0
    diag = {
        **base,
        "kind": "value",
        "n_mismatch": int(mism.sum()),
        "n_total": n_total,
        "max_abs": float(diff.reshape(-1)[ia]) if diff.size else 0.0,
        "max_abs_index": _index(ia, shape),
        "atol": tol.atol,
        "max_rel": float(rel.reshape(-1)[ir]) if rel.size and has_rel else None,
        "max_rel_index": _index(ir, shape) if has_rel else None,
        "rtol": tol.rtol,
    }
    k = constant_ratio(g, w)
    if k is not None:
        diag["ratio"] = k
    if public:
        first = []
        for flat in np.flatnonzero(mism.reshape(-1))[:FIRST_K]:
            gi = g.reshape(-1)[flat]
            wi = w.reshape(-1)[flat]
            first.append([_index(int(flat), shape), _num(gi), _num(wi)])
        diag["first"] = first
    return diag


def _num(x: Any) -> Any:
    if isinstance(x, (complex, np.complexfloating)):
        return str(complex(x))
    return float(x)


def _fmt_index(idx: list[int]) -> str:
    return "[" + ", ".join(str(i) for i in idx) + "]" if idx else "(scalar)"


def describe(diag: dict) -> str:
    """Human text for a diagnostic; the JSON carries the same facts as fields."""
    kind = diag.get("kind")
    qty = diag.get("quantity", "the result")
    call = diag.get("call")
    lines = []
    head = {
        "type": f"{qty} has the wrong type",
        "structure": f"{qty} has the wrong structure",
        "shape": f"{qty} has the wrong shape",
        "dtype": f"{qty} has the wrong dtype",
        "nan": f"{qty} contains NaN or inf",
        "value": f"{qty} is wrong",
        "property": f"{qty}: {diag.get('property', 'a required property fails')}",
        "mutation": f"{qty} was modified in place",
        "missing": f"{qty} is missing",
        "gradcheck": f"{qty} disagrees with finite differences",
        "degenerate": f"{qty}: {diag.get('property', 'is (nearly) zero, which proves nothing')}",
    }.get(kind, f"{qty}: check failed")
    lines.append(head + (f" in {call}" if call else ""))
    if kind in ("type", "structure"):
        lines.append(f"  expected {diag.get('expected')}, got {diag.get('got')}")
        if diag.get("missing_keys"):
            lines.append(f"  missing keys: {diag['missing_keys']}")
        if diag.get("extra_keys"):
            lines.append(f"  unexpected keys: {diag['extra_keys']}")
    elif kind == "shape":
        lines.append(f"  expected shape {tuple(diag['expected_shape'])}, got {tuple(diag['got_shape'])}")
    elif kind == "dtype":
        lines.append(f"  expected dtype {diag['expected_dtype']}, got {diag['got_dtype']}")
    elif kind == "nan":
        lines.append(
            f"  {diag['n_nan']} NaN and {diag['n_inf']} inf entries (of {diag['n_total']}), "
            f"first at {_fmt_index(diag['first_index'])}; the expected values are finite"
        )
    elif kind == "value" and "n_mismatch" in diag:
        n, total = diag["n_mismatch"], diag["n_total"]
        lines.append(f"  mismatched entries: {n} / {total} ({100.0 * n / max(total, 1):.0f}%)")
        lines.append(
            f"  greatest absolute difference: {diag['max_abs']:.3g} at {_fmt_index(diag['max_abs_index'])} (atol {diag['atol']:g})"
        )
        if diag.get("max_rel") is not None:
            lines.append(
                f"  greatest relative difference: {diag['max_rel']:.3g} at {_fmt_index(diag['max_rel_index'])} (rtol {diag['rtol']:g})"
            )
        if diag.get("ratio") is not None:
            lines.append("  " + ratio_line(diag["ratio"], call or ""))
        if diag.get("first"):
            lines.append("  first differences (index: got vs expected):")
            for idx, gv, wv in diag["first"]:
                lines.append(f"    {_fmt_index(idx)}: {_short(gv)} vs {_short(wv)}")
    elif kind == "value":
        lines.append(f"  expected {diag.get('expected')}, got {diag.get('got')}")
    for key in ("detail",):
        if diag.get(key):
            lines.append("  " + str(diag[key]).replace("\n", "\n  "))
    return "\n".join(lines)


def _short(v: Any) -> str:
    return repr(v) if isinstance(v, float) else str(v)  # the shortest text that is exactly v
