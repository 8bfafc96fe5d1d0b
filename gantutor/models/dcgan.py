"""The DCGAN pair for 28, 32 or 64 px (Radford, Metz & Chintala 2015, arXiv:1511.06434).

The discriminator returns realness logits, shape (B,) (see :mod:`gantutor.losses`).
Both take ``rules``, a :class:`~gantutor.models.dcgan_rules.DCGANRules`, to build
the network with any of the paper's architecture rules removed (chapter *DCGAN's
rules*); the default follows them all.
"""

from __future__ import annotations

import math

from torch import Tensor, nn

from gantutor.models.dcgan_rules import (
    ALL_RULES,
    FC_SCALE,
    DCGANRules,
    check_rules,
    d_activation,
    down_conv,
    pool,
    up,
)
from gantutor.models.layers import check_input, positive

IMG_SIZES = (28, 32, 64)


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
    BatchNorm and ReLU between them, ``tanh`` at the end. ``rules`` switches off
    any of the paper's architecture rules (:mod:`gantutor.models.dcgan_rules`).
    """

    def __init__(
        self,
        latent_dim: int = 100,
        img_size: int = 64,
        channels: int = 3,
        width: int = 64,
        rules: DCGANRules = ALL_RULES,
    ):
        super().__init__()
        for name, value in [
            ("latent_dim", latent_dim),
            ("channels", channels),
            ("width", width),
        ]:
            positive(name, value)
        base, widths = _plan(img_size, width)
        self.rules = r = check_rules(rules)
        self.latent_dim, self.img_size, self.channels = latent_dim, img_size, channels
        bias = not r.batchnorm  # BatchNorm's shift replaces a bias
        layers: list[nn.Module] = []
        n_in = latent_dim
        if not r.no_fc:  # a 1×1 convolution of a 1×1 map is a fully connected layer
            n_in = FC_SCALE * width
            layers += [nn.Conv2d(latent_dim, n_in, 1, bias=bias), *_bn(r, n_in)]
            layers.append(nn.ReLU())
        layers += [
            nn.ConvTranspose2d(n_in, widths[0], base, 1, 0, bias=bias),
            *_bn(r, widths[0]),
            nn.ReLU(),
        ]
        for c_in, c_out in zip(widths[:-1], widths[1:], strict=True):
            layers += [*up(c_in, c_out, r, bias), *_bn(r, c_out), nn.ReLU()]
        layers += up(widths[-1], channels, r, bias=True)
        layers += [nn.Tanh()] if r.tanh else []
        self.net = nn.Sequential(*layers)
        self.apply(dcgan_init)

    def forward(self, z: Tensor) -> Tensor:
        check_input(z, (self.latent_dim,), type(self).__name__)
        return self.net(z[:, :, None, None])  # (B, C, H, W)


class DCGANDiscriminator(nn.Module):
    """DCGAN discriminator: stride-2 convolutions with LeakyReLU(0.2) -> logits (B,).

    ``norm="batch"`` follows the paper; use ``norm="layer"`` or ``"none"`` for a
    critic with a per-sample gradient penalty (BatchNorm couples the samples).
    ``rules`` switches off any of the paper's architecture rules
    (:mod:`gantutor.models.dcgan_rules`); ``rules.batchnorm=False`` needs
    ``norm="batch"`` or ``"none"`` and builds no normalisation.
    """

    NORMS = ("batch", "layer", "none")

    def __init__(
        self,
        img_size: int = 64,
        channels: int = 3,
        width: int = 64,
        norm: str = "batch",
        rules: DCGANRules = ALL_RULES,
    ):
        super().__init__()
        positive("channels", channels)
        positive("width", width)
        if norm not in self.NORMS:
            raise ValueError(f"norm must be one of {self.NORMS}, got {norm!r}")
        r = check_rules(rules)
        if not r.batchnorm and norm == "layer":
            raise ValueError(
                "rules.batchnorm=False removes normalisation: pass norm='none'"
            )
        self.rules, norm = r, norm if r.batchnorm else "none"
        base, widths = _plan(img_size, width)
        widths = widths[::-1]  # narrow to wide
        self.in_shape = (channels, img_size, img_size)
        layers: list[nn.Module] = [
            down_conv(channels, widths[0], r, bias=True),
            d_activation(r),
            *pool(r),
        ]
        size = img_size // 2
        for c_in, c_out in zip(widths[:-1], widths[1:], strict=True):
            size //= 2
            layers += [
                down_conv(c_in, c_out, r, bias=norm == "none"),
                _norm(norm, c_out, size if r.strided else 2 * size),
                d_activation(r),
                *pool(r),
            ]
        if r.no_fc:
            layers.append(nn.Conv2d(widths[-1], 1, base, 1, 0))
        else:  # a base×base convolution of a base×base map is fully connected
            hidden = FC_SCALE * width
            layers += [
                nn.Conv2d(widths[-1], hidden, base, 1, 0, bias=norm == "none"),
                _norm(norm, hidden, 1),
                d_activation(r),
                nn.Conv2d(hidden, 1, 1),
            ]
        self.net = nn.Sequential(*layers)
        self.apply(dcgan_init)

    def forward(self, x: Tensor) -> Tensor:
        check_input(x, self.in_shape, type(self).__name__)
        return self.net(x).flatten()  # (B,)


def _bn(rules: DCGANRules, channels: int) -> list[nn.Module]:
    """G's BatchNorm after a hidden layer, if the rules keep it."""
    return [nn.BatchNorm2d(channels)] if rules.batchnorm else []


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
