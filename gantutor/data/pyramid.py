"""The Laplacian pyramid: an image as band-pass residuals plus a small low-pass image.

Burt & Adelson (1983) write an image I_0 = I as a Gaussian pyramid,
I_{k+1} = d(I_k) (blur, then keep every second row and column), and store the
detail that each step loses,

    h_k = I_k − u(I_{k+1}) = I_k − u(d(I_k)),    k = 0, …, K − 1,

with u an upsampling (zeros between the samples, then the same blur, times 4).
The pyramid is [h_0, …, h_{K−1}, I_K]; the image comes back from the coarsest
level up, I_k = u(I_{k+1}) + h_k, *exactly*, whatever d and u are, because each
h_k was defined as what u misses. LAPGAN (Denton, Chintala, Szlam & Fergus 2015,
arXiv:1506.05751) generates the pyramid instead of the image: I_K from noise,
then each h_k given u(I_{k+1}). Chapter *LAPGAN*.

Two kernels: ``"binomial"`` (Burt & Adelson's 5-tap [1, 4, 6, 4, 1] / 16, with
reflected borders) and ``"box"`` (2 × 2 average pooling down, nearest-neighbour
copies up: each band then averages to 0 over every 2 × 2 block).
"""

from __future__ import annotations

import torch
from torch import Tensor
from torch.nn import functional as F

KERNELS = ("binomial", "box")
BINOMIAL = torch.tensor([1.0, 4.0, 6.0, 4.0, 1.0]) / 16  # sums to 1


def _check(x: Tensor, kernel: str) -> None:
    if kernel not in KERNELS:
        raise ValueError(f"kernel must be one of {KERNELS}, got {kernel!r}")
    if x.dim() != 4:
        raise ValueError(f"images must be (B, C, H, W), got {tuple(x.shape)}")


def _blur(x: Tensor, gain: float) -> Tensor:
    """Separable binomial blur of (B, C, H, W), borders reflected, times ``gain``."""
    c = x.shape[1]
    w = BINOMIAL.to(x) * gain**0.5  # the gain split between rows and columns
    x = F.pad(x, (2, 2, 2, 2), mode="reflect")  # (B, C, H + 4, W + 4)
    x = F.conv2d(x, w.view(1, 1, 1, 5).expand(c, 1, 1, 5), groups=c)
    return F.conv2d(x, w.view(1, 1, 5, 1).expand(c, 1, 5, 1), groups=c)  # (B, C, H, W)


def downsample(x: Tensor, kernel: str = "binomial") -> Tensor:
    """d(x): blur then decimate by 2, (B, C, H, W) -> (B, C, H/2, W/2)."""
    _check(x, kernel)
    if x.shape[-1] % 2 or x.shape[-2] % 2:
        raise ValueError(
            f"height and width must be even to halve, got {tuple(x.shape)}"
        )
    if kernel == "box":
        return F.avg_pool2d(x, 2)
    if min(x.shape[-2:]) < 4:
        raise ValueError(
            f"the binomial kernel reflects 2 pixels at each border: an image must be "
            f"at least 4 × 4 to halve, got {tuple(x.shape[-2:])}; use fewer levels"
        )
    return _blur(x, 1.0)[..., ::2, ::2]


def upsample(x: Tensor, kernel: str = "binomial") -> Tensor:
    """u(x): (B, C, H, W) -> (B, C, 2H, 2W); zeros between samples, blur × 4.

    A constant image stays the same constant (with ``"box"``: each pixel copied
    into a 2 × 2 block).
    """
    _check(x, kernel)
    if kernel == "box":
        return F.interpolate(x, scale_factor=2, mode="nearest")
    b, c, h, w = x.shape
    spread = x.new_zeros(b, c, 2 * h, 2 * w)
    spread[..., ::2, ::2] = x  # (B, C, 2H, 2W), zeros in between
    return _blur(spread, 4.0)


def gaussian_pyramid(x: Tensor, levels: int, kernel: str = "binomial") -> list[Tensor]:
    """[I_0, …, I_K] with I_0 = x and I_{k+1} = d(I_k), K = ``levels``."""
    _check(x, kernel)
    if not isinstance(levels, int) or levels < 0:
        raise ValueError(f"levels must be a non-negative integer, got {levels!r}")
    factor = 2**levels
    if x.shape[-1] % factor or x.shape[-2] % factor:
        raise ValueError(
            f"{levels} levels halve the image {levels} times: height and width must "
            f"be divisible by {factor}, got {tuple(x.shape[-2:])}; crop or resize it"
        )
    images = [x]
    for _ in range(levels):
        images.append(downsample(images[-1], kernel))
    return images


def laplacian_pyramid(x: Tensor, levels: int, kernel: str = "binomial") -> list[Tensor]:
    """[h_0, …, h_{K−1}, I_K], h_k = I_k − u(d(I_k)), K = ``levels`` bands.

    h_k has I_k's shape, (B, C, H / 2^k, W / 2^k); the last entry is the
    low-pass image (B, C, H / 2^K, W / 2^K).
    """
    images = gaussian_pyramid(x, levels, kernel)
    pairs = zip(images, images[1:], strict=False)
    bands = [fine - upsample(coarse, kernel) for fine, coarse in pairs]
    return [*bands, images[-1]]


def reconstruct(pyramid: list[Tensor], kernel: str = "binomial") -> Tensor:
    """The image of a pyramid [h_0, …, h_{K−1}, I_K]: I_k = u(I_{k+1}) + h_k."""
    if not pyramid:
        raise ValueError("a pyramid holds at least its low-pass image")
    image = pyramid[-1]
    for band in reversed(pyramid[:-1]):
        up = upsample(image, kernel)
        if up.shape != band.shape:
            raise ValueError(
                f"a band of shape {tuple(band.shape)} cannot follow a coarser image "
                f"of shape {tuple(image.shape)}: each band is twice the next one's size"
            )
        image = up + band
    return image
