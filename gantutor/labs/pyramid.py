"""The sliced Wasserstein distance between patch distributions, level by level.

A measure of generated images that needs no trained network, so it works on any
images offline (Karras, Aila, Laine & Lehtinen 2018, arXiv:1710.10196, §5): take
the Laplacian pyramid of every image (:mod:`gantutor.data.pyramid`), cut random
p × p neighbourhoods from each level (descriptors of C·p² numbers), normalise
each channel with the *real* descriptors' mean and standard deviation, and
compare the real and generated descriptor clouds with the sliced Wasserstein
distance (:func:`gantutor.metrics.transport.sliced_wasserstein`)

    SW_1(P, Q) = E_θ W_1(θᵀP, θᵀQ),    θ uniform on the unit sphere,

where W_1 of two equal-size 1-D samples is the mean |difference| of their sorted
values (Rabin, Peyré, Delon & Bernot 2011). Level 0 sees fine texture and edges,
the coarsest level colour and layout. It sees the statistics of *local patches*
only: where they sit in the image and how they combine into objects it does not
see. Chapter *LAPGAN*.
"""

from __future__ import annotations

import torch
from torch import Tensor

from gantutor.data.pyramid import laplacian_pyramid
from gantutor.metrics.transport import directions, sliced_wasserstein


def patches(
    x: Tensor, size: int, per_image: int, generator: torch.Generator | None = None
) -> Tensor:
    """``per_image`` random ``size`` × ``size`` patches of each image, flattened.

    x (B, C, H, W) -> (B · per_image, C · size²); places uniform, with repeats.
    """
    b, c, h, w = x.shape
    if size > min(h, w):
        raise ValueError(f"patches of {size} px do not fit in images of {h} × {w}")
    n = b * per_image
    image = torch.arange(b).repeat_interleave(per_image)  # (n,)
    top = torch.randint(h - size + 1, (n,), generator=generator)
    left = torch.randint(w - size + 1, (n,), generator=generator)
    rows = (top[:, None] + torch.arange(size))[:, :, None]  # (n, size, 1)
    cols = (left[:, None] + torch.arange(size))[:, None, :]  # (n, 1, size)
    picked = x.permute(0, 2, 3, 1)[image[:, None, None], rows, cols]  # (n, p, p, C)
    return picked.permute(0, 3, 1, 2).flatten(1)  # (n, C·p²)


def pyramid_swd(
    x_real: Tensor,
    x_fake: Tensor,
    levels: int,
    size: int = 7,
    per_image: int = 16,
    n_projections: int = 128,
    seed: int = 0,
) -> list[float]:
    """SW_1 of real and fake p × p patches at each level: [h_0, …, h_{K−1}, I_K].

    ``x_real``, ``x_fake`` (B, C, H, W), as many of each. The patches of the
    low-pass I_K are at most its size. Patches are cut at the same random places
    of the i-th real and the i-th fake image (places do not depend on content),
    so identical sets score 0. Descriptors are normalised per channel by the
    real ones' statistics, so a shift of colour or contrast counts too.
    """
    if x_real.shape != x_fake.shape:
        raise ValueError(
            f"x_real and x_fake must have one shape, got {tuple(x_real.shape)} and "
            f"{tuple(x_fake.shape)}: generate as many images as there are real ones"
        )
    real = laplacian_pyramid(x_real.detach().float().cpu(), levels)
    fake = laplacian_pyramid(x_fake.detach().float().cpu(), levels)
    out = []
    for k, (band_real, band_fake) in enumerate(zip(real, fake, strict=True)):
        p = min(size, band_real.shape[-1])
        places = torch.Generator().manual_seed(seed + k)  # the same places in both
        a = patches(band_real, p, per_image, places)  # (N, C·p²)
        b = patches(band_fake, p, per_image, places.manual_seed(seed + k))
        c = band_real.shape[1]
        mean = a.view(len(a), c, -1).mean(dim=(0, 2)).repeat_interleave(p * p)
        std = a.view(len(a), c, -1).std(dim=(0, 2)).repeat_interleave(p * p)
        a, b = (a - mean) / std, (b - mean) / std
        theta = directions(a.shape[1], n_projections, places)
        out.append(sliced_wasserstein(a, b, theta))
    return out
