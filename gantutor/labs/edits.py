"""Edits of a digit that change the same number of pixels by the same amount.

Each edit turns ``n`` background pixels (value −1) into ink (value +1), so every
edit of size ``n`` has the same mean squared error, ``4 n / (H W)``, whatever
pixels it picks. Only *where* the pixels go differs — which is all that decides
whether the image still shows the digit. Used in the chapter *Why MSE is not
enough*.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor

KINDS = ("thicken", "scatter", "bar")
BACKGROUND, INK = -1.0, 1.0


def _ink(x: Tensor) -> Tensor:
    return x > 0  # (H, W) bool


def _grow(mask: Tensor, radius: int = 1) -> Tensor:
    """Pixels within ``radius`` (8-neighbourhood) of the mask."""
    size = 2 * radius + 1
    grown = F.max_pool2d(mask[None, None].float(), size, stride=1, padding=radius)
    return grown[0, 0] > 0


def candidates(x: Tensor, kind: str, generator: torch.Generator) -> Tensor:
    """Flat indices of background pixels in the order the edit ``kind`` uses them.

    - ``thicken``: pixels touching the stroke, then the next ring out: the shape stays.
    - ``scatter``: random pixels at least 3 pixels away from the stroke.
    - ``bar``: a horizontal bar through the middle, widening row by row.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown edit {kind!r}; known edits: {', '.join(KINDS)}")
    h, w = x.shape
    free = x.flatten() == BACKGROUND
    ink = _ink(x)
    if kind == "thicken":
        rings, reached, order = [], ink, []
        for _ in range(max(h, w)):
            grown = _grow(reached)
            rings.append((grown & ~reached).flatten())
            reached = grown
        for ring in rings:
            idx = torch.nonzero(ring & free).flatten()
            order.append(idx[torch.randperm(len(idx), generator=generator)])
        return torch.cat(order)
    if kind == "scatter":
        far = ~_grow(ink, 3).flatten() & free
        idx = torch.nonzero(far).flatten()
        return idx[torch.randperm(len(idx), generator=generator)]
    rows = torch.arange(h).sub(h // 2).abs().argsort(stable=True)  # middle row first
    cols = torch.arange(w).sub(w // 2).abs().argsort(stable=True)
    order = (rows[:, None] * w + cols[None, :]).flatten()  # bar grows outwards
    return order[free[order]]


def edit(x: Tensor, n: int, kind: str, seed: int = 0) -> Tensor:
    """Turn ``n`` background pixels of the image ``x`` (1, H, W) in [-1, 1] into ink."""
    if x.dim() != 3 or x.shape[0] != 1:
        raise ValueError(
            f"edit() takes one grayscale image (1, H, W), got {tuple(x.shape)}"
        )
    if x.min() < -1 or x.max() > 1:
        raise ValueError("edit() expects pixels in [-1, 1] (see gantutor.data)")
    image = x[0]
    generator = torch.Generator().manual_seed(seed)
    order = candidates(image, kind, generator)
    if not 0 <= n <= len(order):
        raise ValueError(
            f"the {kind!r} edit can change 0 to {len(order)} pixels of "
            f"this image, not {n}"
        )
    out = image.flatten().clone()
    out[order[:n]] = INK
    return out.view_as(x)


def mse(a: Tensor, b: Tensor) -> Tensor:
    """Mean squared error per image: (B, ...) and (B, ...) -> (B,)."""
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {tuple(a.shape)} and {tuple(b.shape)}")
    return (a - b).pow(2).flatten(1).mean(1)


@torch.no_grad()
def edit_curves(
    digit: Tensor, score: Callable[[Tensor], Tensor], ns: Sequence[int], seed: int = 0
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """MSE and a learned score of ``digit`` edited in n pixels, for every n in ``ns``.

    ``{kind: (mse (len(ns),), score (len(ns),))}`` for every kind of edit
    (``KINDS``): the MSE is the same for every kind, the learned
    ``score(images) -> (B,)`` is not. Chapter *Why MSE is not enough*.
    """
    out = {}
    for kind in KINDS:
        batch = torch.stack([edit(digit, int(n), kind, seed) for n in ns])
        out[kind] = (
            mse(batch, digit.expand_as(batch)).numpy(),
            score(batch).float().numpy(),
        )
    return out
