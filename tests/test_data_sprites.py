import pytest
import torch

from gantutor.data.sprites import sprites


def test_shape_range_and_reproducibility():
    x = sprites(16, seed=3)
    assert x.shape == (16, 3, 32, 32) and x.dtype == torch.float32
    assert x.min() >= -1 and x.max() <= 1
    torch.testing.assert_close(x, sprites(16, seed=3))
    assert not torch.equal(x, sprites(16, seed=4))
    assert sprites(2, img_size=64).shape == (2, 3, 64, 64)


def test_every_sprite_is_its_own_mirror_image_but_not_left_right_constant():
    x = sprites(32, seed=0)
    torch.testing.assert_close(x, x.flip(-1), atol=0, rtol=0)
    left = x[..., :16]
    assert (left - left.flip(-1)).abs().mean() > 0.05  # the halves are not symmetric


def test_blobs_are_bright_on_a_dark_background():
    x = (sprites(64, blobs=1, seed=1) + 1) / 2  # (B, 3, H, W) in [0, 1]
    corner = x[:, :, 0, 0]  # far from any disc: the background, at most 0.3
    assert corner.max() <= 0.3 + 1e-6
    brightest = x.amax(dim=(2, 3))  # a disc's centre: its colour, at least 0.25
    assert (brightest.max(dim=1).values >= 0.25).all()
    colours = x.flatten(2).std(dim=2).mean()
    assert colours > 0.05


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="even integer"):
        sprites(4, img_size=31)
    with pytest.raises(ValueError, match="positive integer"):
        sprites(0)
    with pytest.raises(ValueError, match="soft rim"):
        sprites(4, edge=0.0)
