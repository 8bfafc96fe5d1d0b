"""Mirror-symmetric colour sprites: a data set whose structure spans the image.

Each image is a random background colour with ``blobs`` soft coloured discs in
its left half, and the right half is the left half's mirror image: the pixel at
column j equals the pixel at column S − 1 − j, up to S − 1 pixels away. A
generator must therefore coordinate the two sides of the image, shape and
colour: the long-range dependency that SAGAN's self-attention is meant to
capture (Zhang et al. 2018, arXiv:1805.08318; chapter *SAGAN*).
:mod:`gantutor.labs.consistency` scores how well images keep it.
"""

from __future__ import annotations

import torch
from torch import Tensor

from gantutor.models.layers import positive


def _discs(n: int, size: int, blobs: int, gen: torch.Generator) -> tuple[Tensor, ...]:
    """Centres (n, blobs, 2), radii (n, blobs), colours (n, blobs, 3); left half."""
    half = size // 2
    low = torch.tensor([1.0, 2.0])  # (column, row): columns up to the midline
    span = torch.tensor([half - 1.0, size - 5.0])
    centres = low + span * torch.rand(n, blobs, 2, generator=gen)  # (n, k, 2)
    radii = size / 16 + size / 10 * torch.rand(n, blobs, generator=gen)  # (n, k)
    colours = 0.25 + 0.75 * torch.rand(n, blobs, 3, generator=gen)  # (n, k, 3)
    return centres, radii, colours


def sprites(
    n: int, img_size: int = 32, blobs: int = 3, seed: int = 0, edge: float = 0.6
) -> Tensor:
    """``n`` mirror-symmetric sprites, (n, 3, img_size, img_size) in [-1, 1].

    Left half: a dark random background and ``blobs`` discs of random centre,
    radius (S/16 to S/16 + S/10 pixels) and colour, painted one over the other
    with soft edges ``edge`` pixels wide; right half: the left half mirrored.
    Reproducible: the same ``seed`` gives the same images.
    """
    positive("n", n)
    positive("blobs", blobs)
    if not isinstance(img_size, int) or img_size < 8 or img_size % 2:
        raise ValueError(f"img_size must be an even integer >= 8, got {img_size!r}")
    if not edge > 0:
        raise ValueError(
            f"edge (the width of a disc's soft rim) must be > 0, got {edge}"
        )
    gen = torch.Generator().manual_seed(seed)
    half = img_size // 2
    background = 0.3 * torch.rand(n, 3, 1, 1, generator=gen)  # (n, 3, 1, 1)
    centres, radii, colours = _discs(n, img_size, blobs, gen)
    cols = torch.arange(half, dtype=torch.float32)  # (W/2,)
    rows = torch.arange(img_size, dtype=torch.float32)  # (H,)
    left = background.expand(n, 3, img_size, half).clone()  # (n, 3, H, W/2)
    for b in range(blobs):
        dx = cols[None, None, :] - centres[:, b, 0, None, None]  # (n, 1, W/2)
        dy = rows[None, :, None] - centres[:, b, 1, None, None]  # (n, H, 1)
        dist = (dx.square() + dy.square()).sqrt()  # (n, H, W/2)
        alpha = torch.sigmoid((radii[:, b, None, None] - dist) / edge)[:, None]
        left = (1 - alpha) * left + alpha * colours[:, b, :, None, None]
    x = torch.cat([left, left.flip(-1)], dim=-1)  # (n, 3, H, W)
    return x * 2 - 1
