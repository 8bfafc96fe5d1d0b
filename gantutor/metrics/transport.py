"""The exact Wasserstein-1 distance between two equal-size point clouds."""

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
