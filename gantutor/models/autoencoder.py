"""The autoencoder discriminator of EBGAN and BEGAN.

Its energy E(x) = ‖Dec(Enc(x)) − x‖² / dim(x) is low near the data; called as a
module it returns the realness −E(x), one per sample, so that it keeps the sign
convention of :mod:`gantutor.losses`. Chapters *EBGAN* and *BEGAN*.
"""

from __future__ import annotations

import math

from torch import Tensor, nn

from gantutor.losses.energy import reconstruction_energy
from gantutor.models.layers import as_shape, check_input, mlp, positive


class AutoencoderDiscriminator(nn.Module):
    """An MLP autoencoder whose reconstruction error is the energy.

    x (B, *in_shape) -> code s (B, code_dim) -> x̂ (B, *in_shape). Calling the
    module returns realness logits −E(x), shape (B,); :meth:`energy_and_code`
    returns the energies and the codes (for the pulling-away term).
    ``out="tanh"`` for images in [-1, 1], ``"linear"`` for points.
    """

    def __init__(
        self,
        in_shape: int | tuple[int, ...],
        code_dim: int = 8,
        hidden: int = 128,
        depth: int = 2,
        out: str = "linear",
    ):
        super().__init__()
        for name, value in [("code_dim", code_dim), ("hidden", hidden)]:
            positive(name, value)
        positive("depth", depth)
        if out not in ("linear", "tanh"):
            raise ValueError(f"out must be 'linear' or 'tanh', got {out!r}")
        self.in_shape = as_shape(in_shape)
        dim = math.prod(self.in_shape)
        self.encoder = mlp([dim] + [hidden] * depth + [code_dim])
        self.decoder = mlp([code_dim] + [hidden] * depth + [dim])
        self.out = nn.Tanh() if out == "tanh" else nn.Identity()

    def reconstruct_and_code(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """Reconstructions Dec(Enc(x)) like x, and codes s = Enc(x) (B, code_dim)."""
        check_input(x, self.in_shape, type(self).__name__)
        s = self.encoder(x.flatten(1))  # (B, code_dim)
        return self.out(self.decoder(s)).view_as(x), s  # (B, *in_shape)

    def energy_and_code(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """Energies E(x) (B,) and codes s = Enc(x) (B, code_dim)."""
        x_hat, s = self.reconstruct_and_code(x)
        return reconstruction_energy(x, x_hat), s

    def energy(self, x: Tensor) -> Tensor:
        """E(x), shape (B,): low means "looks like the data"."""
        return self.energy_and_code(x)[0]

    def forward(self, x: Tensor) -> Tensor:
        return -self.energy(x)  # (B,) realness = −energy
