"""Wasserstein-1 distances between two equal-size point clouds: exact, and sliced.

The sliced distance SW_1(P, Q) = E_θ W_1(θᵀP, θᵀQ), θ uniform on the unit sphere,
needs only sorting (Rabin, Peyré, Delon & Bernot 2011); chapter *LAPGAN* uses it
on image patches (:mod:`gantutor.labs.pyramid`).
"""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor

from gantutor.metrics.checks import check_finite


def empirical_w1(x: Tensor, y: Tensor) -> float:
    """Exact W1 between two equal-size point clouds: min over matchings π of
    (1/n) Σᵢ ‖xᵢ − y_π(i)‖₂, solved as an assignment problem (scipy).
    """
    if x.dim() != 2 or x.shape != y.shape:
        raise ValueError(
            f"x and y must be point clouds of the same shape (n, d); "
            f"got {tuple(x.shape)} and {tuple(y.shape)}"
        )
    check_finite(x, "x")
    check_finite(y, "y")
    cost = torch.cdist(x.detach().double().cpu(), y.detach().double().cpu())  # (n, n)
    from scipy.optimize import linear_sum_assignment  # a slow import

    rows, cols = linear_sum_assignment(cost.numpy())
    return float(np.mean(cost.numpy()[rows, cols]))


def directions(dim: int, n: int, generator: torch.Generator | None = None) -> Tensor:
    """``n`` directions uniform on the unit sphere of R^dim: (n, dim), float64."""
    if dim < 1 or n < 1:
        raise ValueError(f"dim and n must be positive, got dim={dim}, n={n}")
    theta = torch.randn(n, dim, generator=generator, dtype=torch.float64)
    return theta / theta.norm(dim=1, keepdim=True)


def sliced_wasserstein(a: Tensor, b: Tensor, theta: Tensor) -> float:
    """SW_1 of two equal-size clouds a, b (n, d) over the directions θ (m, d).

    The mean over θ of (1/n) Σᵢ |sort(a θ)ᵢ − sort(b θ)ᵢ|: exact W_1 in 1-D.
    """
    if a.dim() != 2 or a.shape != b.shape:
        raise ValueError(
            f"a and b must be clouds of the same shape (n, d); "
            f"got {tuple(a.shape)} and {tuple(b.shape)}: draw as many of each"
        )
    if theta.dim() != 2 or theta.shape[1] != a.shape[1]:
        raise ValueError(f"theta must be (m, {a.shape[1]}), got {tuple(theta.shape)}")
    pa = (theta @ a.double().T).sort(dim=1).values  # (m, n): rows sort fastest
    pb = (theta @ b.double().T).sort(dim=1).values
    return (pa - pb).abs().mean().item()
