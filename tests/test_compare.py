"""The comparison ladder and its diagnostics."""

import numpy as np
import pytest

from mathdl_cli.catalog import Tol
from mathdl_cli.grading.compare import compare, describe

TOL = Tol(1e-10, 1e-12)


def test_match_returns_none():
    want = (1.0, [np.ones((2, 3))], {"a": np.arange(3)})
    assert compare((1.0 + 1e-13, [np.ones((2, 3))], {"a": np.arange(3)}), want, TOL) is None


def test_scalar_zero_for_an_array_is_a_type_error_not_a_broadcast():
    diag = compare(0.0, np.zeros(3), TOL)
    assert diag["kind"] == "type"


def test_shape_before_values():
    diag = compare(np.zeros((3, 1)), np.zeros(3), TOL)
    assert diag["kind"] == "shape" and diag["got_shape"] == [3, 1] and diag["expected_shape"] == [3]


def test_dtype_float32_is_reported():
    diag = compare(np.zeros(3, dtype=np.float32), np.zeros(3), TOL)
    assert diag["kind"] == "dtype" and diag["got_dtype"] == "float32"


def test_nan_reported_with_position():
    got = np.array([1.0, np.nan, np.inf])
    diag = compare(got, np.ones(3), TOL)
    assert diag["kind"] == "nan" and diag["n_nan"] == 1 and diag["n_inf"] == 1 and diag["first_index"] == [1]


def test_value_diagnostic_fields():
    want = np.arange(12.0).reshape(3, 4) + 1
    got = want.copy()
    got[1, 2] += 0.5
    got[2, 3] *= 1.01
    diag = compare(got, want, TOL, names=("∂Λ/∂W",))
    assert diag["kind"] == "value" and diag["quantity"] == "∂Λ/∂W"
    assert diag["n_mismatch"] == 2 and diag["n_total"] == 12
    assert diag["max_abs_index"] == [1, 2] and diag["max_abs"] == pytest.approx(0.5)
    assert diag["max_rel_index"] == [1, 2] and diag["max_rel"] == pytest.approx(0.5 / 7)
    assert diag["first"][0] == [[1, 2], 7.5, 7.0]
    text = describe(diag)
    assert "mismatched entries: 2 / 12" in text and "at [1, 2]" in text and "atol 1e-12" in text


def test_hidden_diagnostics_carry_no_expected_values():
    diag = compare(np.zeros(2), np.ones(2), TOL, public=False)
    assert "first" not in diag


def test_tiny_gradient_is_not_matched_by_zero():
    diag = compare(np.zeros(3), np.full(3, 1e-9), Tol(1e-8, 1e-14))
    assert diag is not None and diag["n_mismatch"] == 3


def test_structure_and_names_with_layer_index():
    want = (1.0, [np.ones(2), np.ones(3)])
    diag = compare((1.0, [np.ones(2), np.zeros(3)]), want, TOL, names=("Λ", "∂Λ/∂W^{k}"))
    assert diag["quantity"] == "∂Λ/∂W^2" and diag["path"] == "[1][1]"
    diag = compare((1.0, [np.ones(2)]), want, TOL, names=("Λ", "∂Λ/∂W^{k}"))
    assert diag["kind"] == "structure"
    diag = compare({"a": 1.0}, {"a": 1.0, "b": 2.0}, TOL)
    assert diag["missing_keys"] == ["b"]


def test_integer_results_compare_exactly():
    assert compare(np.array([1, 2, 3]), np.array([1, 2, 3]), TOL) is None
    assert compare(np.array([1.0, 2.0, 3.0]), np.array([1, 2, 3]), TOL)["kind"] == "dtype"
    assert compare(3, 4, TOL)["kind"] == "value"
