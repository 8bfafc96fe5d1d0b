"""gantutor: the PyTorch package behind *GANs, an interactive tutorial*.

    import gantutor as gt
    device = gt.setup(seed=0)            # seeds, prints profile and device
    steps = gt.per_profile(smoke=200, cpu=3_000, gpu=20_000)

Modules: ``data``, ``models``, ``losses``, ``steps``, ``train``, ``callbacks``,
``viz``, ``widgets`` and ``edits``.
"""

__version__ = "0.1.0"

from gantutor import callbacks, data, edits, losses, models, steps, train, viz, widgets
from gantutor.runtime import PROFILES, device, per_profile, profile, seed, setup

__all__ = [
    "PROFILES",
    "callbacks",
    "data",
    "device",
    "edits",
    "losses",
    "models",
    "per_profile",
    "profile",
    "seed",
    "setup",
    "steps",
    "train",
    "viz",
    "widgets",
]
