"""Data: 2-D mixtures, MNIST with labels, and batches that never run out.

``toy`` (2-D mixtures), ``images`` (MNIST digits with labels, online or
offline), ``batches`` (endless batches of a tensor or of tuples of tensors).
"""

from gantutor.data.batches import MixtureBatches, TensorBatches, forever
from gantutor.data.images import ImageSet, mnist, to_unit
from gantutor.data.toy import MIXTURES, Mixture, grid, mixture, ring, spiral

__all__ = [
    "MIXTURES",
    "ImageSet",
    "Mixture",
    "MixtureBatches",
    "TensorBatches",
    "forever",
    "grid",
    "mixture",
    "mnist",
    "ring",
    "spiral",
    "to_unit",
]
