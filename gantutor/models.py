"""Generators and discriminators: an MLP pair and a DCGAN pair for 28, 32 or 64 px.

Discriminators return *realness logits*, one per sample, shape (B,): higher means
"more real"; no sigmoid at the output (see :mod:`gantutor.losses`).
"""

from __future__ import annotations

import math

from torch import Tensor, nn

IMG_SIZES = (28, 32, 64)


def _positive(name: str, value: int) -> None:
    if not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")


def _as_shape(shape: int | tuple[int, ...]) -> tuple[int, ...]:
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    for s in shape:
        _positive("each dimension of the data shape", s)
    return shape


def _check_input(x: Tensor, shape: tuple[int, ...], who: str) -> None:
    if tuple(x.shape[1:]) != shape:
        raise ValueError(
            f"{who} expects inputs of shape (B, {', '.join(map(str, shape))}); "
            f"got {tuple(x.shape)}. Resize the data or build the model for this shape."
        )


def _mlp(sizes: list[int]) -> nn.Sequential:
    layers: list[nn.Module] = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(nn.Linear(n_in, n_out))
        if i < len(sizes) - 2:
            layers.append(nn.LeakyReLU(0.2))
    return nn.Sequential(*layers)


class MLPGenerator(nn.Module):
    """z (B, latent_dim) -> x (B, *out_shape) through ``depth`` hidden layers.

    ``out="tanh"`` for images in [-1, 1]; ``out="linear"`` for 2-D points.
    """

    def __init__(
        self,
        latent_dim: int,
        out_shape: int | tuple[int, ...],
        hidden: int = 128,
        depth: int = 3,
        out: str = "linear",
    ):
        super().__init__()
        _positive("latent_dim", latent_dim)
        _positive("hidden", hidden)
        _positive("depth", depth)
        if out not in ("linear", "tanh"):
            raise ValueError(f"out must be 'linear' or 'tanh', got {out!r}")
        self.latent_dim, self.out_shape = latent_dim, _as_shape(out_shape)
        self.net = _mlp([latent_dim] + [hidden] * depth + [math.prod(self.out_shape)])
        self.out = nn.Tanh() if out == "tanh" else nn.Identity()

    def forward(self, z: Tensor) -> Tensor:
        _check_input(z, (self.latent_dim,), type(self).__name__)
        x = self.out(self.net(z))  # (B, prod(out_shape))
        return x.view(-1, *self.out_shape)


class MLPDiscriminator(nn.Module):
    """x (B, *in_shape) -> realness logits (B,)."""

    def __init__(
        self, in_shape: int | tuple[int, ...], hidden: int = 128, depth: int = 3
    ):
        super().__init__()
        _positive("hidden", hidden)
        _positive("depth", depth)
        self.in_shape = _as_shape(in_shape)
        self.net = _mlp([math.prod(self.in_shape)] + [hidden] * depth + [1])

    def forward(self, x: Tensor) -> Tensor:
        _check_input(x, self.in_shape, type(self).__name__)
        return self.net(x.flatten(1)).squeeze(1)  # (B,)


def _plan(img_size: int, width: int) -> tuple[int, list[int]]:
    """Base resolution and channel widths from the base up to the last hidden layer."""
    if img_size not in IMG_SIZES:
        raise ValueError(f"img_size must be one of {IMG_SIZES}, got {img_size!r}")
    base = 7 if img_size == 28 else 4
    n_up = int(math.log2(img_size // base))  # 28: 2, 32: 3, 64: 4
    return base, [width * 2 ** (n_up - 1 - i) for i in range(n_up)]


class DCGANGenerator(nn.Module):
    """DCGAN generator (Radford et al. 2015, arXiv:1511.06434).

    z (B, latent_dim) -> x (B, channels, img_size, img_size) in [-1, 1]: a
    transposed convolution to a ``base``×``base`` map (7 for 28 px, else 4), then
    stride-2 transposed convolutions that double the size and halve the width,
    BatchNorm and ReLU between them, ``tanh`` at the end.
    """

    def __init__(
        self,
        latent_dim: int = 100,
        img_size: int = 64,
        channels: int = 3,
        width: int = 64,
    ):
        super().__init__()
        for name, value in [
            ("latent_dim", latent_dim),
            ("channels", channels),
            ("width", width),
        ]:
            _positive(name, value)
        base, widths = _plan(img_size, width)
        self.latent_dim, self.img_size, self.channels = latent_dim, img_size, channels
        layers: list[nn.Module] = [
            nn.ConvTranspose2d(latent_dim, widths[0], base, 1, 0, bias=False),
            nn.BatchNorm2d(widths[0]),
            nn.ReLU(),
        ]
        for c_in, c_out in zip(widths[:-1], widths[1:], strict=True):
            layers += [
                nn.ConvTranspose2d(c_in, c_out, 4, 2, 1, bias=False),
                nn.BatchNorm2d(c_out),
                nn.ReLU(),
            ]
        layers += [nn.ConvTranspose2d(widths[-1], channels, 4, 2, 1), nn.Tanh()]
        self.net = nn.Sequential(*layers)
        self.apply(dcgan_init)

    def forward(self, z: Tensor) -> Tensor:
        _check_input(z, (self.latent_dim,), type(self).__name__)
        return self.net(z[:, :, None, None])  # (B, C, H, W)


class DCGANDiscriminator(nn.Module):
    """DCGAN discriminator: stride-2 convolutions with LeakyReLU(0.2) -> logits (B,).

    ``norm="batch"`` follows the paper; use ``norm="layer"`` or ``"none"`` for a
    critic with a per-sample gradient penalty (BatchNorm couples the samples).
    """

    NORMS = ("batch", "layer", "none")

    def __init__(
        self,
        img_size: int = 64,
        channels: int = 3,
        width: int = 64,
        norm: str = "batch",
    ):
        super().__init__()
        _positive("channels", channels)
        _positive("width", width)
        if norm not in self.NORMS:
            raise ValueError(f"norm must be one of {self.NORMS}, got {norm!r}")
        base, widths = _plan(img_size, width)
        widths = widths[::-1]  # narrow to wide
        self.in_shape = (channels, img_size, img_size)
        layers: list[nn.Module] = [
            nn.Conv2d(channels, widths[0], 4, 2, 1),
            nn.LeakyReLU(0.2),
        ]
        size = img_size // 2
        for c_in, c_out in zip(widths[:-1], widths[1:], strict=True):
            size //= 2
            layers += [
                nn.Conv2d(c_in, c_out, 4, 2, 1, bias=norm == "none"),
                _norm(norm, c_out, size),
                nn.LeakyReLU(0.2),
            ]
        layers.append(nn.Conv2d(widths[-1], 1, base, 1, 0))
        self.net = nn.Sequential(*layers)
        self.apply(dcgan_init)

    def forward(self, x: Tensor) -> Tensor:
        _check_input(x, self.in_shape, type(self).__name__)
        return self.net(x).flatten()  # (B,)


def _norm(kind: str, channels: int, size: int) -> nn.Module:
    if kind == "batch":
        return nn.BatchNorm2d(channels)
    if kind == "layer":
        return nn.LayerNorm([channels, size, size])
    return nn.Identity()


def dcgan_init(module: nn.Module) -> None:
    """Weights N(0, 0.02), BatchNorm scales N(1, 0.02), as in the DCGAN paper."""
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.BatchNorm2d):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


class Classifier(nn.Module):
    """A small CNN for (B, channels, 28, 28) images -> class logits (B, n_classes)."""

    def __init__(self, n_classes: int = 10, channels: int = 1, width: int = 16):
        super().__init__()
        for name, value in [
            ("n_classes", n_classes),
            ("channels", channels),
            ("width", width),
        ]:
            _positive(name, value)
        self.in_shape = (channels, 28, 28)
        self.net = nn.Sequential(
            nn.Conv2d(channels, width, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),  # 14
            nn.Conv2d(width, 2 * width, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),  # 7
            nn.Flatten(),
            nn.Linear(2 * width * 49, 64),
            nn.ReLU(),
            nn.Linear(64, n_classes),
        )

    def forward(self, x: Tensor) -> Tensor:
        _check_input(x, self.in_shape, type(self).__name__)
        return self.net(x)  # (B, n_classes)
