"""The losses by name: a :class:`GANLoss` pairs a D loss with a G loss."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from torch import Tensor

from gantutor.losses.adversarial import (
    LSGAN_CODES,
    gan_d,
    hinge_d,
    hinge_g,
    lsgan_d,
    lsgan_g,
    minimax_g,
    nonsaturating_g,
    wasserstein_d,
    wasserstein_g,
)

# How D's output reads, and so how a 2-D snapshot draws it: as the probability
# σ(D(x)) of "real" (GAN), or as a raw score centred on its mean over the plane
# (WGAN critics, LSGAN regressors, f-GAN critics, hinge: only differences matter
# to G).
SURFACES = ("probability", "score")


@dataclass(frozen=True)
class GANLoss:
    """A named pair of losses: ``d(d_real, d_fake)`` and ``g(d_fake)``.

    ``surface`` says how D's output reads under this loss: ``"probability"``
    when σ(D(x)) is D's probability of "real", ``"score"`` otherwise.
    """

    name: str
    d: Callable[[Tensor, Tensor], Tensor]
    g: Callable[[Tensor], Tensor]
    surface: str

    def __post_init__(self) -> None:
        if self.surface not in SURFACES:
            raise ValueError(f"surface must be one of {SURFACES}, got {self.surface!r}")


LOSSES = {
    "minimax": GANLoss("minimax", gan_d, minimax_g, "probability"),
    "non-saturating": GANLoss("non-saturating", gan_d, nonsaturating_g, "probability"),
    "wasserstein": GANLoss("wasserstein", wasserstein_d, wasserstein_g, "score"),
    "hinge": GANLoss("hinge", hinge_d, hinge_g, "score"),
    **{
        name: GANLoss(name, partial(lsgan_d, a=a, b=b), partial(lsgan_g, c=c), "score")
        for name, (a, b, c) in LSGAN_CODES.items()
    },
}


def get(name: str | GANLoss) -> GANLoss:
    """The loss registered under ``name`` (a ``GANLoss`` is returned unchanged)."""
    if isinstance(name, GANLoss):
        return name
    if name not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; known losses: {', '.join(LOSSES)}")
    return LOSSES[name]
