"""Update steps for :class:`gantutor.train.Trainer`: one call, one training step.

``alternating`` (Algorithm 1 of the GAN paper, with penalties and clipping),
``critic`` (WGAN's n_critic updates), ``ebgan`` (the energy and its margin),
``began`` (BEGAN's balance),
``conditional`` (cGAN and ACGAN on labels), ``info`` (InfoGAN on latent codes),
``inversion`` (IcGAN's encoders of a trained G), ``translation`` (CycleGAN,
DiscoGAN and DualGAN on unpaired domains).
A step takes a batch (a tensor, or a tuple it unpacks) and returns its losses as
0-d tensors; a step that consumes ``n`` real batches per call sets
``step.batches_per_step = n``. Chapters whose lesson is the step write their own
and prove it equal to these.
"""

from gantutor.steps.alternating import Penalty, alternating_step, frozen, gan_step
from gantutor.steps.began import began_step
from gantutor.steps.biggan import biggan_step
from gantutor.steps.conditional import acgan_step, conditional_step
from gantutor.steps.critic import critic_step
from gantutor.steps.ebgan import ebgan_step
from gantutor.steps.info import infogan_step, join_codes, sample_codes
from gantutor.steps.inversion import icgan_encoder_step
from gantutor.steps.pyramid import level_step
from gantutor.steps.translation import one_way_step, translation_step

__all__ = [
    "level_step",
    "Penalty",
    "acgan_step",
    "alternating_step",
    "began_step",
    "biggan_step",
    "conditional_step",
    "critic_step",
    "ebgan_step",
    "frozen",
    "gan_step",
    "icgan_encoder_step",
    "infogan_step",
    "join_codes",
    "one_way_step",
    "sample_codes",
    "translation_step",
]
