"""A regression problem with two answers: where MSE averages and a GAN chooses.

For x ~ U(−1, 1) and a random sign s, +1 with probability p (``p_upper``),

    y = s · f(x) + ε,    f(x) = a + x²,    ε ~ N(0, σ²),

so for every x the target lies on one of two branches, ±f(x). The predictor that
minimises the mean squared error is the conditional mean

    m(x) = E[y | x] = (2p − 1) f(x)        (= 0 for the fair coin p = ½),

and predicting c at x costs E[(y − c)² | x] = f(x)² + σ² − m(x)² + (c − m(x))².
For p = ½ that is a line *between* the branches, where no data ever lies. A
conditional GAN that samples y given x lands on the branches instead (Mirza &
Osindero 2014, arXiv:1411.1784). Used in the chapter *Why MSE is not enough*.
"""

from __future__ import annotations

import torch
from torch import Tensor

GAP = 0.3  # a: each branch's distance from 0 at x = 0
NOISE = 0.05  # σ: the spread of y around its branch


def branch(x: Tensor, gap: float = GAP) -> Tensor:
    """The upper branch f(x) = gap + x²; the lower one is −f(x)."""
    if gap < 0:
        raise ValueError(
            f"gap must be non-negative (the branches must not cross), got {gap}"
        )
    return gap + x.pow(2)


def sample_y(
    x: Tensor,
    noise: float = NOISE,
    gap: float = GAP,
    p_upper: float = 0.5,
    generator: torch.Generator | None = None,
) -> Tensor:
    """One y for each x: s · f(x) + ε, with s = +1 with probability ``p_upper``."""
    if noise < 0:
        raise ValueError(f"noise must be non-negative, got {noise}")
    if not 0 <= p_upper <= 1:
        raise ValueError(f"p_upper is a probability, got {p_upper}")
    upper = torch.rand(x.shape, generator=generator, device=x.device) < p_upper
    s = upper.float() * 2 - 1  # ±1, shape of x
    eps = torch.randn(x.shape, generator=generator, device=x.device) * noise
    return s * branch(x, gap) + eps


def sample(
    n: int,
    noise: float = NOISE,
    gap: float = GAP,
    p_upper: float = 0.5,
    generator: torch.Generator | None = None,
) -> tuple[Tensor, Tensor]:
    """``n`` pairs (x, y), each (n, 1): x ~ U(−1, 1), y from :func:`sample_y`."""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    x = torch.rand(n, 1, generator=generator) * 2 - 1  # (n, 1) in [-1, 1)
    return x, sample_y(x, noise, gap, p_upper, generator)


def mse_optimal(x: Tensor, gap: float = GAP, p_upper: float = 0.5) -> Tensor:
    """The MSE-optimal prediction E[y | x] = (2p − 1) f(x): 0 for a fair coin."""
    return (2 * p_upper - 1) * branch(x, gap)


def risk(
    c: Tensor, x: Tensor, noise: float = NOISE, gap: float = GAP, p_upper: float = 0.5
) -> Tensor:
    """Expected squared error of predicting ``c`` at ``x``: f² + σ² − m² + (c − m)²."""
    f, m = branch(x, gap), mse_optimal(x, gap, p_upper)
    return f.pow(2) + noise**2 - m.pow(2) + (c - m).pow(2)


def distance_to_branch(x: Tensor, y: Tensor, gap: float = GAP) -> Tensor:
    """How far y is from the nearer branch: min |y ∓ f(x)| = | |y| − f(x) |."""
    return (y.abs() - branch(x, gap)).abs()


def branch_hits(
    x: Tensor, y: Tensor, tol: float = 3 * NOISE, gap: float = GAP
) -> Tensor:
    """Bool mask: predictions ``y`` within ``tol`` of one of the branches ±f(x)."""
    if x.shape != y.shape:
        raise ValueError(
            f"x and y must have the same shape, got {tuple(x.shape)} "
            f"and {tuple(y.shape)}"
        )
    return distance_to_branch(x, y, gap) < tol
