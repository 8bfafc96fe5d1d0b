"""LAPGAN: one conditional GAN per level of a Laplacian pyramid, sampled coarse to fine.

Denton, Chintala, Szlam & Fergus (2015, arXiv:1506.05751). An image is its
Laplacian pyramid [h_0, …, h_{K−1}, I_K] (:mod:`gantutor.data.pyramid`). LAPGAN
draws the low-pass image from an unconditional GAN, Ĩ_K = G_K(z_K), then each
finer level from a *conditional* generator that sees the upsampled coarser
image l_k = u(Ĩ_{k+1}) and returns the band that it lacks:

    h̃_k = G_k(z_k, l_k),    Ĩ_k = l_k + h̃_k.

D_k judges (band, coarse image) pairs: (h_k, l_k) of a real image against
(h̃_k, l_k) with the same real l_k. Each level is trained on its own band of the
real pyramid, independently of the others (the paper's procedure). Chapter
*LAPGAN*. Discriminators return realness logits, shape (B,).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from gantutor.data.pyramid import KERNELS, upsample
from gantutor.models.layers import check_input, device_of, positive


class ResidualGenerator(nn.Module):
    """G_k(z, l) -> h̃: the band of a level, given l, the upsampled coarser image.

    z (B, noise_channels, S, S) is a plane of noise stacked onto l (B, C, S, S)
    as extra channels (the paper's CIFAR-10 models take one); ``depth``
    3 × 3 convolutions keep the size, BatchNorm and ReLU between them, and the
    last is linear: a band has both signs. Any S works.
    """

    def __init__(
        self,
        channels: int = 3,
        width: int = 64,
        depth: int = 3,
        noise_channels: int = 1,
    ):
        super().__init__()
        for name, value in [
            ("channels", channels),
            ("width", width),
            ("noise_channels", noise_channels),
        ]:
            positive(name, value)
        if not isinstance(depth, int) or depth < 2:
            raise ValueError(
                f"depth (convolutions) must be an integer >= 2, got {depth!r}"
            )
        self.channels, self.noise_channels = channels, noise_channels
        sizes = [channels + noise_channels] + [width] * (depth - 1)
        layers: list[nn.Module] = []
        for c_in, c_out in zip(sizes[:-1], sizes[1:], strict=True):
            layers += [
                nn.Conv2d(c_in, c_out, 3, 1, 1, bias=False),
                nn.BatchNorm2d(c_out),
                nn.ReLU(),
            ]
        layers.append(nn.Conv2d(sizes[-1], channels, 3, 1, 1))
        self.net = nn.Sequential(*layers)

    def noise(self, coarse: Tensor) -> Tensor:
        """Fresh z for the coarse images l (B, C, S, S): (B, noise_channels, S, S)."""
        b, _, h, w = coarse.shape
        return torch.randn(b, self.noise_channels, h, w, device=coarse.device)

    def forward(self, z: Tensor, coarse: Tensor) -> Tensor:
        who = type(self).__name__
        check_input(coarse, (self.channels, *coarse.shape[2:]), who)
        check_input(z, (self.noise_channels, *coarse.shape[2:]), who)
        return self.net(torch.cat([coarse, z], dim=1))  # (B, C, S, S)


class ResidualDiscriminator(nn.Module):
    """D_k(h, l) -> realness logits (B,): a band judged with its coarse image.

    h and l (B, C, S, S) are stacked into 2C channels; stride-2 4 × 4
    convolutions with LeakyReLU(0.2) halve the size down to 4 × 4 (the width
    doubling each time, from ``width``), then a linear layer. Stacking (h, l)
    lets the first layer form the sum l + h that the paper feeds D_k, or
    anything else linear in the pair.
    """

    def __init__(self, img_size: int, channels: int = 3, width: int = 32):
        super().__init__()
        for name, value in [("channels", channels), ("width", width)]:
            positive(name, value)
        if img_size < 8 or img_size & (img_size - 1):
            raise ValueError(f"img_size must be a power of 2, >= 8; got {img_size!r}")
        self.in_shape = (channels, img_size, img_size)
        layers: list[nn.Module] = []
        c_in, c_out, size = 2 * channels, width, img_size
        while size > 4:
            layers += [nn.Conv2d(c_in, c_out, 4, 2, 1), nn.LeakyReLU(0.2)]
            c_in, c_out, size = c_out, 2 * c_out, size // 2
        self.net = nn.Sequential(*layers, nn.Flatten(), nn.Linear(c_in * 16, 1))

    def forward(self, h: Tensor, coarse: Tensor) -> Tensor:
        check_input(h, self.in_shape, type(self).__name__)
        check_input(coarse, self.in_shape, type(self).__name__)
        return self.net(torch.cat([h, coarse], dim=1)).squeeze(1)  # (B,)


@dataclass(frozen=True)
class LevelSamples:
    """Images built coarse to fine, every level kept.

    ``images[0]`` is the low-pass sample Ĩ_K (B, C, s, s); ``images[j + 1] =
    coarse[j] + residuals[j]`` with ``coarse[j] = u(images[j])``: what level j
    received, what it added, what it made. ``images[-1]`` is the final image.
    """

    images: list[Tensor]
    coarse: list[Tensor]
    residuals: list[Tensor]

    @property
    def final(self) -> Tensor:
        return self.images[-1]

    @classmethod
    def of_pyramid(
        cls, pyramid: list[Tensor], kernel: str = "binomial"
    ) -> LevelSamples:
        """A real pyramid [h_0, …, h_{K−1}, I_K] in the same form, coarse to fine."""
        images, coarse, residuals = [pyramid[-1]], [], []
        for h_k in reversed(pyramid[:-1]):
            l_k = upsample(images[-1], kernel)  # (B, C, S, S)
            coarse.append(l_k)
            residuals.append(h_k)
            images.append(l_k + h_k)
        return cls(images, coarse, residuals)


class LAPGAN(nn.Module):
    """The generators of a LAPGAN: ``G_low`` for Ĩ_K, then ``levels``, coarse to fine.

    ``G_low(z)`` returns (B, C, s, s) images from z (B, latent_dim); each level is
    a :class:`ResidualGenerator`. ``kernel`` is the pyramid's upsampling (the one
    the data's pyramid was built with).
    """

    def __init__(
        self,
        G_low: nn.Module,
        levels: Sequence[ResidualGenerator],
        kernel: str = "binomial",
    ):
        super().__init__()
        if kernel not in KERNELS:
            raise ValueError(f"kernel must be one of {KERNELS}, got {kernel!r}")
        if not hasattr(G_low, "latent_dim"):
            raise ValueError("G_low must declare its latent_dim (e.g. an MLPGenerator)")
        self.G_low, self.levels, self.kernel = G_low, nn.ModuleList(levels), kernel
        self.latent_dim = G_low.latent_dim

    @torch.no_grad()
    def sample(self, n: int, z: Tensor | None = None) -> LevelSamples:
        """``n`` images built coarse to fine; ``z`` (n, latent_dim) or fresh noise."""
        if z is None:
            positive("n", n)
            z = torch.randn(n, self.latent_dim, device=device_of(self))
        images, coarse, residuals = [self.G_low(z)], [], []  # (B, C, s, s)
        for G in self.levels:
            l_k = upsample(images[-1], self.kernel)  # (B, C, 2s, 2s)
            h_k = G(G.noise(l_k), l_k)  # (B, C, 2s, 2s)
            coarse.append(l_k)
            residuals.append(h_k)
            images.append(l_k + h_k)
        return LevelSamples(images, coarse, residuals)

    def forward(self, z: Tensor) -> Tensor:
        """The final images for z (B, latent_dim): a one-shot G's interface."""
        return self.sample(len(z), z).final
