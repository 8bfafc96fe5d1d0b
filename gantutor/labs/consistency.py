"""How well images keep a long-range structure: mirror symmetry and colour agreement.

For the sprites of :func:`gantutor.data.sprites.sprites`, whose right half is the
mirror image of the left, chapter *SAGAN* (Zhang et al. 2018, arXiv:1805.08318)
asks whether a generator keeps the two halves consistent. Two errors per image
x in [-1, 1], both in units of the [0, 1] pixel scale and 0 for a real sprite:

- symmetry error  e_sym(x) = mean_{c,i,j} |x_{c,i,j} − x_{c,i,S−1−j}| / 2;
- colour gap      e_col(x) = ‖ m_left(x) − m_right(x) ‖₂ / 2, m the mean colour
  of a half.

An error alone mixes consistency with content (flat images are trivially
symmetric). :func:`consistency` also scores the *same* images with their right
halves swapped between images, which keeps each half as it is but breaks any
link between them, and reports the ratio: 0 when the halves agree perfectly,
about 1 when they are no more related than halves of different images.
:func:`mirror_share` reads an attention map: how much of each query's attention
falls in its mirror column.
"""

from __future__ import annotations

import torch
from torch import Tensor


def _check(x: Tensor) -> None:
    if x.dim() != 4 or x.shape[-1] % 2 or x.shape[-1] < 2:
        raise ValueError(
            f"expected images (B, C, H, W) with an even width W; got {tuple(x.shape)}"
        )


def symmetry_error(x: Tensor) -> Tensor:
    """Mean absolute difference between each image and its mirror image, (B,)."""
    _check(x)
    return (x - x.flip(-1)).abs().mean(dim=(1, 2, 3)) / 2  # (B,)


def colour_gap(x: Tensor) -> Tensor:
    """Distance between the mean colours of the left and right halves, (B,)."""
    _check(x)
    left, right = x.chunk(2, dim=-1)  # (B, C, H, W/2) each
    return (left.mean(dim=(2, 3)) - right.mean(dim=(2, 3))).norm(dim=1) / 2  # (B,)


def swap_halves(x: Tensor) -> Tensor:
    """The images with right halves taken from the next image (the last from the first).

    Each half is unchanged, only the pairing is broken: the chance level of the
    errors for images like these.
    """
    _check(x)
    if len(x) < 2:
        raise ValueError("swap_halves needs at least 2 images to swap halves between")
    left, right = x.chunk(2, dim=-1)  # (B, C, H, W/2) each
    return torch.cat([left, right.roll(1, dims=0)], dim=-1)  # (B, C, H, W)


def consistency(x: Tensor) -> dict[str, float]:
    """Both errors of ``x``, their chance levels and the ratios error / chance.

    Keys: ``symmetry``, ``colour`` (means over the batch), ``symmetry_chance``,
    ``colour_chance`` (the same on :func:`swap_halves` of ``x``), and
    ``symmetry_ratio``, ``colour_ratio`` (0: consistent; ~1: unrelated halves).
    """
    x = x.detach().float()
    swapped = swap_halves(x)
    out = {}
    for name, error in [("symmetry", symmetry_error), ("colour", colour_gap)]:
        value, chance = error(x).mean().item(), error(swapped).mean().item()
        out[name], out[f"{name}_chance"] = value, chance
        out[f"{name}_ratio"] = value / max(chance, 1e-12)
    return out


def mirror_share(beta: Tensor) -> Tensor:
    """Per image, the share of attention that falls in each query's mirror column, (B,).

    ``beta`` (B, N, N): attention maps on an n × n grid (N = n², row-major, as
    :meth:`gantutor.models.sagan.SAGANGenerator.attend` returns them). For query
    (row r, column c) the mirror column is n − 1 − c; the share is averaged over
    the queries. Attention spread evenly over the map gives 1 / n.
    """
    n = round(beta.shape[-1] ** 0.5) if beta.dim() == 3 else 0
    if beta.dim() != 3 or n * n != beta.shape[-1] or beta.shape[1] != beta.shape[2]:
        raise ValueError(f"beta must be (B, n², n²); got {tuple(beta.shape)}")
    grid = beta.unflatten(2, (n, n)).unflatten(1, (n, n))  # (B, r, c, r', c')
    columns = grid.sum(dim=3)  # (B, r, c, c'): attention per key column
    mirror = torch.arange(n - 1, -1, -1, device=beta.device)  # (n,): c -> n − 1 − c
    picked = columns.gather(-1, mirror.view(1, 1, n, 1).expand(len(beta), n, n, 1))
    return picked.mean(dim=(1, 2, 3))  # (B,)
