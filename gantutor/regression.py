"""A regression problem with two answers: where MSE averages and a GAN chooses.

For x ~ U(−1, 1) and a fair random sign s ∈ {−1, +1},

    y = s · f(x) + ε,    f(x) = a + x²,    ε ~ N(0, σ²),

so for every x the target lies on one of two branches, ±f(x). The predictor that
minimises the mean squared error is the conditional mean

    E[y | x] = ½ f(x) − ½ f(x) = 0,

a line *between* the branches where no data ever lies: its risk is
E[(y − c)² | x] = f(x)² + σ² + c², smallest at c = 0. A conditional GAN that
samples y given x lands on the branches instead (Mirza & Osindero 2014,
arXiv:1411.1784). Used in the chapter *Why MSE is not enough*.
"""

from __future__ import annotations

import torch
from torch import Tensor

GAP = 0.3  # a: half the distance between the branches at x = 0
NOISE = 0.05  # σ: the spread of y around its branch


def branch(x: Tensor, gap: float = GAP) -> Tensor:
    """The upper branch f(x) = gap + x²; the lower one is −f(x)."""
    return gap + x.pow(2)


def sample(n: int, noise: float = NOISE, gap: float = GAP,
           generator: torch.Generator | None = None) -> tuple[Tensor, Tensor]:
    """``n`` pairs (x, y), each of shape (n, 1), drawn as in the module docstring."""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    if noise < 0:
        raise ValueError(f"noise must be non-negative, got {noise}")
    x = torch.rand(n, 1, generator=generator) * 2 - 1  # (n, 1) in [-1, 1)
    s = torch.randint(0, 2, (n, 1), generator=generator).float() * 2 - 1  # ±1
    eps = torch.randn(n, 1, generator=generator) * noise
    return x, s * branch(x, gap) + eps


def mse_optimal(x: Tensor) -> Tensor:
    """The MSE-optimal prediction E[y | x] = 0 (the branches cancel), shape of ``x``."""
    return torch.zeros_like(x)


def risk(c: Tensor, x: Tensor, noise: float = NOISE, gap: float = GAP) -> Tensor:
    """Expected squared error of predicting ``c`` at ``x``: f(x)² + σ² + c²."""
    return branch(x, gap).pow(2) + noise**2 + c.pow(2)


def distance_to_branch(x: Tensor, y: Tensor, gap: float = GAP) -> Tensor:
    """|y| − f(x) in absolute value: how far y is from the nearer branch."""
    return (y.abs() - branch(x, gap)).abs()


def branch_hits(x: Tensor, y: Tensor, tol: float = 3 * NOISE,
                gap: float = GAP) -> Tensor:
    """Bool mask: predictions ``y`` within ``tol`` of one of the branches ±f(x)."""
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same shape, got {tuple(x.shape)} "
                         f"and {tuple(y.shape)}")
    return distance_to_branch(x, y, gap) < tol
