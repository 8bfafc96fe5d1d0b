"""The MLP pair: a generator and a discriminator for data of any shape.

Discriminators return *realness logits*, one per sample, shape (B,): higher means
"more real"; no sigmoid at the output (see :mod:`gantutor.losses`).
"""

from __future__ import annotations

import math

from torch import Tensor, nn

from gantutor.models.layers import as_shape, check_input, mlp, positive


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
        positive("latent_dim", latent_dim)
        positive("hidden", hidden)
        positive("depth", depth)
        if out not in ("linear", "tanh"):
            raise ValueError(f"out must be 'linear' or 'tanh', got {out!r}")
        self.latent_dim, self.out_shape = latent_dim, as_shape(out_shape)
        self.net = mlp([latent_dim] + [hidden] * depth + [math.prod(self.out_shape)])
        self.out = nn.Tanh() if out == "tanh" else nn.Identity()

    def forward(self, z: Tensor) -> Tensor:
        check_input(z, (self.latent_dim,), type(self).__name__)
        x = self.out(self.net(z))  # (B, prod(out_shape))
        return x.view(-1, *self.out_shape)


class MLPDiscriminator(nn.Module):
    """x (B, *in_shape) -> realness logits (B,)."""

    def __init__(
        self, in_shape: int | tuple[int, ...], hidden: int = 128, depth: int = 3
    ):
        super().__init__()
        positive("hidden", hidden)
        positive("depth", depth)
        self.in_shape = as_shape(in_shape)
        self.net = mlp([math.prod(self.in_shape)] + [hidden] * depth + [1])

    def forward(self, x: Tensor) -> Tensor:
        check_input(x, self.in_shape, type(self).__name__)
        return self.net(x.flatten(1)).squeeze(1)  # (B,)
