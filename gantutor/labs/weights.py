"""A critic's weights under clipping: flat, at the bound, as histograms.

WGAN clips every critic weight to [−c, c] (Arjovsky et al. 2017); the chapter
*WGAN* shows the weights piling up at ±c, measured here.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor, nn


def flat_weights(module: nn.Module) -> Tensor:
    """Every parameter of ``module`` (weights and biases) in one 1-D tensor."""
    params = [p.detach().flatten() for p in module.parameters()]
    if not params:
        raise ValueError(f"{type(module).__name__} has no parameters")
    return torch.cat(params).float().cpu()  # (n_params,)


def share_at_bound(module: nn.Module, c: float, tol: float = 0.01) -> float:
    """Share of parameters with |w| ≥ (1 − tol) c: those that clipping holds at ±c."""
    if not c > 0 or not 0 <= tol < 1:
        raise ValueError(f"need c > 0 and 0 <= tol < 1, got c={c}, tol={tol}")
    w = flat_weights(module)
    return float((w.abs() >= (1 - tol) * c).float().mean())


@dataclass
class WeightSnapshot:
    """A histogram of a critic's parameters at one step."""

    step: int
    counts: Tensor  # (bins,) number of parameters per bin
    edges: Tensor  # (bins + 1,) bin edges, from −c to c
    at_bound: float  # share of parameters at ±c


def weight_snapshot(
    module: nn.Module, c: float, step: int = 0, bins: int = 41
) -> WeightSnapshot:
    """Histogram of all parameters over [−c, c] (values outside go to the ends)."""
    if bins < 2:
        raise ValueError(f"bins must be at least 2, got {bins}")
    if not c > 0:
        raise ValueError(f"the clipping bound c must be positive, got {c}")
    w = flat_weights(module).clamp(-c, c)  # (n_params,)
    counts = torch.histc(w, bins=bins, min=-c, max=c)
    edges = torch.linspace(-c, c, bins + 1)
    return WeightSnapshot(step, counts, edges, share_at_bound(module, c))


class WeightSnapshots:
    """A Trainer callback: a :class:`WeightSnapshot` of ``D`` every ``every`` steps."""

    def __init__(self, D: nn.Module, c: float, every: int, bins: int = 41):
        self.D, self.c, self.every, self.bins = D, c, every, bins
        self.snapshots: list[WeightSnapshot] = []

    def __call__(self, trainer) -> None:
        self.snapshots.append(weight_snapshot(self.D, self.c, trainer.step, self.bins))
