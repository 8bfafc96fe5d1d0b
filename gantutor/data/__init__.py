"""Data: 2-D mixtures, MNIST with labels, and batches that never run out.

``toy`` (2-D mixtures), ``images`` (MNIST digits with labels, online or
offline), ``batches`` (endless batches of a tensor or of tuples of tensors:
``(x, y)`` for labelled data, ``(a, b)`` for two unpaired domains), ``domains``
(grey and coloured MNIST with an answer key, 2-D toy domains).
"""

from gantutor.data import pyramid
from gantutor.data.batches import (
    Batch,
    MixtureBatches,
    TensorBatches,
    UnpairedBatches,
    draw,
    forever,
)
from gantutor.data.domains import (
    colour_digits,
    rebuild,
    toy_domains,
    unpaired_digits,
)
from gantutor.data.images import ImageSet, mnist, to_unit
from gantutor.data.photos import PHOTO_NAMES, PhotoCrops, photo_crops
from gantutor.data.sprites import sprites
from gantutor.data.toy import MIXTURES, Mixture, grid, mixture, ring, spiral

__all__ = [
    "pyramid",
    "PHOTO_NAMES",
    "PhotoCrops",
    "photo_crops",
    "MIXTURES",
    "Batch",
    "ImageSet",
    "Mixture",
    "MixtureBatches",
    "TensorBatches",
    "colour_digits",
    "UnpairedBatches",
    "draw",
    "forever",
    "grid",
    "mixture",
    "mnist",
    "rebuild",
    "ring",
    "spiral",
    "sprites",
    "to_unit",
    "toy_domains",
    "unpaired_digits",
]
