"""EBGAN: the discriminator as an energy (Zhao, Mathieu & LeCun 2016, arXiv:1609.03126).

D is an autoencoder and the *energy* of a sample is its reconstruction error,

    E(x) = ‖Dec(Enc(x)) − x‖² / dim(x)        (the per-sample MSE),

low near the data and high elsewhere (the paper writes the norm ‖·‖; the MSE is
the common choice in code). Both losses are minimised:

    L_D = E(x) + [m − E(G(z))]⁺            L_G = E(G(z)) + λ_PT · PT(S),

where [u]⁺ = max(0, u), m > 0 is the margin and PT the pulling-away term on the
encoder's codes S of the fake batch. At a Nash equilibrium p_g = p_data and
L_D = m (Theorem 1 of the paper). Chapter *EBGAN*.

**Convention.** The losses here take energies, ``e_real = E(x_real)`` and
``e_fake = E(G(z))``, lower meaning "more real". Read as a realness logit (the
convention of :mod:`gantutor.losses`), realness = −energy: that is what
:class:`AutoencoderDiscriminator` returns when called.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn

from gantutor.callbacks import Snapshot2D, plane
from gantutor.models import _as_shape, _check_input, _mlp, _positive


def _energies(e: Tensor, name: str) -> Tensor:
    if e.dim() != 1:
        raise ValueError(
            f"{name} must hold one energy per sample, shape (B,); got {tuple(e.shape)}"
        )
    return e


def reconstruction_energy(x: Tensor, x_hat: Tensor) -> Tensor:
    """E = mean over the dimensions of (x̂ − x)², one value per sample: (B,)."""
    if x.shape != x_hat.shape or x.dim() < 2:
        raise ValueError(
            f"x and its reconstruction must have the same shape (B, ...); "
            f"got {tuple(x.shape)} and {tuple(x_hat.shape)}"
        )
    return (x_hat - x).flatten(1).square().mean(dim=1)  # (B,)


def margin_hinge(e_fake: Tensor, margin: float) -> Tensor:
    """E[[m − E(G(z))]⁺]: zero for every fake whose energy is at least ``margin``."""
    if not (math.isfinite(margin) and margin >= 0):
        raise ValueError(f"margin must be a finite number >= 0, got {margin}")
    return torch.relu(margin - _energies(e_fake, "e_fake")).mean()


def ebgan_d(e_real: Tensor, e_fake: Tensor, margin: float) -> Tensor:
    """Discriminator loss E[E(x)] + E[[m − E(G(z))]⁺] (Zhao et al. 2016)."""
    return _energies(e_real, "e_real").mean() + margin_hinge(e_fake, margin)


def ebgan_g(e_fake: Tensor) -> Tensor:
    """Generator loss E[E(G(z))] (Zhao et al. 2016): make fakes low-energy."""
    return _energies(e_fake, "e_fake").mean()


def pulling_away(s: Tensor, eps: float = 1e-8) -> Tensor:
    """PT = 1/(N(N−1)) Σ_{i≠j} (s_iᵀ s_j / (‖s_i‖ ‖s_j‖))² for codes s (N, d).

    The mean squared cosine similarity between distinct codes of a batch: 0 for
    orthogonal codes, 1 for codes that all point the same way (Zhao et al.
    2016). Added to L_G, it pushes G's samples apart in D's code space.
    """
    if s.dim() != 2 or len(s) < 2:
        raise ValueError(
            f"codes must have shape (N, d) with N >= 2; got {tuple(s.shape)}"
        )
    n = len(s)
    unit = s / s.norm(dim=1, keepdim=True).clamp_min(eps)  # (N, d)
    cos2 = (unit @ unit.T).square()  # (N, N), ones on the diagonal for s_i ≠ 0
    return (cos2.sum() - cos2.diagonal().sum()) / (n * (n - 1))


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
            _positive(name, value)
        _positive("depth", depth)
        if out not in ("linear", "tanh"):
            raise ValueError(f"out must be 'linear' or 'tanh', got {out!r}")
        self.in_shape = _as_shape(in_shape)
        dim = math.prod(self.in_shape)
        self.encoder = _mlp([dim] + [hidden] * depth + [code_dim])
        self.decoder = _mlp([code_dim] + [hidden] * depth + [dim])
        self.out = nn.Tanh() if out == "tanh" else nn.Identity()

    def reconstruct_and_code(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """Reconstructions Dec(Enc(x)) like x, and codes s = Enc(x) (B, code_dim)."""
        _check_input(x, self.in_shape, type(self).__name__)
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


def snapshot_2d(
    G: nn.Module,
    D: AutoencoderDiscriminator,
    z: Tensor,
    step: int = 0,
    scale: float = 1.0,
    lim: float = 3.0,
    resolution: int = 60,
) -> Snapshot2D:
    """A :class:`~gantutor.callbacks.Snapshot2D` of a 2-D EBGAN.

    The surface is 1 − min(E(x), scale) / scale, in [0, 1]: 1 (red in the book's
    plots) where the energy is 0, 0 (blue) where it is at least ``scale``; pass
    the margin as ``scale`` to see where the hinge stops pushing fakes up. The
    arrows are −∂E(G(z))/∂x, the pull of L_G on each sample (without PT).
    """
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    was_training = G.training, D.training
    G.eval(), D.eval()
    with torch.no_grad():
        x = G(z).float()  # (n, 2)
    x.requires_grad_(True)
    with torch.enable_grad():
        (grad,) = torch.autograd.grad(D.energy(x).sum(), x)  # per-sample gradients
    with torch.no_grad():
        e = D.energy(plane(lim, resolution, z.device))  # (R*R,)
    surface = 1 - e.clamp(max=scale).div(scale).view(resolution, resolution).cpu()
    G.train(was_training[0]), D.train(was_training[1])
    return Snapshot2D(step, x.detach().cpu(), -grad.cpu(), surface, lim)


class EnergySnapshots:
    """Collect an EBGAN :func:`snapshot_2d` every ``every`` steps (a callback)."""

    def __init__(
        self,
        G: nn.Module,
        D: AutoencoderDiscriminator,
        z: Tensor,
        every: int,
        scale: float = 1.0,
        lim: float = 3.0,
    ):
        self.G, self.D, self.z, self.every = G, D, z, every
        self.scale, self.lim = scale, lim
        self.snapshots: list[Snapshot2D] = []

    def __call__(self, trainer) -> None:
        self.snapshots.append(
            snapshot_2d(self.G, self.D, self.z, trainer.step, self.scale, self.lim)
        )
