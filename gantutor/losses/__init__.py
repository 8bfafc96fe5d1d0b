"""Losses as pure functions with one sign convention: D returns realness logits.

``adversarial`` (GAN, LSGAN, WGAN), ``fdiv`` (the f-divergences of f-GAN),
``energy`` (EBGAN, BEGAN), ``auxiliary`` (ACGAN's class term, InfoGAN's
mutual information), ``registry`` (:class:`GANLoss` and the losses by
name). Every loss is minimised: ``xxx_d(d_real, d_fake)`` for D, ``xxx_g(d_fake)``
for G. Penalties are in :mod:`gantutor.penalties`.
"""

from gantutor.losses import auxiliary, cycle, energy, fdiv
from gantutor.losses.adversarial import (
    LSGAN_CODES,
    as_logits,
    gan_d,
    gan_value,
    hinge_d,
    hinge_g,
    lsgan_d,
    lsgan_g,
    minimax_g,
    nonsaturating_g,
    wasserstein_d,
    wasserstein_g,
)
from gantutor.losses.auxiliary import (
    auxiliary_ce,
    categorical_info,
    gaussian_info,
    info_bound,
)
from gantutor.losses.cycle import cycle_loss, identity_loss
from gantutor.losses.energy import (
    began_d,
    began_g,
    began_loss,
    convergence,
    ebgan_d,
    ebgan_g,
    margin_hinge,
    pulling_away,
    reconstruction_energy,
    reconstruction_loss,
    update_k,
)
from gantutor.losses.registry import LOSSES, SURFACES, GANLoss, get

__all__ = [
    "LOSSES",
    "LSGAN_CODES",
    "SURFACES",
    "GANLoss",
    "as_logits",
    "auxiliary",
    "auxiliary_ce",
    "began_d",
    "began_g",
    "began_loss",
    "categorical_info",
    "convergence",
    "cycle",
    "cycle_loss",
    "ebgan_d",
    "ebgan_g",
    "energy",
    "fdiv",
    "gan_d",
    "gan_value",
    "gaussian_info",
    "get",
    "hinge_d",
    "hinge_g",
    "identity_loss",
    "info_bound",
    "lsgan_d",
    "lsgan_g",
    "margin_hinge",
    "minimax_g",
    "nonsaturating_g",
    "pulling_away",
    "reconstruction_energy",
    "reconstruction_loss",
    "update_k",
    "wasserstein_d",
    "wasserstein_g",
]
