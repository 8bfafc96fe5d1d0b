"""WGAN's update (Arjovsky, Chintala & Bottou 2017, Algorithm 1) as a Trainer step.

``n_critic`` critic updates, each clipped to [−c, c] or penalised, then one
generator update; chapters *WGAN* and *WGAN-GP*.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import Tensor, nn

from gantutor.steps.alternating import Penalty, alternating_step


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

    Each critic step takes its own B real samples: the step declares
    ``step.batches_per_step = n_critic``, so the trainer hands it ``n_critic``
    batches of its source as one of ``n_critic`` × B, split into chunks of B
    (static shapes); the data source keeps the batch size B. Returns 0-d tensors
    on the device:
    ``D`` (the critic's loss, penalty included), ``G`` and ``W`` = E f(x_real) −
    E f(x_fake) on the last chunk, the critic's estimate of W1 (times the
    critic's Lipschitz constant K).
    """
    _check_options(n_critic, clip, penalty)
    return alternating_step(
        G, D, opt_G, opt_D, "wasserstein", n_critic,
        penalty=penalty, clip=clip, gap=True, k_name="n_critic",
    )  # fmt: skip
