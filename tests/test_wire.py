"""The wire format: plain data round-trips; nothing else crosses, nothing is unpickled."""

import io
import struct

import numpy as np
import pytest

from mathdl_cli import wire


def test_nested_structures_roundtrip():
    value = (1.5, [np.arange(6.0).reshape(2, 3), np.zeros(0)], {"k": np.int64(3), "s": "x", "n": None, "b": True})
    out = wire.decode(wire.encode(value))
    assert isinstance(out, tuple) and isinstance(out[1], list) and isinstance(out[2], dict)
    assert out[0] == 1.5 and out[2]["k"] == 3 and out[2]["s"] == "x" and out[2]["n"] is None and out[2]["b"] is True
    np.testing.assert_array_equal(out[1][0], np.arange(6.0).reshape(2, 3))
    assert out[1][0].dtype == np.float64 and out[1][1].shape == (0,)


def test_numpy_scalars_become_python_scalars():
    out = wire.decode(wire.encode([np.float64(2.5), np.float32(1.0), np.int32(7), np.bool_(False)]))
    assert [type(v) for v in out] == [float, float, int, bool]


def test_subclass_is_stripped_to_plain_ndarray():
    class Liar(np.ndarray):
        def __eq__(self, other):
            return True

        def __array_ufunc__(self, *args, **kwargs):
            return np.zeros(3)

    x = np.array([1.0, 2.0, 3.0]).view(Liar)
    out = wire.decode(wire.encode(x))
    assert type(out) is np.ndarray
    np.testing.assert_array_equal(out, [1.0, 2.0, 3.0])


@pytest.mark.parametrize("value", [object(), np.array([object()], dtype=object), {1: 2}, np.array(["a"])])
def test_non_data_is_refused(value):
    with pytest.raises(wire.WireError):
        wire.encode(value)


def test_object_array_in_bytes_is_refused_without_unpickling(tmp_path):
    marker = tmp_path / "pwned"

    class Boom:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.array([Boom()], dtype=object), allow_pickle=True)
    blob = buf.getvalue()
    for header in (b'{"t":"array","i":0,"dtype":"|O","shape":[1]}', b'{"t":"array","i":0}'):
        data = wire.MAGIC + struct.pack("<Q", len(header)) + header + struct.pack("<Q", len(blob)) + blob
        with pytest.raises(wire.WireError):
            wire.decode(data)
    assert not marker.exists()


def test_array_whose_size_does_not_match_its_shape_is_refused():
    blob = np.arange(3.0).tobytes()
    header = b'{"t":"array","i":0,"dtype":"<f8","shape":[4]}'
    data = wire.MAGIC + struct.pack("<Q", len(header)) + header + struct.pack("<Q", len(blob)) + blob
    with pytest.raises(wire.WireError, match="size"):
        wire.decode(data)


@pytest.mark.parametrize("data", [b"", b"XXXX", wire.MAGIC + struct.pack("<Q", 99) + b"{}", wire.MAGIC + struct.pack("<Q", 2) + b"[]"])
def test_malformed_bytes_raise_wire_error(data):
    with pytest.raises(wire.WireError):
        wire.decode(data)


def test_generator_state_crosses_exactly():
    rng = np.random.default_rng(123)
    rng.random(5)
    twin = wire.decode(wire.encode(rng))
    np.testing.assert_array_equal(twin.random(4), rng.random(4))


def test_callables_become_callbacks():
    seen = []
    data = wire.encode({"f": len}, register_callable=lambda fn: seen.append(fn) or 0)
    out = wire.decode(data, make_callback=lambda i: ("callback", i))
    assert seen == [len] and out["f"] == ("callback", 0)
    with pytest.raises(wire.WireError):
        wire.decode(data)  # no callback factory: refused


def test_zero_dimensional_arrays_keep_their_shape():
    out = wire.decode(wire.encode([np.array(2.5), np.arange(3.0)[1:]]))
    assert out[0].shape == () and float(out[0]) == 2.5
    np.testing.assert_array_equal(out[1], [1.0, 2.0])


def test_an_array_used_twice_is_sent_once_and_decoded_as_two_copies():
    x = np.arange(1000.0)
    once = wire.encode([x])
    twice = wire.encode([x, x])
    assert len(twice) < len(once) + 100
    a, b = wire.decode(twice)
    np.testing.assert_array_equal(a, x)
    a[0] = -1.0
    assert b[0] == 0.0  # separate arrays: changing one never changes the other
