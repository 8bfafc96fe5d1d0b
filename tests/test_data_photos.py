"""Offline photo crops: the key rebuilds each crop, seeds decide, bad input raises."""

import pytest
import torch
from torch.testing import assert_close

from gantutor.data import photos


def test_every_photo_loads_offline_as_colour_in_the_unit_range():
    for name in photos.PHOTO_NAMES:
        image = photos.photo(name)
        assert image.dim() == 3 and image.shape[0] == 3, name
        assert image.min() >= 0 and image.max() <= 1, name
        assert min(image.shape[1:]) >= 256, name  # room for 64 px × zoom 4


def test_crops_have_the_shape_range_and_recorded_names():
    for size in photos.SIZES:
        crops = photos.photo_crops(12, size, seed=3)
        assert crops.x.shape == (12, 3, size, size) and len(crops) == 12
        assert crops.x.min() >= -1 and crops.x.max() <= 1
        assert crops.names == photos.PHOTO_NAMES
        assert set(crops.zoom.tolist()) <= {1, 2, 4}


def test_the_key_rebuilds_every_crop_as_an_average_of_photo_pixels():
    crops = photos.photo_crops(10, 32, seed=1)
    for i in range(10):
        name = crops.names[int(crops.photo[i])]
        top, left, zoom = int(crops.top[i]), int(crops.left[i]), int(crops.zoom[i])
        assert torch.equal(crops.x[i], photos.crop(name, top, left, 32, zoom))
        # the pixel (0, 0) averages the zoom × zoom block at the window's corner
        block = photos.photo(name)[:, top : top + zoom, left : left + zoom]
        assert_close(crops.x[i, :, 0, 0], block.mean(dim=(1, 2)) * 2 - 1)


def test_zoom_1_copies_the_photo_and_sklearn_photos_are_shared_with_domains():
    from gantutor.data.domains import photos as sklearn_photos

    assert torch.equal(photos.photo("flower"), sklearn_photos()[1])
    crops = photos.photo_crops(5, 32, seed=0, zooms=(1,), names=("astronaut",))
    top, left = int(crops.top[0]), int(crops.left[0])
    window = photos.photo("astronaut")[:, top : top + 32, left : left + 32]
    assert_close(crops.x[0], window * 2 - 1)


def test_crops_are_a_function_of_the_seed_only():
    torch.manual_seed(0)
    one = photos.photo_crops(20, 32, seed=7)
    torch.manual_seed(1)  # the global state does not matter
    again, other = (
        photos.photo_crops(20, 32, seed=7),
        photos.photo_crops(20, 32, seed=8),
    )
    assert torch.equal(one.x, again.x) and torch.equal(one.top, again.top)
    assert not torch.equal(one.x, other.x)
    assert len(set(one.photo.tolist())) > 3  # many photos drawn


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(n=4, size=28),
        dict(n=0, size=32),
        dict(n=2.5, size=32),
        dict(n=4, size=32, zooms=()),
        dict(n=4, size=32, zooms=(0,)),
        dict(n=4, size=32, names=()),
        dict(n=4, size=64, zooms=(32,)),
    ],
)
def test_bad_arguments_raise(kwargs):
    with pytest.raises(ValueError):
        photos.photo_crops(**kwargs)


def test_unknown_photo_and_a_window_outside_raise():
    with pytest.raises(ValueError, match="astronaut"):
        photos.photo("moon-landing")
    with pytest.raises(ValueError, match="does not fit"):
        photos.crop("chelsea", 290, 0, 32)
