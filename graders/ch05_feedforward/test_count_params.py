"""Grader for ch05.count_params: small networks against Σ (d_{ℓ-1} + 1) d_ℓ
written out here, additivity over layers, no layers at all, and the reference
on random widths. Every width is drawn from the seed."""


from mathdl_cli.grading import expect
from mathdl_cli.grading.marks import mark


def test_small_net(student, rng):
    """[2, h, 1] (the XOR network has h = 2, 9 parameters): (2 + 1)h weights and biases in layer 1, h + 1 in layer 2"""
    h = int(rng.integers(2, 6))
    expect.equal(student.count_params([2, h, 1]), 3 * h + h + 1, names=f"count_params([2, {h}, 1]) = 3·{h} + ({h} + 1)")


def test_mnist_mlp(student, rng):
    """[784, h, 10] (a classic MNIST MLP; h = 100 gives 79 510): 785·h + (h + 1)·10"""
    h = int(rng.integers(50, 200))
    expect.equal(student.count_params([784, h, 10]), 785 * h + (h + 1) * 10, names=f"count_params([784, {h}, 10]) = 785·{h} + {h + 1}·10")


def test_no_layers_and_additivity(student, rng):
    """[d] has no parameters, and #[a, b, c] = #[a, b] + #[b, c]"""
    a, b, c = (int(v) for v in rng.integers(1, 12, 3))
    expect.equal(student.count_params([a]), 0, names=f"count_params([{a}]) (no layers, no parameters)")
    whole = student.count_params([a, b, c])
    parts = student.count_params([a, b]) + student.count_params([b, c])
    expect.equal(whole, parts, names=f"count_params([{a}, {b}, {c}]) (should be count_params([{a}, {b}]) + count_params([{b}, {c}]))")
    expect.equal(student.count_params([a, b]), (a + 1) * b, names=f"count_params([{a}, {b}]) = ({a} + 1)·{b}")


def test_deeper(student, ref, rng):
    """four layers of distinct widths such as [5, 7, 3, 2, 4]"""
    sizes = [int(v) for v in rng.choice(range(1, 10), size=5, replace=False)]
    expect.equal(student.count_params(sizes), ref.count_params(sizes))


@mark.hidden
@mark.parametrize("trial", range(3))
def test_hidden_random(student, ref, rng, trial):
    """random depths (0 to 7 layers) and widths (1 to 500)"""
    sizes = [int(v) for v in rng.integers(1, 501, int(rng.integers(1, 9)))]
    expect.equal(student.count_params(sizes), ref.count_params(sizes))
