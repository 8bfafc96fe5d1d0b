"""The history buffer of generated images (Shrivastava et al. 2017)."""

import pytest
import torch

from gantutor.train.buffer import ImageBuffer


def images(start, n):
    """n images (n, 1, 2, 2), image i filled with the value start + i."""
    return (
        torch.arange(start, start + n).float()[:, None, None, None].expand(n, 1, 2, 2)
    )


def test_returns_the_new_images_until_full():
    buf = ImageBuffer(size=10)
    assert torch.equal(buf.push_and_sample(images(0, 4)), images(0, 4))
    assert torch.equal(buf.push_and_sample(images(4, 6)), images(4, 6))
    assert len(buf) == 10


def test_once_full_about_half_are_stored_images_that_were_pushed():
    buf = ImageBuffer(size=50)
    buf.push_and_sample(images(0, 50))
    n, swapped, start = 4000, 0, 50
    for _ in range(n // 40):
        new = images(start, 40)
        out = buf.push_and_sample(new)
        values, pushed = out[:, 0, 0, 0], new[:, 0, 0, 0]
        is_old = values != pushed
        swapped += int(is_old.sum())
        # a stored image was pushed earlier (in this batch or before), and whole
        assert (values[is_old] < pushed[is_old]).all()
        assert torch.equal(
            out[is_old], values[is_old][:, None, None, None].expand(-1, 1, 2, 2)
        )
        start += 40
    # swapped ~ Binomial(4000, ½): mean 2000, sd √1000 ≈ 31.6; ±5 sd is 2000 ± 158
    assert abs(swapped - n / 2) < 5 * (n / 4) ** 0.5
    assert len(buf) == 50


def test_state_dict_round_trip_replays_the_same_draws():
    buf = ImageBuffer(size=8)
    buf.push_and_sample(images(0, 8))
    state = buf.state_dict()
    copy = ImageBuffer(size=1)
    copy.load_state_dict(state)
    assert copy.size == 8 and torch.equal(copy.images, buf.images)
    torch.manual_seed(3)
    out = buf.push_and_sample(images(8, 16))
    torch.manual_seed(3)
    assert torch.equal(copy.push_and_sample(images(8, 16)), out)
    assert torch.equal(copy.images, buf.images)
    state["images"].fill_(-1.0)  # the state is a copy, and so is what was loaded
    assert (buf.images >= 0).all() and (copy.images >= 0).all()


def test_bad_sizes_are_refused():
    with pytest.raises(ValueError, match="size must be a positive integer"):
        ImageBuffer(0)
    with pytest.raises(ValueError, match="do not fit"):
        ImageBuffer(2).load_state_dict({"size": 2, "images": torch.zeros(3, 1)})
