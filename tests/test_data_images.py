import pytest
import torch

from gantutor import data
from gantutor.data import images


@pytest.fixture
def offline(monkeypatch):
    monkeypatch.setenv("GANTUTOR_OFFLINE", "1")


def test_mnist_32_pads_with_the_background_and_keeps_every_pixel(offline, capsys):
    small = data.mnist("test", n=20)
    padded = data.mnist("test", n=20, size=32)
    assert "20 images at 32×32 px" in capsys.readouterr().out
    assert padded.x.shape == (20, 1, 32, 32)
    torch.testing.assert_close(padded.x[:, :, 2:30, 2:30], small.x)
    border = torch.ones(32, 32, dtype=torch.bool)
    border[2:30, 2:30] = False
    assert bool((padded.x[:, :, border] == -1.0).all())
    assert torch.equal(padded.y, small.y)


def test_mnist_64_is_a_bilinear_resize_in_range(offline):
    small = data.mnist("test", n=20)
    big = data.mnist("test", n=20, size=64)
    assert big.x.shape == (20, 1, 64, 64)
    assert float(big.x.min()) >= -1.0 and float(big.x.max()) <= 1.0
    # Averaging each 64/28-scaled image back down recovers the digit closely.
    back = torch.nn.functional.interpolate(big.x, size=(28, 28), mode="area")
    assert float((back - small.x).abs().mean()) < 0.1
    # A constant image stays constant.
    flat = torch.full((1, 1, 28, 28), 0.5)
    expected = torch.full((1, 1, 64, 64), 0.5)
    torch.testing.assert_close(images._resize(flat, 64), expected)


def test_mnist_bad_size_lists_the_allowed_ones(offline):
    with pytest.raises(ValueError, match=r"size must be one of \(28, 32, 64\)"):
        data.mnist("test", n=5, size=48)
