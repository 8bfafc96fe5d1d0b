"""An exponential moving average of a network's weights, as a trainer callback.

    θ_ema ← β θ_ema + (1 − β) θ        after every ``every``-th step,

so after k updates θ_ema = β^k θ_0 + Σ_{i=1..k} (1 − β) β^{k−i} θ_i. Buffers
(BatchNorm's running statistics, spectral norm's power-iteration vectors) are
copied, not averaged. BigGAN samples from such an average of G (Brock et al.
2018, arXiv:1809.11096, with β = 0.9999; chapter *BigGAN*); Yazıcı et al.
(2019, arXiv:1806.04498) study why it helps.
"""

from __future__ import annotations

import copy

import torch
from torch import nn


class EMA:
    """A frozen copy ``self.ema`` of ``module`` that follows it with decay ``beta``.

    Call :meth:`update` after an optimiser step, or hand the object to
    :class:`gantutor.train.Trainer` as a callback (it has ``every`` and is called
    as ``ema(trainer)``). Before step ``start`` the copy takes the weights as they
    are (θ_ema = θ), as BigGAN starts its average late. ``state_dict`` and
    ``load_state_dict`` save and restore the copy (or pass ``ema.ema`` among the
    trainer's modules, so checkpoints hold it).
    """

    def __init__(
        self, module: nn.Module, beta: float = 0.999, every: int = 1, start: int = 0
    ):
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"beta must be in [0, 1), got {beta}")
        if every < 1 or start < 0:
            raise ValueError(f"every must be ≥ 1 and start ≥ 0, got {every}, {start}")
        self.module, self.beta, self.every, self.start = module, beta, every, start
        self.ema = copy.deepcopy(module).eval().requires_grad_(False)
        self.updates = 0

    @torch.no_grad()
    def update(self, step: int | None = None) -> None:
        """One move of the average towards the module's current weights."""
        beta = 0.0 if step is not None and step < self.start else self.beta
        pairs = zip(self.ema.parameters(), self.module.parameters(), strict=True)
        for p_ema, p in pairs:
            p_ema.lerp_(p.detach(), 1.0 - beta)  # β θ_ema + (1 − β) θ
        for b_ema, b in zip(self.ema.buffers(), self.module.buffers(), strict=True):
            b_ema.copy_(b)
        self.updates += 1

    def __call__(self, trainer) -> None:
        self.update(trainer.step)

    def state_dict(self) -> dict:
        return {"ema": self.ema.state_dict(), "updates": self.updates}

    def load_state_dict(self, state: dict) -> None:
        self.ema.load_state_dict(state["ema"])
        self.updates = int(state["updates"])
