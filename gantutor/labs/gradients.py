"""Gradient norms over training: the measurements of the chapter *WGAN-GP*.

The penalties of :mod:`gantutor.penalties` act on ‖∇ₓD(x)‖₂, one norm per sample.
This module watches those norms while a GAN trains:

- :class:`GradientNorms`, a :class:`gantutor.train.Trainer` callback that records
  the norms on *fixed* probes (real samples, noise and interpolation coefficients
  drawn once), so that snapshots differ only because the networks changed;
- :func:`norm_quantiles`, :func:`late_median` to summarise them (drawn by
  :mod:`gantutor.widgets.gradients`);
- :func:`cross_sample_gradients`, the matrix ‖∂D(x)ᵢ/∂xⱼ‖ that shows why a
  critic with BatchNorm breaks a per-sample penalty.

A critic's surface is drawn by ``gantutor.train.callbacks.Snapshots2D(...,
surface="score")``.

WGAN-GP: Gulrajani et al. 2017 (arXiv:1704.00028); R1: Mescheder et al. 2018
(arXiv:1801.04406); DRAGAN: Kodali et al. 2017 (arXiv:1705.07215).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor, nn

from gantutor import penalties

WHERE = ("interpolates", "real", "fake")


LABELS = {"interpolates": "interpolates", "real": "real samples", "fake": "fakes"}


@dataclass
class NormRecord:
    """‖∇ₓD(x)‖₂ per probe sample at one step of training."""

    step: int
    interpolates: Tensor  # (n,) at x̂ = ε x_real + (1 − ε) G(z)
    real: Tensor  # (n,) at x_real
    fake: Tensor  # (n,) at G(z)

    def at(self, where: str) -> Tensor:
        """The norms taken at ``where``: "interpolates", "real" or "fake"."""
        if where not in WHERE:
            raise ValueError(f"where must be one of {WHERE}, got {where!r}")
        return getattr(self, where)


class GradientNorms:
    """Record a :class:`NormRecord` every ``every`` steps into ``self.records``.

    G and D are measured in eval mode, on fixed probes: ``x_real`` (n, ...),
    noise ``z`` (n, latent_dim) and one ε ~ U[0, 1] per sample, drawn from a
    private generator seeded with ``seed``.
    The callback draws nothing from PyTorch's global generator, so adding it
    does not change the run it watches.
    """

    def __init__(
        self, G: nn.Module, D: nn.Module, x_real: Tensor, z: Tensor, every: int,
        seed: int = 0,
    ):  # fmt: skip
        if len(x_real) != len(z):
            raise ValueError(
                f"x_real and z must hold as many samples; got {len(x_real)} "
                f"and {len(z)}"
            )
        if every < 1:
            raise ValueError(f"every must be at least 1, got {every}")
        self.G, self.D, self.x_real, self.z, self.every = G, D, x_real, z, every
        rng = torch.Generator().manual_seed(seed)
        self.eps = torch.rand(len(z), generator=rng).to(x_real.device)  # (n,)
        self.records: list[NormRecord] = []

    def measure(self, step: int) -> NormRecord:
        """The norms on the probes for the networks as they are now."""
        was_training = self.G.training, self.D.training
        self.G.eval(), self.D.eval()
        with torch.no_grad():
            x_fake = self.G(self.z).float()  # (n, ...)
        x_hat = penalties.interpolates(self.x_real, x_fake, self.eps)
        with torch.enable_grad():
            norms = [
                penalties.gradient_norms(self.D, x, create_graph=False).cpu()
                for x in (x_hat, self.x_real, x_fake)
            ]
        self.G.train(was_training[0]), self.D.train(was_training[1])
        return NormRecord(step, *norms)

    def __call__(self, trainer) -> None:
        self.records.append(self.measure(trainer.step))


def norm_quantiles(
    records: Sequence[NormRecord],
    where: str = "interpolates",
    q: Sequence[float] = (0.1, 0.5, 0.9),
) -> tuple[np.ndarray, Tensor]:
    """Steps (T,) and the quantiles ``q`` of the norms at each, (T, len(q))."""
    if not records:
        raise ValueError("norm_quantiles needs at least one record")
    steps = np.array([r.step for r in records])
    levels = torch.tensor(list(q))
    return steps, torch.stack([r.at(where).quantile(levels) for r in records])


def late_median(
    records: Sequence[NormRecord], where: str = "interpolates", fraction: float = 0.25
) -> float:
    """Median norm, all samples of the last ``fraction`` of the records pooled."""
    if not records:
        raise ValueError("late_median needs at least one record")
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must be in (0, 1], got {fraction}")
    n = max(1, round(fraction * len(records)))
    return float(torch.cat([r.at(where) for r in records[-n:]]).median())


def cross_sample_gradients(D: nn.Module, x: Tensor) -> Tensor:
    """The matrix ‖∂D(x)ᵢ/∂xⱼ‖₂ for a batch x (B, ...): shape (B, B).

    For a critic that treats samples separately it is diagonal, and its diagonal
    holds the per-sample gradient norms. BatchNorm (in training mode) normalises
    with batch statistics, so every output depends on every input.
    """
    x = x.detach().float().requires_grad_(True)
    d = D(x)  # (B,)
    rows = [
        torch.autograd.grad(d[i], x, retain_graph=True)[0].flatten(1).norm(dim=1)
        for i in range(len(x))
    ]
    return torch.stack(rows)  # (B, B): row i = output i, column j = input j
