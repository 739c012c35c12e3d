"""Random inputs the child draws itself (kernels.Draw): bit for bit the array the
grader would have sent, a few hundred bytes on the wire instead of the array, the
same in-place checks as for an array that crossed, and never made from a reply."""

import json
import struct

import numpy as np
import pytest

from mathdl_cli import kernels, wire
from mathdl_cli.grading.proxies import LiveReference, describe_args
from mathdl_cli.sandbox import ProcessIsolation, Sandbox

STUDENT = b"""
import numpy as np

def echo(x):
    return x

def facts(x):
    return [type(x).__name__, x.dtype.str, bool(x.flags.writeable), bool(x.flags.c_contiguous), list(x.shape)]

def scale_in_place(x):
    x *= 2.0
    return float(x.sum())

def twice(x):
    return np.concatenate([x, x])
"""


@pytest.fixture(scope="module")
def child():
    with Sandbox(isolation=ProcessIsolation()) as sb:
        yield sb, sb.add_file("student_draws.py", STUDENT)


def test_normal_is_numpys_stream_scaled_and_shifted():
    d = kernels.normal(np.random.default_rng(3), (40, 7), scale=0.7, loc=-2.0)
    want = np.random.default_rng(d.seed).standard_normal((40, 7)) * 0.7 - 2.0
    np.testing.assert_array_equal(d.values(), want)
    assert d.values().dtype == np.float64 and d.nbytes == 40 * 7 * 8
    np.testing.assert_array_equal(np.asarray(d), want)  # __array__: numpy reads it as its values


def test_bernoulli_is_one_uniform_per_entry_below_p():
    d = kernels.bernoulli(np.random.default_rng(5), (30, 4, 6), 0.6)
    want = (np.random.default_rng(d.seed).random((30, 4, 6)) < 0.6).astype(np.float64)
    np.testing.assert_array_equal(d.values(), want)
    assert d.values().dtype == np.float64 and set(np.unique(d.values())) == {0.0, 1.0}
    assert kernels.bernoulli(np.random.default_rng(5), (2, 3), 1.0).values().min() == 1.0
    assert kernels.bernoulli(np.random.default_rng(5), (2, 3), 0.0).values().max() == 0.0


def test_sgd_chains_against_the_recursion_written_out():
    """Each chain by a scalar loop over the same noise (the normal recipe with the same seed:
    the chains' noise is drawn first), against the recipe's vectorised one."""
    p = {"lam": 1.3, "a": 0.9, "power": 0.6, "sigma": 0.8, "theta_star": 0.5, "theta0": 1.5}
    d = kernels.Draw("sgd_chains", 11, (5, 31), **p)
    xi = kernels.Draw("normal", 11, (5, 30), scale=p["sigma"], loc=0.0).values()
    want = np.empty((5, 31))
    for r in range(5):
        theta = want[r, 0] = p["theta0"]
        for k in range(30):
            step = p["a"] / (k + 1) ** p["power"]
            theta = theta - step * (p["lam"] * (theta - p["theta_star"]) + xi[r, k])
            want[r, k + 1] = theta
    np.testing.assert_allclose(d.values(), want, rtol=1e-13, atol=1e-15)


def test_a_draw_crosses_as_its_recipe_and_is_made_alike():
    d = kernels.normal(np.random.default_rng(0), (2000, 1000), scale=0.7)
    drawn: list[int] = []
    message = b"".join(wire.encode_parts([d], kernels=True, drawn=drawn))
    assert len(message) < 1000 and drawn == [16_000_000]  # not the 16 MB
    (got,) = wire.decode(message, make_draw=kernels.build_draw)
    assert type(got) is np.ndarray
    np.testing.assert_array_equal(got, d.values())


def test_a_draw_is_never_made_from_a_message_without_make_draw():
    """The grader decodes replies without make_draw: a child cannot make it draw
    (or allocate) anything. Only the grader's requests send draws: the child's
    encoder (no kernels) refuses one, as any object that is not plain data."""
    d = kernels.normal(np.random.default_rng(0), (3, 2))
    with pytest.raises(wire.WireError, match="unexpected draw"):
        wire.decode(wire.encode([d], kernels=True))
    with pytest.raises(wire.WireError, match="a value of type Draw"):
        wire.encode([d])


def test_the_same_draw_twice_is_made_once_and_each_use_is_its_own_copy():
    d = kernels.normal(np.random.default_rng(1), (50, 3))
    made = []

    def make(*spec):
        made.append(spec)
        return kernels.build_draw(*spec)

    message = wire.encode({"calls": [[[d], {}], [[d], {}]]}, kernels=True)
    witness: dict = {}
    calls = wire.decode(message, make_draw=make, witness=witness, defer="calls")["calls"]
    first, second = calls[0][0][0], calls[1][0][0]
    first *= 0.0  # what the first call does to its argument does not reach the second
    np.testing.assert_array_equal(second, d.values())
    assert len(made) == 1 and len(witness) == 2


@pytest.mark.parametrize(
    "recipe, seed, shape, params",
    [
        ("uniform", 1, [3], {"scale": 1.0, "loc": 0.0}),  # no such recipe
        (["normal"], 1, [3], {"scale": 1.0, "loc": 0.0}),
        ("normal", -1, [3], {"scale": 1.0, "loc": 0.0}),
        ("normal", 1.5, [3], {"scale": 1.0, "loc": 0.0}),
        ("normal", 1, [-3], {"scale": 1.0, "loc": 0.0}),
        ("normal", 1, [True], {"scale": 1.0, "loc": 0.0}),
        ("normal", 1, [1 << 20, 1 << 20], {"scale": 1.0, "loc": 0.0}),  # 8 TB
        ("normal", 1, [3], {"scale": float("nan"), "loc": 0.0}),
        ("normal", 1, [3], {"scale": 1.0}),
        ("normal", 1, [3], {"scale": 1.0, "loc": 0.0, "extra": 1.0}),
        ("normal", 1, [3], ["scale", "loc"]),
        ("sgd_chains", 1, [3], {"lam": 1.0, "a": 1.0, "power": 0.6, "sigma": 1.0, "theta_star": 0.0, "theta0": 1.0}),  # 2-D only
        ("sgd_chains", 1, [3, 0], {"lam": 1.0, "a": 1.0, "power": 0.6, "sigma": 1.0, "theta_star": 0.0, "theta0": 1.0}),
    ],
)
def test_malformed_draws_are_refused(recipe, seed, shape, params):
    with pytest.raises(ValueError):
        kernels.build_draw(recipe, seed, shape, params)
    node = {"t": "draw", "recipe": recipe, "seed": seed, "shape": shape, "params": params, "uses": 1}
    header = json.dumps(node).encode()
    forged = wire.MAGIC + struct.pack("<Q", len(header)) + header
    with pytest.raises(wire.WireError):  # the child refuses it as a malformed message
        wire.decode(forged, make_draw=kernels.build_draw)


def test_the_student_gets_a_plain_array_equal_to_the_graders(child):
    sb, path = child
    d = kernels.normal(np.random.default_rng(2), (300, 40), scale=3.0, loc=1.0)
    reply = sb.call(path, "echo", [d], {}, timeout=10)
    assert reply.kind == "return"
    np.testing.assert_array_equal(reply.value, d.values())
    facts = sb.call(path, "facts", [d], {}, timeout=10).value
    assert facts == ["ndarray", "<f8", True, True, [300, 40]]  # as an array that crossed


def test_an_in_place_change_of_a_drawn_argument_is_reported(child):
    sb, path = child
    d = kernels.normal(np.random.default_rng(4), (20, 5))
    once = sb.call(path, "scale_in_place", [d], {}, timeout=10)
    assert once.kind == "return" and once.mutated == ["0"]
    batch = sb.call(path, "scale_in_place", [], {}, timeout=10, calls=[([d], {}), ([d], {})])
    assert batch.kind == "return" and batch.mutated == [["0"], ["0"]]
    assert batch.value[0] == batch.value[1] == pytest.approx(2 * d.values().sum())  # each call its own copy
    assert sb.call(path, "echo", [d], {}, timeout=10).mutated == []


def test_a_reply_may_be_as_large_as_for_the_array_it_replaces(child):
    """The reply's size limit counts a drawn argument as sent: a result twice its size
    (40 MB, above the 32 MB floor) is accepted as it was when the array crossed."""
    sb, path = child
    d = kernels.normal(np.random.default_rng(5), (2500, 1000))
    reply = sb.call(path, "twice", [d], {}, timeout=30)
    assert reply.kind == "return", reply.detail
    assert reply.value.shape == (5000, 1000)
    np.testing.assert_array_equal(reply.value[2500:], d.values())


def test_the_reference_and_the_messages_see_the_array():
    class Module:
        @staticmethod
        def averaged_iterates(thetas):
            assert type(thetas) is np.ndarray
            return thetas.mean()

    from mathdl_cli.catalog import load_course

    chapter = load_course().chapter("ch18")
    d = kernels.normal(np.random.default_rng(6), (4, 3))
    assert LiveReference(Module, chapter).averaged_iterates(d) == pytest.approx(d.values().mean())
    spec = chapter.exercise("polyak_averaging").function("averaged_iterates")
    assert describe_args(spec, (d,), {}) == "thetas=(4, 3)"
    assert kernels.concrete({"a": [d, (d, 1)]})["a"][1][0] is d.values()
