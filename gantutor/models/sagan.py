"""A small SAGAN pair: DCGAN-shaped nets with spectral norm and one attention block.

Zhang, Goodfellow, Metaxas & Odena (2018, arXiv:1805.08318), chapter *SAGAN*:
spectral normalisation (Miyato et al. 2018, arXiv:1802.05957) in G and D,
BatchNorm in G, and a :class:`~gantutor.models.attention.SelfAttention2d` block
at one resolution (``attention_at``, 8×8 by default) in both. ``attention=False``
builds the same nets without the block: the baseline of the same size and
training. D returns realness logits, shape (B,) (see :mod:`gantutor.losses`);
the paper trains with the hinge loss (``gt.losses.hinge_d``, ``hinge_g``).
"""

from __future__ import annotations

import math

from torch import Tensor, nn
from torch.nn.utils.parametrizations import spectral_norm

from gantutor.models.attention import SelfAttention2d
from gantutor.models.layers import check_input, positive

IMG_SIZES = (32, 64)


def _widths(img_size: int, width: int, attention_at: int) -> list[int]:
    """Channel widths of the maps 4×4, 8×8, ... up to half the image size."""
    if img_size not in IMG_SIZES:
        raise ValueError(f"img_size must be one of {IMG_SIZES}, got {img_size!r}")
    n_up = int(math.log2(img_size // 4))  # 32: 3, 64: 4
    sizes = [4 * 2**i for i in range(1, n_up)]  # the maps between the stem and S/2
    if attention_at not in [*sizes, img_size // 2]:
        raise ValueError(
            f"attention_at must be the size of a hidden map, one of "
            f"{[*sizes, img_size // 2]} for {img_size} px; got {attention_at!r}"
        )
    return [width * 2 ** (n_up - 1 - i) for i in range(n_up)]


def _sn(layer: nn.Module, spectral: bool) -> nn.Module:
    return spectral_norm(layer) if spectral else layer


def _attention(on: bool, channels: int, spectral: bool) -> list[nn.Module]:
    return [SelfAttention2d(channels, spectral=spectral)] if on else []


class SAGANGenerator(nn.Module):
    """SAGAN's generator, small: z (B, latent_dim) -> x (B, channels, S, S) in [-1, 1].

    A transposed convolution to 4×4, stride-2 transposed convolutions with
    BatchNorm and ReLU up to S/2, the attention block after the map of size
    ``attention_at`` (``attention=True``), a last transposed convolution to S
    and ``tanh``. ``spectral=True`` normalises every convolution, as the paper
    does in G too.
    """

    def __init__(
        self,
        latent_dim: int = 64,
        img_size: int = 32,
        channels: int = 3,
        width: int = 32,
        attention: bool = True,
        attention_at: int = 8,
        spectral: bool = True,
    ):
        super().__init__()
        for name, value in [("latent_dim", latent_dim), ("channels", channels)]:
            positive(name, value)
        positive("width", width)
        widths = _widths(img_size, width, attention_at)
        self.latent_dim, self.img_size, self.channels = latent_dim, img_size, channels
        layers: list[nn.Module] = [
            _sn(
                nn.ConvTranspose2d(latent_dim, widths[0], 4, 1, 0, bias=False), spectral
            ),
            nn.BatchNorm2d(widths[0]),
            nn.ReLU(),
        ]
        size = 4
        for c_in, c_out in zip(widths[:-1], widths[1:], strict=True):
            size *= 2
            layers += [
                _sn(nn.ConvTranspose2d(c_in, c_out, 4, 2, 1, bias=False), spectral),
                nn.BatchNorm2d(c_out),
                nn.ReLU(),
                *_attention(attention and size == attention_at, c_out, spectral),
            ]
        layers += [
            _sn(nn.ConvTranspose2d(widths[-1], channels, 4, 2, 1), spectral),
            nn.Tanh(),
        ]
        self.net = nn.Sequential(*layers)

    def forward(self, z: Tensor) -> Tensor:
        check_input(z, (self.latent_dim,), type(self).__name__)
        return self.net(z[:, :, None, None])  # (B, C, S, S)

    def attend(self, z: Tensor) -> tuple[Tensor, Tensor]:
        """The images and each one's attention map β, (B, N, N), N = attention_at².

        Row j of β: where the feature at position j of the attention_at ×
        attention_at map (row-major) looks. Raises a ``ValueError`` for a
        generator built with ``attention=False``.
        """
        check_input(z, (self.latent_dim,), type(self).__name__)
        h, beta = z[:, :, None, None], None  # (B, latent_dim, 1, 1)
        for layer in self.net:
            if isinstance(layer, SelfAttention2d):
                beta = layer.attention_map(h)  # (B, N, N)
            h = layer(h)
        if beta is None:
            raise ValueError("this generator was built with attention=False")
        return h, beta  # (B, C, S, S), (B, N, N)


class SAGANDiscriminator(nn.Module):
    """SAGAN's discriminator, small: stride-2 spectrally normalised convolutions.

    x (B, channels, S, S) -> stride-2 convolutions with LeakyReLU(0.1) down to
    4×4, the attention block after the map of size ``attention_at``
    (``attention=True``), and a 4×4 convolution to one realness logit per image,
    shape (B,). No BatchNorm: spectral norm is D's only normalisation.
    """

    def __init__(
        self,
        img_size: int = 32,
        channels: int = 3,
        width: int = 32,
        attention: bool = True,
        attention_at: int = 8,
        spectral: bool = True,
    ):
        super().__init__()
        positive("channels", channels)
        positive("width", width)
        widths = _widths(img_size, width, attention_at)[::-1]  # narrow to wide
        self.in_shape = (channels, img_size, img_size)
        layers: list[nn.Module] = []
        size = img_size
        for c_in, c_out in zip([channels, *widths[:-1]], widths, strict=True):
            size //= 2
            layers += [
                _sn(nn.Conv2d(c_in, c_out, 4, 2, 1), spectral),
                nn.LeakyReLU(0.1),
                *_attention(attention and size == attention_at, c_out, spectral),
            ]
        layers.append(_sn(nn.Conv2d(widths[-1], 1, 4, 1, 0), spectral))
        self.net = nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        check_input(x, self.in_shape, type(self).__name__)
        return self.net(x).flatten()  # (B,)
