"""1-D models of the chapter *f-GAN*: a Gaussian generator and a smooth critic."""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn


def critic(in_features: int = 1, hidden: int = 32) -> nn.Sequential:
    """A small MLP critic x (B, in_features) -> v (B,) with smooth SiLU units.

    The generator learns from the critic's slope at its samples only; a smooth
    critic has a smooth slope, where a LeakyReLU one has a piecewise-constant one.
    """
    return nn.Sequential(
        nn.Linear(in_features, hidden),
        nn.SiLU(),
        nn.Linear(hidden, hidden),
        nn.SiLU(),
        nn.Linear(hidden, 1),
        nn.Flatten(0),  # (B, 1) -> (B,)
    )


class GaussianGenerator(nn.Module):
    """G(z) = μ + σ z with z ~ N(0, 1): a 1-D Gaussian with two parameters.

    σ is stored as log σ so that it stays positive. Output shape (B, 1).
    """

    latent_dim = 1

    def __init__(self, mean: float = 0.0, std: float = 1.0):
        super().__init__()
        if std <= 0:
            raise ValueError(f"std must be positive, got {std}")
        self.mean = nn.Parameter(torch.tensor(float(mean)))
        self.log_std = nn.Parameter(torch.tensor(math.log(std)))

    @property
    def std(self) -> Tensor:
        return self.log_std.exp()

    def forward(self, z: Tensor) -> Tensor:
        return self.mean + self.std * z  # (B, 1)
