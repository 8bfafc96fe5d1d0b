"""A small BigGAN: class-conditional BatchNorm, a hierarchical latent, residual blocks.

Brock, Donahue & Simonyan (2018, arXiv:1809.11096), chapter *BigGAN*, at the
scale of MNIST (32 × 32 px):

- :class:`ClassConditionalBatchNorm2d`: BatchNorm without its own affine
  parameters; the gain and the bias are linear functions of a conditioning
  vector c, ``BN(h) · (1 + W_γ c) + W_β c``.
- :class:`BigGANGenerator`: z (B, latent_dim) is cut into ``n_blocks + 1``
  equal chunks (the *hierarchical latent*); the first feeds the linear stem,
  block i gets c_i = [shared(y), z_i], with ``shared`` one class embedding
  shared by every block (the *shared embedding*). Residual up-blocks, tanh out.
- :class:`BigGANDiscriminator`: residual down-blocks, ReLU, sum pooling to
  features h, and the projection head of Miyato & Koyama (2018,
  arXiv:1802.05637), D(x, y) = ψ(h) + ⟨embed(y), h⟩, as in
  :class:`gantutor.models.ProjectionDiscriminator`.
- :func:`truncated_z`: the truncation trick's sampler.

Every convolution and linear layer of G and D is spectrally normalised
(``torch.nn.utils.parametrizations.spectral_norm``); the embeddings are not.
Discriminators return realness logits, shape (B,).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch.nn.utils.parametrizations import spectral_norm

from gantutor.models.conditional import Projection, check_labels
from gantutor.models.layers import check_input, positive


def sn_conv(c_in: int, c_out: int, kernel: int = 3) -> nn.Module:
    """A spectrally normalised ``kernel``×``kernel`` convolution, same padding."""
    return spectral_norm(nn.Conv2d(c_in, c_out, kernel, padding=kernel // 2))


def sn_linear(n_in: int, n_out: int, bias: bool = True) -> nn.Module:
    """A spectrally normalised linear layer."""
    return spectral_norm(nn.Linear(n_in, n_out, bias=bias))


def _plan(img_size: int, width: int) -> tuple[int, list[int]]:
    """Number of ×2 blocks from 4 px, and G's widths from the stem to the last block."""
    n_blocks = int(math.log2(img_size // 4)) if img_size >= 8 else 0
    if img_size < 8 or 4 * 2**n_blocks != img_size:
        raise ValueError(
            f"img_size must be 4·2^k with k ≥ 1 (8, 16, 32, 64); got {img_size}"
        )
    positive("width", width)
    return n_blocks, [
        width * 2 ** max(n_blocks - 1 - i, 0) for i in range(n_blocks + 1)
    ]


class ClassConditionalBatchNorm2d(nn.Module):
    """BN(h) · (1 + W_γ c) + W_β c: BatchNorm whose gain and bias depend on c.

    ``c`` (B, cond_dim) is [shared(y), z_i] in BigGAN's generator. The gain is
    1 + a linear map so that an untrained layer starts as plain BatchNorm.
    """

    def __init__(self, num_features: int, cond_dim: int):
        super().__init__()
        positive("num_features", num_features)
        positive("cond_dim", cond_dim)
        self.bn = nn.BatchNorm2d(num_features, affine=False)
        self.gain = sn_linear(cond_dim, num_features, bias=False)
        self.bias = sn_linear(cond_dim, num_features, bias=False)

    def forward(self, h: Tensor, c: Tensor) -> Tensor:
        gamma = 1 + self.gain(c)[:, :, None, None]  # (B, C, 1, 1)
        beta = self.bias(c)[:, :, None, None]  # (B, C, 1, 1)
        return self.bn(h) * gamma + beta  # (B, C, H, W)


class GBlock(nn.Module):
    """G's residual block: [cBN, ReLU, ×2, conv, cBN, ReLU, conv] + [×2, 1×1 conv]."""

    def __init__(self, c_in: int, c_out: int, cond_dim: int):
        super().__init__()
        self.bn1 = ClassConditionalBatchNorm2d(c_in, cond_dim)
        self.conv1 = sn_conv(c_in, c_out)
        self.bn2 = ClassConditionalBatchNorm2d(c_out, cond_dim)
        self.conv2 = sn_conv(c_out, c_out)
        self.skip = sn_conv(c_in, c_out, kernel=1)

    def forward(self, h: Tensor, c: Tensor) -> Tensor:
        up = F.interpolate(h, scale_factor=2, mode="nearest")  # (B, C_in, 2H, 2W)
        out = F.interpolate(F.relu(self.bn1(h, c)), scale_factor=2, mode="nearest")
        out = self.conv2(F.relu(self.bn2(self.conv1(out), c)))  # (B, C_out, 2H, 2W)
        return out + self.skip(up)


class DBlock(nn.Module):
    """D's residual block: [(ReLU), conv, ReLU, conv, avg-pool] + [1×1 conv, avg-pool].

    The first block of D (``first=True``) takes the image itself: no ReLU before
    its first convolution.
    """

    def __init__(self, c_in: int, c_out: int, first: bool = False):
        super().__init__()
        self.first = first
        self.conv1 = sn_conv(c_in, c_out)
        self.conv2 = sn_conv(c_out, c_out)
        self.skip = sn_conv(c_in, c_out, kernel=1)

    def forward(self, x: Tensor) -> Tensor:
        out = x if self.first else F.relu(x)
        out = self.conv2(F.relu(self.conv1(out)))  # (B, C_out, H, W)
        return F.avg_pool2d(out + self.skip(x), 2)  # (B, C_out, H/2, W/2)


class BigGANGenerator(nn.Module):
    """G(z, y): z (B, latent_dim), labels (B,) -> x (B, channels, img_size, img_size).

    ``latent_dim`` is split into ``n_blocks + 1`` equal chunks (n_blocks = 3 at
    32 px): the first goes through a linear stem to a 4×4 map of ``4·width``
    channels, chunk i+1 with the shared class embedding (``shared_dim``) to the
    conditional BatchNorms of block i. Widths halve block by block down to
    ``width``; the output is BN, ReLU, a 3×3 convolution and tanh.
    """

    def __init__(
        self,
        latent_dim: int = 64,
        n_classes: int = 10,
        img_size: int = 32,
        channels: int = 1,
        width: int = 16,
        shared_dim: int = 32,
    ):
        super().__init__()
        sizes = dict(latent_dim=latent_dim, n_classes=n_classes, channels=channels)
        for name, value in {**sizes, "shared_dim": shared_dim}.items():
            positive(name, value)
        self.n_blocks, widths = _plan(img_size, width)
        if latent_dim % (self.n_blocks + 1):
            raise ValueError(
                f"latent_dim={latent_dim} must split into {self.n_blocks + 1} equal "
                f"chunks (one for the stem, one per block at {img_size} px); use a "
                f"multiple of {self.n_blocks + 1}"
            )
        self.latent_dim, self.n_classes = latent_dim, n_classes
        self.img_size, self.channels = img_size, channels
        self.chunk = latent_dim // (self.n_blocks + 1)
        self.shared = nn.Embedding(n_classes, shared_dim)
        self.stem = sn_linear(self.chunk, widths[0] * 16)
        cond_dim = shared_dim + self.chunk
        self.blocks = nn.ModuleList(
            GBlock(c_in, c_out, cond_dim)
            for c_in, c_out in zip(widths[:-1], widths[1:], strict=True)
        )
        self.out = nn.Sequential(
            nn.BatchNorm2d(widths[-1]),
            nn.ReLU(),
            sn_conv(widths[-1], channels),
            nn.Tanh(),
        )

    def forward(self, z: Tensor, y: Tensor | None = None) -> Tensor:
        check_input(z, (self.latent_dim,), type(self).__name__)
        check_labels(y, self.n_classes, len(z), type(self).__name__)
        first, *chunks = z.split(self.chunk, dim=1)  # n_blocks + 1 × (B, chunk)
        shared = self.shared(y)  # (B, shared_dim): one embedding for every block
        h = self.stem(first).view(len(z), -1, 4, 4)  # (B, 4·width, 4, 4)
        for block, z_i in zip(self.blocks, chunks, strict=True):
            h = block(h, torch.cat([shared, z_i], dim=1))  # (B, C, 2H, 2W)
        return self.out(h)  # (B, channels, img_size, img_size)


class BigGANDiscriminator(Projection):
    """D(x, y) -> realness logits (B,): residual down-blocks and a projection head.

    ``n_blocks`` blocks halve the image to 4×4 while the width doubles from
    ``width`` (capped at 4·width); then ReLU and a sum over positions give the
    features h = φ(x), and D(x, y) = ψ(h) + ⟨embed(y), h⟩ (Miyato & Koyama 2018).
    ``features``, ``unconditional`` and ``projection`` are exposed
    (:class:`gantutor.models.conditional.Projection`).
    """

    def __init__(
        self,
        n_classes: int = 10,
        img_size: int = 32,
        channels: int = 1,
        width: int = 16,
    ):
        super().__init__()
        positive("n_classes", n_classes)
        positive("channels", channels)
        n_blocks, widths = _plan(img_size, width)
        self.n_classes, self.in_shape = n_classes, (channels, img_size, img_size)
        widths = [channels, *reversed(widths[:-1])]  # channels, w, 2w, 4w at 32 px
        pairs = zip(widths[:-1], widths[1:], strict=True)
        self.blocks = nn.Sequential(
            *(
                DBlock(c_in, c_out, first=i == 0)
                for i, (c_in, c_out) in enumerate(pairs)
            )
        )
        self.psi = sn_linear(widths[-1], 1)
        self.embed = spectral_norm(nn.Embedding(n_classes, widths[-1]))

    def features(self, x: Tensor) -> Tensor:
        check_input(x, self.in_shape, type(self).__name__)
        return F.relu(self.blocks(x)).sum(dim=(2, 3))  # (B, 4·width)


def truncated_z(
    n: int,
    latent_dim: int,
    threshold: float | None = None,
    generator: torch.Generator | None = None,
    device: torch.device | str | None = None,
) -> Tensor:
    """z (n, latent_dim) ~ N(0, I) with every |z_j| ≤ ``threshold``: truncation.

    Entries that fall outside [−threshold, threshold] are drawn again until none
    does (Brock et al. 2018, §3.1), which samples N(0, 1) restricted to the
    interval. ``threshold=None`` (or ∞) is plain N(0, I). Reads the host once
    per redraw: call it outside a captured step.
    """
    if threshold is not None and not threshold > 0:
        raise ValueError(f"threshold must be positive (or None), got {threshold}")
    if generator is not None:
        device = generator.device
    z = torch.randn(n, latent_dim, generator=generator, device=device)
    if threshold is None or math.isinf(threshold):
        return z
    outside = z.abs() > threshold
    while outside.any():
        fresh = torch.randn(n, latent_dim, generator=generator, device=device)
        z = torch.where(outside, fresh, z)
        outside = z.abs() > threshold
    return z  # (n, latent_dim)
