"""WGAN: a critic instead of a classifier (Arjovsky, Chintala & Bottou 2017).

The generator minimises the Wasserstein-1 distance, written through the
Kantorovich-Rubinstein duality as a maximum over 1-Lipschitz critics f:

    W1(p_data, p_G) = sup_{‖f‖_L ≤ 1}  E_{x~p_data}[f(x)] − E_{z}[f(G(z))].

The paper (arXiv:1701.07875, Algorithm 1) makes four changes to the GAN:

1. the critic ends without a sigmoid: it returns a score f(x), higher = real
   (the convention of :mod:`gantutor.losses`, losses ``"wasserstein"``);
2. after every critic update its weights are clipped to [−c, c]
   (:func:`gantutor.penalties.clip_weights`), so f stays K-Lipschitz for some K;
3. RMSProp with a small learning rate (5e-5), no momentum;
4. ``n_critic = 5`` critic updates per generator update.

:func:`critic_step` is Algorithm 1 as a step for :class:`gantutor.train.Trainer`;
the chapter *WGAN-GP* reuses it with a ``penalty`` instead of ``clip``. The
weight statistics show clipping's pathology (weights piled up at ±c), and
:func:`empirical_w1` gives the exact distance between two point clouds. A
critic's surface is drawn by ``gantutor.callbacks.Snapshots2D(...,
surface="score")``. Chapter *WGAN*.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from scipy.optimize import linear_sum_assignment
from torch import Tensor, nn

from gantutor.steps import Penalty, alternating_step


def _check_options(n_critic: int, clip: float | None, penalty) -> None:
    if isinstance(n_critic, bool) or not isinstance(n_critic, int) or n_critic < 1:
        raise ValueError(
            f"n_critic (critic updates per generator update) must be an integer "
            f">= 1, got {n_critic!r}"
        )
    if clip is not None and not (math.isfinite(clip) and clip > 0):
        raise ValueError(f"clip (the bound c) must be a positive number, got {clip}")
    if penalty is not None and not callable(penalty):
        raise ValueError(
            "penalty must be a callable (D, x_real, x_fake) -> Tensor, "
            f"got {type(penalty).__name__}"
        )


def critic_step(
    G: nn.Module,
    D: nn.Module,
    opt_G: torch.optim.Optimizer,
    opt_D: torch.optim.Optimizer,
    *,
    n_critic: int = 5,
    clip: float | None = None,
    penalty: Penalty | None = None,
) -> Callable[[Tensor], dict[str, Tensor]]:
    """WGAN's update (Algorithm 1): ``n_critic`` critic steps, then one G step.

    Critic:    min_D  E[f(x_fake)] − E[f(x_real)]  (+ penalty(D, x_real, x_fake)),
               then clip every weight to [−c, c] when ``clip = c`` is given;
    generator: min_G  −E[f(G(z))].

    The batch holds ``n_critic`` × B real samples, split into ``n_critic`` chunks
    of B, one per critic step (static shapes). Returns 0-d tensors on the device:
    ``D`` (the critic's loss, penalty included), ``G`` and ``W`` = E f(x_real) −
    E f(x_fake) on the last chunk, the critic's estimate of W1 (times the
    critic's Lipschitz constant K).
    """
    _check_options(n_critic, clip, penalty)
    return alternating_step(
        G, D, opt_G, opt_D, "wasserstein", n_critic,
        penalty=penalty, clip=clip, gap=True, k_name="n_critic",
    )  # fmt: skip


# --- the critic's weights ---------------------------------------------------


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


# --- the exact distance between samples ---------------------------------------


def empirical_w1(x: Tensor, y: Tensor) -> float:
    """Exact W1 between two equal-size point clouds: min over matchings π of
    (1/n) Σᵢ ‖xᵢ − y_π(i)‖₂, solved as an assignment problem (scipy).
    """
    if x.dim() != 2 or x.shape != y.shape:
        raise ValueError(
            f"x and y must be point clouds of the same shape (n, d); "
            f"got {tuple(x.shape)} and {tuple(y.shape)}"
        )
    cost = torch.cdist(x.detach().double().cpu(), y.detach().double().cpu())  # (n, n)
    rows, cols = linear_sum_assignment(cost.numpy())
    return float(np.mean(cost.numpy()[rows, cols]))
