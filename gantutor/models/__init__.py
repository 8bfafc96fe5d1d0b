"""Models: parameterised generators, discriminators and classifiers.

``mlp`` (the MLP pair), ``dcgan`` (the DCGAN pair), ``autoencoder`` (EBGAN's and
BEGAN's discriminator), ``classifier`` (the MNIST judge), ``gaussian`` (1-D models),
``conditional`` (cGAN, projection and ACGAN networks), ``info`` (InfoGAN's Q head,
IcGAN's encoders), ``layers`` (shared blocks and checks). Discriminators return
realness logits, shape (B,).
"""

from gantutor.models.attention import SelfAttention2d
from gantutor.models.autoencoder import AutoencoderDiscriminator
from gantutor.models.biggan import BigGANDiscriminator, BigGANGenerator, truncated_z
from gantutor.models.classifier import Classifier
from gantutor.models.conditional import (
    AuxiliaryDiscriminator,
    ConcatDiscriminator,
    ConditionalGenerator,
    LabelCode,
    ProjectionDiscriminator,
    WithLabels,
)
from gantutor.models.dcgan import (
    IMG_SIZES,
    DCGANDiscriminator,
    DCGANGenerator,
    dcgan_init,
)
from gantutor.models.dcgan_rules import DCGANRules, ablations
from gantutor.models.gaussian import GaussianGenerator, critic
from gantutor.models.info import Encoder, InfoGANDiscriminator, QHead
from gantutor.models.lapgan import (
    LAPGAN,
    LevelSamples,
    ResidualDiscriminator,
    ResidualGenerator,
)
from gantutor.models.layers import count_parameters
from gantutor.models.mlp import MLPDiscriminator, MLPGenerator
from gantutor.models.sagan import SAGANDiscriminator, SAGANGenerator
from gantutor.models.translation import PatchDiscriminator, PointMap, ResNetGenerator

__all__ = [
    "LAPGAN",
    "LevelSamples",
    "ResidualDiscriminator",
    "ResidualGenerator",
    "IMG_SIZES",
    "AutoencoderDiscriminator",
    "AuxiliaryDiscriminator",
    "BigGANDiscriminator",
    "BigGANGenerator",
    "Classifier",
    "ConcatDiscriminator",
    "ConditionalGenerator",
    "DCGANDiscriminator",
    "DCGANGenerator",
    "DCGANRules",
    "Encoder",
    "GaussianGenerator",
    "InfoGANDiscriminator",
    "LabelCode",
    "MLPDiscriminator",
    "MLPGenerator",
    "PatchDiscriminator",
    "PointMap",
    "ProjectionDiscriminator",
    "QHead",
    "ResNetGenerator",
    "SAGANDiscriminator",
    "SAGANGenerator",
    "SelfAttention2d",
    "WithLabels",
    "ablations",
    "count_parameters",
    "critic",
    "truncated_z",
    "dcgan_init",
]
