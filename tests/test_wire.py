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


def test_the_witness_holds_the_bytes_each_array_was_copied_from():
    x, y = np.arange(6.0).reshape(2, 3), np.array([1, 2], dtype=np.int32)
    witness = {}
    a, (b, c) = wire.decode(wire.encode([x, (y, x)]), witness=witness)
    assert {id(a), id(b), id(c)} == set(witness) and len({id(a), id(c)}) == 2
    for arr, want in ((a, x), (b, y), (c, x)):
        ref, blob = witness[id(arr)]
        assert ref() is arr and bytes(blob) == want.tobytes()  # a weak reference: the witness keeps no array alive
    a[0, 0] = 99.0
    assert bytes(witness[id(a)][1]) == x.tobytes()  # a copy: the bytes stay as they arrived


@pytest.mark.parametrize("name", ["", "a", "ab", "abc", "abcd", "abcde", "abcdef", "abcdefg"])
def test_arrays_start_8_aligned_in_a_message(name):
    msg = wire.encode({name: np.arange(3.0), "y": np.arange(5.0)})
    (hlen,) = struct.unpack_from("<Q", msg, 4)
    first = 4 + 8 + hlen + 8
    assert first % 8 == 0 and msg[first : first + 24] == np.arange(3.0).tobytes()
    assert wire.decode(msg)[name].tolist() == [0.0, 1.0, 2.0]  # the blanks after the JSON are read as JSON


def test_views_leave_large_arrays_in_a_writable_buffer_and_copy_the_rest():
    big, small = np.arange(300_000.0), np.arange(10.0)
    msg = wire.encode([big, small, big])
    buf = np.frombuffer(msg, dtype=np.uint8).copy()  # a reply read into a buffer of the grader's own
    a, b, c = wire.decode(buf, views=True)
    assert np.shares_memory(a, buf) and not np.shares_memory(b, buf)
    assert not np.shares_memory(c, buf) and not np.shares_memory(a, c)  # used twice: one view, one copy
    assert a.flags.writeable and np.array_equal(a, big) and np.array_equal(c, big)
    for arr in wire.decode(msg, views=True):  # an immutable bytes object: copies
        assert arr.flags.writeable and arr.flags.owndata
    for arr in wire.decode(buf):  # without views: copies
        assert not np.shares_memory(arr, buf)


def test_a_deferred_list_is_decoded_item_by_item_afresh_each_time():
    x = np.arange(4.0)
    msg = wire.encode({"op": "call", "calls": [[[x], {}], [[x, 2.0], {"k": x}]]})
    witness = {}
    req = wire.decode(msg, witness=witness, defer="calls")
    assert req["op"] == "call" and len(req["calls"]) == 2 and not witness  # nothing of the calls decoded yet
    (first,), _ = req["calls"][0]
    assert list(witness) == [id(first)]
    first[0] = -1.0
    (again,), _ = req["calls"][0]
    assert again is not first and again[0] == 0.0  # afresh: the bytes that arrived
    args, kwargs = req["calls"][1]
    assert args[1] == 2.0 and np.array_equal(kwargs["k"], x) and kwargs["k"] is not args[0]
    plain = wire.decode(msg, defer="absent")  # no such key: the plain decode
    assert type(plain["calls"]) is list and np.array_equal(plain["calls"][1][1]["k"], x)


# -- replies are bounded before they are parsed ------------------------------------------


def message(header: bytes, *blobs: bytes) -> bytes:
    return wire.MAGIC + struct.pack("<Q", len(header)) + header + b"".join(struct.pack("<Q", len(b)) + b for b in blobs)


def test_a_huge_header_is_refused_before_parsing():
    import time
    import tracemalloc

    data = message(b"[" + b"1.5," * 12_000_000 + b"1]")  # 48 MB: 700 MB and 22 s through json.loads
    tracemalloc.start()
    t0 = time.perf_counter()
    with pytest.raises(wire.WireError, match="larger than"):
        wire.decode(data)
    elapsed = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 0.5 and peak < 1_000_000


def test_too_many_values_are_refused_before_parsing():
    header = b"[" + b"{}," * (wire.MAX_HEADER_NODES + 10) + b"{}]"
    assert len(header) < wire.MAX_HEADER_BYTES
    with pytest.raises(wire.WireError, match="more than"):
        wire.decode(message(header))


@pytest.mark.parametrize(
    "header, blobs",
    [
        (b"[" * 50_000 + b"]" * 50_000, ()),  # RecursionError in the JSON parser
        (b'{"t":"float","v":1' + b"0" * 400 + b"}", ()),  # OverflowError converting to float
        (b'{"t":"int","v":1' + b"0" * 5000 + b"}", ()),  # ValueError: more digits than Python converts
        (b'{"t":"array","i":0,"dtype":"<f8","shape":[0,1' + b"0" * 30 + b"]}", (b"",)),  # a shape numpy cannot hold
        (b'{"t":"array","i":0,"dtype":"<f8","shape":[' + b",".join([b"1"] * 40) + b"]}", (b"\0" * 8,)),  # too many dims
        (b'{"t":"dict","keys":[["x"]],"items":[{"t":"none"}]}', ()),
        (b'{"t":"rng","state":{"bit_generator":"PCG64","state":{"state":-1,"inc":"x"}}}', ()),
        (b'"\xff\xfe"', ()),
        (b"NaN", ()),
    ],
)
def test_every_malformed_message_is_a_wire_error(header, blobs):
    with pytest.raises(wire.WireError):
        wire.decode(message(header, *blobs))


def test_reply_limit_is_a_multiple_of_the_request_with_a_floor():
    assert wire.reply_limit(0) == wire.reply_limit(1000) == wire.REPLY_FLOOR_BYTES
    assert wire.reply_limit(10 << 20) == wire.REPLY_FACTOR * (10 << 20)
    assert wire.reply_limit(1 << 40) == wire.MAX_MESSAGE_BYTES


def test_a_reply_larger_than_the_call_allows_is_the_students_error():
    """A real child returning 40 MB for a call of a few kB: an error charged to the
    student (not a grader error), read no further than its length."""
    from support import grade, with_replaced

    source = with_replaced("ch2", "def least_squares(X, y, fit_intercept=True):\n    return np.zeros(5_000_000), 0.0\n")
    report = grade("ch2", source, exercises=["least_squares"])
    statuses = {c.status for c in report.exercises[0].checks}
    assert statuses == {"error"}, statuses
    assert "larger than this call can return" in report.exercises[0].checks[0].message


def test_an_unencodable_value_is_named_by_its_path():
    """The message names where the value is (the path is gathered as the error
    unwinds, not kept for every value encoded)."""
    with pytest.raises(wire.WireError, match=r"a value of type object at \[1\]\['a'\]\[1\]$"):
        wire.encode([1, {"a": [2, object()]}])
    with pytest.raises(wire.WireError, match=r"array of dtype <U1 at \['k'\] \(only numeric"):
        wire.encode({"k": np.array(["x"])})
    with pytest.raises(wire.WireError, match="at top level"):
        wire.encode(object())
    nested: list = []
    for _ in range(wire.MAX_DEPTH + 5):
        nested = [nested]
    with pytest.raises(wire.WireError, match=r"too deeply nested or too large at (\[0\]){65}$"):
        wire.encode(nested)


def test_a_malformed_deferred_item_is_a_wire_error_when_read():
    bad_item = message(b'{"t":"dict","keys":["calls"],"items":[{"t":"list","items":[{"t":"array","i":5,"dtype":"<f8","shape":[1]}]}]}')
    calls = wire.decode(bad_item, defer="calls")["calls"]
    with pytest.raises(wire.WireError, match="bad array reference"):
        calls[0]
    not_a_list = message(b'{"t":"dict","keys":["calls"],"items":[{"t":"int","v":3}]}')
    with pytest.raises(wire.WireError, match="malformed calls"):
        wire.decode(not_a_list, defer="calls")
