"""Networks for unpaired translation: a ResNet generator, a PatchGAN, a 2-D map.

The generator follows Johnson et al. (2016, arXiv:1603.08155) as CycleGAN uses it
(Zhu et al. 2017, arXiv:1703.10593, appendix 7.2), sized for 28 × 28 digits: a
7 × 7 stem, two stride-2 downsamplings, ``n_blocks`` residual blocks, two
upsamplings, a 7 × 7 head and ``tanh``, with InstanceNorm throughout. The PatchGAN
(Isola et al. 2017, arXiv:1611.07004, §3.2.2) classifies overlapping patches: it
returns one realness logit per patch, shape (B, P). The losses of
:mod:`gantutor.losses` take one logit per sample, so a step passes them
``d.flatten()``, shape (B·P,): every patch counts as a sample, and each loss
(a mean over samples) becomes the mean over samples and patches.
"""

from __future__ import annotations

from torch import Tensor, nn

from gantutor.models.layers import check_input, mlp, positive


def conv_in_relu(c_in: int, c_out: int, stride: int) -> list[nn.Module]:
    """3 × 3 convolution (stride 1 or 2), InstanceNorm, ReLU."""
    return [
        nn.Conv2d(c_in, c_out, kernel_size=3, stride=stride, padding=1),
        nn.InstanceNorm2d(c_out),
        nn.ReLU(),
    ]


class ResidualBlock(nn.Module):
    """x + [conv 3 × 3, IN, ReLU, conv 3 × 3, IN](x), reflection padding."""

    def __init__(self, channels: int):
        super().__init__()
        positive("channels", channels)
        self.body = nn.Sequential(
            nn.ReflectionPad2d(1),
            nn.Conv2d(channels, channels, kernel_size=3),
            nn.InstanceNorm2d(channels),
            nn.ReLU(),
            nn.ReflectionPad2d(1),
            nn.Conv2d(channels, channels, kernel_size=3),
            nn.InstanceNorm2d(channels),
        )

    def forward(self, x: Tensor) -> Tensor:
        return x + self.body(x)  # (B, C, H, W)


class ResNetGenerator(nn.Module):
    """Image → image, (B, c_in, S, S) → (B, c_out, S, S) in [-1, 1]; S divisible by 4.

    ``width`` channels after the stem, 4 × ``width`` in the ``n_blocks`` residual
    blocks at S/4 (7 × 7 for digits).
    """

    def __init__(
        self,
        c_in: int = 1,
        c_out: int = 3,
        width: int = 32,
        n_blocks: int = 3,
        img_size: int = 28,
    ):
        super().__init__()
        for name, value in [("c_in", c_in), ("c_out", c_out), ("width", width)]:
            positive(name, value)
        positive("n_blocks", n_blocks)
        positive("img_size", img_size)
        if img_size % 4:
            raise ValueError(f"img_size must be divisible by 4, got {img_size}")
        self.in_shape = (c_in, img_size, img_size)
        w = width
        up = dict(kernel_size=3, stride=2, padding=1, output_padding=1)
        self.net = nn.Sequential(
            nn.ReflectionPad2d(3),
            nn.Conv2d(c_in, w, kernel_size=7),
            nn.InstanceNorm2d(w),
            nn.ReLU(),
            *conv_in_relu(w, 2 * w, stride=2),  # S/2
            *conv_in_relu(2 * w, 4 * w, stride=2),  # S/4
            *[ResidualBlock(4 * w) for _ in range(n_blocks)],
            nn.ConvTranspose2d(4 * w, 2 * w, **up),  # S/2
            nn.InstanceNorm2d(2 * w),
            nn.ReLU(),
            nn.ConvTranspose2d(2 * w, w, **up),  # S
            nn.InstanceNorm2d(w),
            nn.ReLU(),
            nn.ReflectionPad2d(3),
            nn.Conv2d(w, c_out, kernel_size=7),
            nn.Tanh(),
        )

    def forward(self, x: Tensor) -> Tensor:
        check_input(x, self.in_shape, type(self).__name__)
        return self.net(x)  # (B, c_out, S, S)


NORMS = ("instance", "none")


class PatchDiscriminator(nn.Module):
    """PatchGAN: (B, c_in, S, S) → realness logits per patch, shape (B, P).

    ``n_down`` stride-2 4 × 4 convolutions (``width``, 2 ``width``, ...), one
    stride-1 4 × 4 convolution, then a 4 × 4 convolution to one channel, as in
    Isola et al. (2017); LeakyReLU(0.2). For 28 × 28 and ``n_down=2`` the map is
    5 × 5 (P = 25), each logit seeing a ``receptive_field`` of 34 × 34 pixels
    (padding included; ``n_down=1``: 12 × 12 logits of 16 × 16, ``n_down=3``: the
    70 × 70 PatchGAN of CycleGAN).
    ``norm="instance"`` (CycleGAN) normalises every layer but the first, which
    couples the patches through the image's statistics; ``"none"`` keeps each
    logit a function of its patch alone (and suits a clipped WGAN critic).
    """

    def __init__(
        self,
        c_in: int = 3,
        width: int = 32,
        n_down: int = 2,
        img_size: int = 28,
        norm: str = "instance",
    ):
        super().__init__()
        for name, value in [("c_in", c_in), ("width", width), ("n_down", n_down)]:
            positive(name, value)
        positive("img_size", img_size)
        if norm not in NORMS:
            raise ValueError(f"norm must be one of {NORMS}, got {norm!r}")
        self.in_shape = (c_in, img_size, img_size)
        layers: list[nn.Module] = []
        size, channels = img_size, c_in
        for i in range(n_down + 1):
            stride = 2 if i < n_down else 1
            out = width * 2**i
            layers.append(nn.Conv2d(channels, out, 4, stride=stride, padding=1))
            if i > 0 and norm == "instance":
                layers.append(nn.InstanceNorm2d(out))
            layers.append(nn.LeakyReLU(0.2))
            size, channels = (size + 2 - 4) // stride + 1, out
        layers.append(nn.Conv2d(channels, 1, 4, stride=1, padding=1))
        size = size - 1
        if size < 1:
            raise ValueError(
                f"img_size={img_size} is too small for n_down={n_down}: no patch left"
            )
        self.net = nn.Sequential(*layers)
        self.map_size = size  # the patch map is map_size × map_size
        jump = 2**n_down  # input pixels between neighbouring logits
        self.receptive_field = 1 + 3 * (jump - 1) + 6 * jump  # Σ (k − 1) × jump

    def forward(self, x: Tensor) -> Tensor:
        check_input(x, self.in_shape, type(self).__name__)
        return self.net(x).flatten(1)  # (B, P)


class PointMap(nn.Module):
    """A map of the plane (or of R^dim), x (B, dim) → (B, dim): an MLP."""

    def __init__(self, dim: int = 2, hidden: int = 64, depth: int = 2):
        super().__init__()
        for name, value in [("dim", dim), ("hidden", hidden), ("depth", depth)]:
            positive(name, value)
        self.dim = dim
        self.net = mlp([dim] + [hidden] * depth + [dim])

    def forward(self, x: Tensor) -> Tensor:
        check_input(x, (self.dim,), type(self).__name__)
        return self.net(x)  # (B, dim)
