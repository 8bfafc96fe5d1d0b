"""gantutor: the PyTorch package behind *GANs, an interactive tutorial*.

    import gantutor as gt
    device = gt.setup(seed_value=0)      # seeds, prints profile and device
    steps = gt.per_profile(smoke=200, cpu=3_000, gpu=20_000)

``import gantutor`` loads torch and :mod:`gantutor.runtime` only; each part of
the package loads when first used (``gt.models``, ``gt.viz``, ...):

==============  ===============================================================
``data``        2-D mixtures, MNIST with labels, endless batches
``models``      generators, discriminators, classifiers
``losses``      losses as pure functions (D returns realness logits)
``penalties``   gradient penalties, R1/R2, DRAGAN, weight clipping
``steps``       update steps: one call, one training step
``train``       the training loop, history, callbacks, the GPU path
``metrics``     images -> features -> statistics -> distance (FID, IS, KID, ...)
``labs``        what the chapters measure (no drawing)
``widgets``     explorers for the chapters (drawing only)
``viz``         figures, image grids, animations
==============  ===============================================================
"""

from __future__ import annotations

import importlib

from gantutor.runtime import PROFILES, device, per_profile, profile, seed, setup
from gantutor.version import __version__

SUBPACKAGES = (
    "data",
    "labs",
    "losses",
    "metrics",
    "models",
    "penalties",
    "runtime",
    "steps",
    "train",
    "viz",
    "widgets",
)


def __getattr__(name: str):
    """Load a part of the package when first used (PEP 562)."""
    if name in SUBPACKAGES:
        return importlib.import_module(f"gantutor.{name}")
    raise AttributeError(
        f"module 'gantutor' has no attribute {name!r}; its parts are "
        f"{', '.join(SUBPACKAGES)}"
    )


def __dir__() -> list[str]:
    return sorted([*globals(), *SUBPACKAGES])


__all__ = [
    "PROFILES",
    "__version__",
    "device",
    "per_profile",
    "profile",
    "seed",
    "setup",
    *SUBPACKAGES,
]
