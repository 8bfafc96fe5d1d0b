"""Models: parameterised generators, discriminators and classifiers.

``mlp`` (the MLP pair), ``dcgan`` (the DCGAN pair), ``autoencoder`` (EBGAN's and
BEGAN's discriminator), ``classifier`` (the MNIST judge), ``gaussian`` (1-D
models), ``layers`` (shared blocks and checks). Discriminators return realness
logits, shape (B,).
"""

from gantutor.models.autoencoder import AutoencoderDiscriminator
from gantutor.models.classifier import Classifier
from gantutor.models.dcgan import (
    IMG_SIZES,
    DCGANDiscriminator,
    DCGANGenerator,
    dcgan_init,
)
from gantutor.models.gaussian import GaussianGenerator, critic
from gantutor.models.layers import count_parameters
from gantutor.models.mlp import MLPDiscriminator, MLPGenerator

__all__ = [
    "IMG_SIZES",
    "AutoencoderDiscriminator",
    "Classifier",
    "DCGANDiscriminator",
    "DCGANGenerator",
    "GaussianGenerator",
    "MLPDiscriminator",
    "MLPGenerator",
    "count_parameters",
    "critic",
    "dcgan_init",
]
