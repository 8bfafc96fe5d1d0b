"""2-D toy distributions: Gaussian mixtures on a ring, a grid or a spiral."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
from torch import Tensor


@dataclass(frozen=True)
class Mixture:
    """An equal-weight mixture of isotropic Gaussians in the plane."""

    name: str
    centres: Tensor  # (K, 2)
    std: float
    _on_device: dict = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def sample(self, n: int, device: torch.device | str = "cpu") -> Tensor:
        """``n`` points, shape (n, 2), drawn with PyTorch's global generator."""
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        device = torch.device(device)
        if device not in self._on_device:  # copied once: a copy to a GPU per
            self._on_device[device] = self.centres.to(device)  # batch would sync
        centres = self._on_device[device]
        k = torch.randint(len(centres), (n,), device=device)
        return centres[k] + self.std * torch.randn(n, 2, device=device)

    def coverage(self, x: Tensor, n_std: float = 3.0) -> tuple[int, float]:
        """Modes covered and share of high-quality samples (PacGAN/VEEGAN protocol).

        A sample is *high quality* when it lies within ``n_std`` standard
        deviations of its nearest centre; a mode is *covered* when it is the
        nearest centre of at least one high-quality sample.
        """
        dist = torch.cdist(x.detach().float().cpu(), self.centres)  # (n, K)
        nearest_dist, nearest = dist.min(dim=1)
        good = nearest_dist < n_std * self.std
        modes = int(torch.unique(nearest[good]).numel())
        return modes, float(good.float().mean())


def ring(n_modes: int = 8, radius: float = 2.0, std: float = 0.02) -> Mixture:
    """``n_modes`` Gaussians evenly spaced on a circle (the classic 8-Gaussian ring)."""
    angles = torch.arange(n_modes) * 2 * math.pi / n_modes
    centres = radius * torch.stack([angles.cos(), angles.sin()], dim=1)
    return Mixture(f"ring{n_modes}", centres, std)


def grid(n_side: int = 5, spacing: float = 2.0, std: float = 0.05) -> Mixture:
    """``n_side``² Gaussians on a square grid (the 25-Gaussian grid for n_side=5)."""
    ticks = (torch.arange(n_side) - (n_side - 1) / 2) * spacing
    centres = torch.cartesian_prod(ticks, ticks)
    return Mixture(f"grid{n_side * n_side}", centres, std)


def spiral(n_modes: int = 12, turns: float = 1.5, std: float = 0.05) -> Mixture:
    """Gaussians along an Archimedean spiral: close modes of unequal spacing."""
    t = torch.linspace(0.25, 1.0, n_modes)
    angle = 2 * math.pi * turns * t
    centres = 2.5 * t[:, None] * torch.stack([angle.cos(), angle.sin()], dim=1)
    return Mixture(f"spiral{n_modes}", centres, std)


MIXTURES = {"ring": ring, "grid": grid, "spiral": spiral}


def mixture(name: str) -> Mixture:
    """A 2-D mixture by name: ``ring``, ``grid`` or ``spiral``."""
    if name not in MIXTURES:
        raise ValueError(f"unknown mixture {name!r}; known: {', '.join(MIXTURES)}")
    return MIXTURES[name]()
