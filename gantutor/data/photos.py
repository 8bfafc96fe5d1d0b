"""Colour photo crops made offline: 32 or 64 px squares of the photos in the wheels.

The photos are the two that scikit-learn ships (``load_sample_images``: china,
flower; read through :func:`gantutor.data.domains.photos`) and six that
scikit-image ships (``skimage.data``: astronaut, coffee, chelsea, rocket,
hubble_deep_field, retina); none is downloaded. A crop is a square window of
side ``size × zoom`` at a random place of a random photo, average-pooled by
``zoom`` to ``size × size``: ``zoom = 1`` keeps the photo's pixels (fine
texture), a larger zoom sees more of the scene (edges, objects). Every crop keeps
its key (photo, top, left, zoom) and :data:`PHOTO_NAMES` names the photos, so a
crop can be traced back and rebuilt.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor
from torch.nn import functional as F

from gantutor.data.domains import photos

SKLEARN_NAMES = ("china", "flower")  # the order of load_sample_images
SKIMAGE_NAMES = (
    "astronaut",
    "coffee",
    "chelsea",
    "rocket",
    "hubble_deep_field",
    "retina",
)
PHOTO_NAMES = SKLEARN_NAMES + SKIMAGE_NAMES
SIZES = (32, 64)


@functools.cache
def photo(name: str) -> Tensor:
    """A photo by name, (3, H, W) float32 in [0, 1]; :data:`PHOTO_NAMES` names them."""
    if name in SKLEARN_NAMES:
        return photos()[SKLEARN_NAMES.index(name)]
    if name not in SKIMAGE_NAMES:
        raise ValueError(f"unknown photo {name!r}; pick one of {PHOTO_NAMES}")
    import skimage.data

    image = np.ascontiguousarray(getattr(skimage.data, name)()[..., :3])  # (H, W, 3)
    return torch.from_numpy(image).permute(2, 0, 1).float().div(255.0)


@dataclass(frozen=True)
class PhotoCrops:
    """Crops in [-1, 1] and, per crop, the key that made it."""

    x: Tensor  # (N, 3, S, S)
    photo: Tensor  # (N,) index into ``names``
    top: Tensor  # (N,) the window's top row in the photo
    left: Tensor  # (N,) the window's left column
    zoom: Tensor  # (N,) the window's side is S × zoom
    names: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.x)


def crop(name: str, top: int, left: int, size: int, zoom: int = 1) -> Tensor:
    """The crop of photo ``name`` at (top, left): (3, size, size) in [-1, 1].

    The window of side ``size × zoom`` is average-pooled by ``zoom``.
    """
    side = size * zoom
    window = photo(name)[:, top : top + side, left : left + side]  # (3, side, side)
    if window.shape[1:] != (side, side):
        raise ValueError(
            f"a window of {side} px at ({top}, {left}) does not fit in {name!r} of "
            f"shape {tuple(photo(name).shape[1:])}"
        )
    return F.avg_pool2d(window[None], zoom)[0] * 2 - 1  # (3, size, size)


def photo_crops(
    n: int,
    size: int = 32,
    seed: int = 0,
    zooms: tuple[int, ...] = (1, 2, 4),
    names: tuple[str, ...] = PHOTO_NAMES,
) -> PhotoCrops:
    """``n`` random crops of ``size`` px (32 or 64) from the photos ``names``.

    Photo, zoom (from ``zooms``) and place are uniform, drawn with a generator
    seeded by ``seed`` (the global random state is untouched), so the crops are
    a function of the arguments. Returns :class:`PhotoCrops`, x (n, 3, S, S).
    """
    if size not in SIZES:
        raise ValueError(f"size must be one of {SIZES}, got {size!r}")
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    if not zooms or any(not isinstance(z, int) or z < 1 for z in zooms):
        raise ValueError(f"zooms must be positive integers, got {zooms!r}")
    if not names:
        raise ValueError(f"names must list some photos of {PHOTO_NAMES}")
    g = torch.Generator().manual_seed(seed)
    which = torch.randint(len(names), (n,), generator=g)
    zoom = torch.tensor(zooms)[torch.randint(len(zooms), (n,), generator=g)]
    u = torch.rand(n, 2, generator=g, dtype=torch.float64)  # (n, 2) place in [0, 1)
    heights = torch.tensor([photo(name).shape[1] for name in names])
    widths = torch.tensor([photo(name).shape[2] for name in names])
    room_h = heights[which] - size * zoom + 1  # (n,) possible top rows
    room_w = widths[which] - size * zoom + 1
    if (room_h < 1).any() or (room_w < 1).any():
        raise ValueError(f"a zoom of {max(zooms)} at {size} px is too large a window")
    top = (u[:, 0] * room_h).long()
    left = (u[:, 1] * room_w).long()
    x = torch.stack(
        [
            crop(names[i], t, lft, size, z)
            for i, t, lft, z in zip(
                which.tolist(), top.tolist(), left.tolist(), zoom.tolist(), strict=True
            )
        ]
    )  # (n, 3, S, S)
    return PhotoCrops(x, which, top, left, zoom, tuple(names))
