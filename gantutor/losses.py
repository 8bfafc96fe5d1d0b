"""GAN losses as pure functions, with one sign convention.

**Convention.** A discriminator returns *realness logits*: ``d_real = D(x_real)``
and ``d_fake = D(G(z))`` are real numbers, higher meaning "more real", and
``sigmoid(d)`` is the probability D gives to "real". Every loss here is a
quantity to *minimise*: ``xxx_d(d_real, d_fake)`` for the discriminator and
``xxx_g(d_fake)`` for the generator. Logits keep the losses exact where the
sigmoid saturates (``log sigmoid(d) = -softplus(-d)``).

The game of Goodfellow et al. (2014, arXiv:1406.2661) is

    min_G max_D  V(D, G) = E_x[log D(x)] + E_z[log(1 - D(G(z)))]

explained in the chapter *GAN*.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch.nn.functional as F
from torch import Tensor


def _logits(d: Tensor, name: str) -> Tensor:
    if d.dim() == 2 and d.shape[1] == 1:
        d = d.squeeze(1)
    if d.dim() != 1:
        raise ValueError(
            f"{name} must hold one realness logit per sample, shape (B,) or (B, 1); "
            f"got {tuple(d.shape)}"
        )
    return d


def gan_value(d_real: Tensor, d_fake: Tensor) -> Tensor:
    """V(D, G) = E[log σ(d_real)] + E[log(1 − σ(d_fake))]; −log 4 at the optimum."""
    d_real, d_fake = _logits(d_real, "d_real"), _logits(d_fake, "d_fake")
    return -F.softplus(-d_real).mean() - F.softplus(d_fake).mean()


def gan_d(d_real: Tensor, d_fake: Tensor) -> Tensor:
    """Discriminator loss −V(D, G): binary cross-entropy, real = 1, fake = 0."""
    return -gan_value(d_real, d_fake)


def minimax_g(d_fake: Tensor) -> Tensor:
    """Saturating generator loss E[log(1 − σ(d_fake))] (G minimises V directly).

    Its gradient with respect to the logit is −σ(d_fake), which vanishes when D
    confidently rejects the fakes (σ(d_fake) → 0): early in training.
    """
    return -F.softplus(_logits(d_fake, "d_fake")).mean()


def nonsaturating_g(d_fake: Tensor) -> Tensor:
    """Non-saturating generator loss −E[log σ(d_fake)] (Goodfellow et al. 2014, §3).

    Same fixed point as the minimax loss, but the gradient with respect to the
    logit is −(1 − σ(d_fake)), which tends to −1 when D rejects the fakes.
    """
    return F.softplus(-_logits(d_fake, "d_fake")).mean()


@dataclass(frozen=True)
class GANLoss:
    """A named pair of losses: ``d(d_real, d_fake)`` and ``g(d_fake)``."""

    name: str
    d: Callable[[Tensor, Tensor], Tensor]
    g: Callable[[Tensor], Tensor]


LOSSES = {
    "minimax": GANLoss("minimax", gan_d, minimax_g),
    "non-saturating": GANLoss("non-saturating", gan_d, nonsaturating_g),
}


def get(name: str | GANLoss) -> GANLoss:
    """The loss registered under ``name`` (a ``GANLoss`` is returned unchanged)."""
    if isinstance(name, GANLoss):
        return name
    if name not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; known losses: {', '.join(LOSSES)}")
    return LOSSES[name]
