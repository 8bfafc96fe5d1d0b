"""Improved precision and recall (Kynkäänniemi et al. 2019, arXiv:1904.06991).

Each set of features estimates its manifold as a union of balls: around every
sample, a ball reaching its k-th nearest neighbour in the same set,

    manifold(Φ) = ∪_{φ ∈ Φ} B(φ, ‖φ − NN_k(φ)‖).

*Precision* is the share of fake samples inside the real manifold (how many
samples look real); *recall* the share of real samples inside the fake manifold
(how much of the data the generator covers).
"""

from __future__ import annotations

import torch
from torch import Tensor

from gantutor.metrics.checks import check_finite


def knn_radii(f: Tensor, k: int = 3, batch_size: int = 1024) -> Tensor:
    """Distance of each row of ``f`` (n, d) to its k-th nearest other row: (n,)."""
    if not 1 <= k < len(f):
        raise ValueError(f"k must be between 1 and n - 1 = {len(f) - 1}, got {k}")
    radii = []
    for part in f.split(batch_size):
        dist = torch.cdist(part, f)  # (b, n); each row includes its own 0
        radii.append(dist.kthvalue(k + 1, dim=1).values)
    return torch.cat(radii)


def inside(
    points: Tensor, centres: Tensor, radii: Tensor, batch_size: int = 1024
) -> Tensor:
    """For each point (m, d): does it lie in some ball B(centres[i], radii[i])? (m,)"""
    result = []
    for part in points.split(batch_size):
        dist = torch.cdist(part, centres)  # (b, n)
        result.append((dist <= radii).any(dim=1))
    return torch.cat(result)


def precision_recall(
    f_real: Tensor, f_fake: Tensor, k: int = 3, batch_size: int = 1024
) -> tuple[float, float]:
    """(precision, recall) of fake features against real ones, k-NN manifolds.

    Distances are Euclidean, in float64, in blocks of ``batch_size`` rows.
    """
    if f_real.ndim != 2 or f_fake.ndim != 2 or f_real.shape[1] != f_fake.shape[1]:
        raise ValueError(
            f"features must be (n, d) with the same d, got {tuple(f_real.shape)} "
            f"and {tuple(f_fake.shape)}"
        )
    check_finite(f_real, "f_real")
    check_finite(f_fake, "f_fake")
    f_real, f_fake = f_real.double(), f_fake.double().to(f_real.device)
    r_real = knn_radii(f_real, k, batch_size)  # (n_real,)
    r_fake = knn_radii(f_fake, k, batch_size)  # (n_fake,)
    precision = inside(f_fake, f_real, r_real, batch_size).double().mean()
    recall = inside(f_real, f_fake, r_fake, batch_size).double().mean()
    return float(precision), float(recall)
