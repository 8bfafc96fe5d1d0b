"""Self-attention over the positions of a feature map (SAGAN's block).

Zhang, Goodfellow, Metaxas & Odena (2018, arXiv:1805.08318), chapter *SAGAN*.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch.nn.utils.parametrizations import spectral_norm

from gantutor.models.layers import positive


def conv1x1(c_in: int, c_out: int, spectral: bool) -> nn.Conv2d:
    """A 1×1 convolution, spectrally normalised when ``spectral`` (Miyato 2018)."""
    conv = nn.Conv2d(c_in, c_out, 1)
    return spectral_norm(conv) if spectral else conv


class SelfAttention2d(nn.Module):
    """SAGAN's self-attention block: ``y = x + γ·o``, γ learned, starting at 0.

    For a feature map x of C channels at N = H·W positions, 1×1 convolutions give
    queries f(x), keys g(x) (C / ``reduction`` channels each) and values h(x)
    (C / 2 channels, then a 1×1 convolution back to C, as in the authors' code):

        β_{j,i} = softmax_i( f(x_j)ᵀ g(x_i) ),   o_j = v( Σ_i β_{j,i} h(x_i) ).

    Row j of β is where query position j looks: N weights that sum to 1, over the
    whole map, so one layer links any two positions (Zhang et al. 2018,
    arXiv:1805.08318, eqs. 1–3). ``pool=True`` max-pools keys and values by 2
    (N/4 key positions), as the authors' code does. ``spectral=True`` wraps every
    convolution in ``torch.nn.utils.parametrizations.spectral_norm``. With γ = 0
    (its initial value) the block is the identity.
    """

    def __init__(
        self,
        channels: int,
        reduction: int = 8,
        pool: bool = False,
        spectral: bool = True,
    ):
        super().__init__()
        positive("channels", channels)
        positive("reduction", reduction)
        if channels % reduction or channels < 2:
            raise ValueError(
                f"channels ({channels}) must be at least 2 and a multiple of "
                f"reduction ({reduction}); pick a smaller reduction"
            )
        inner, value = channels // reduction, max(channels // 2, 1)
        self.channels, self.pool = channels, pool
        self.query = conv1x1(channels, inner, spectral)
        self.key = conv1x1(channels, inner, spectral)
        self.value = conv1x1(channels, value, spectral)
        self.out = conv1x1(value, channels, spectral)
        self.gamma = nn.Parameter(torch.zeros(()))

    def _keys(self, x: Tensor) -> Tensor:
        return F.max_pool2d(x, 2) if self.pool else x  # (B, C, h, w)

    def attention_map(self, x: Tensor) -> Tensor:
        """β, shape (B, H·W, h·w): row j is query position j's weights over keys.

        Positions are numbered row by row (j = row · W + column); h·w = H·W, or
        H·W / 4 with ``pool=True``.
        """
        if x.dim() != 4 or x.shape[1] != self.channels:
            raise ValueError(
                f"SelfAttention2d({self.channels}) expects (B, {self.channels}, H, W); "
                f"got {tuple(x.shape)}"
            )
        if self.pool and (x.shape[2] % 2 or x.shape[3] % 2):
            raise ValueError(f"pool=True needs an even H and W; got {tuple(x.shape)}")
        q = self.query(x).flatten(2)  # (B, C/r, N)
        k = self.key(self._keys(x)).flatten(2)  # (B, C/r, Nk)
        return torch.softmax(q.transpose(1, 2) @ k, dim=-1)  # (B, N, Nk)

    def forward(self, x: Tensor) -> Tensor:
        beta = self.attention_map(x)  # (B, N, Nk)
        v = self.value(self._keys(x)).flatten(2)  # (B, C/2, Nk)
        o = (v @ beta.transpose(1, 2)).unflatten(2, x.shape[2:])  # (B, C/2, H, W)
        return x + self.gamma * self.out(o)  # (B, C, H, W)
