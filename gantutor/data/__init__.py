"""Data: 2-D mixtures, MNIST with labels, and batches that never run out.

``toy`` (2-D mixtures), ``images`` (MNIST digits with labels, online or
offline), ``batches`` (endless batches of a tensor or of tuples of tensors:
``(x, y)`` for labelled data, ``(a, b)`` for two unpaired domains).
"""

from gantutor.data.batches import (
    Batch,
    MixtureBatches,
    TensorBatches,
    UnpairedBatches,
    draw,
    forever,
)
from gantutor.data.images import ImageSet, mnist, to_unit
from gantutor.data.toy import MIXTURES, Mixture, grid, mixture, ring, spiral

__all__ = [
    "MIXTURES",
    "Batch",
    "ImageSet",
    "Mixture",
    "MixtureBatches",
    "TensorBatches",
    "UnpairedBatches",
    "draw",
    "forever",
    "grid",
    "mixture",
    "mnist",
    "ring",
    "spiral",
    "to_unit",
]
