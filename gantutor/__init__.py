"""gantutor: the PyTorch package behind *GANs, an interactive tutorial*.

    import gantutor as gt
    device = gt.setup(seed_value=0)      # seeds, prints profile and device
    steps = gt.per_profile(smoke=200, cpu=3_000, gpu=20_000)

Modules: ``data``, ``models``, ``losses``, ``steps``, ``train``, ``callbacks``,
``viz``, ``widgets``, ``edits``, ``regression``, ``divergences``, ``fgan``,
``ebgan``, ``compare_widgets``, ``landscape``, ``landscape_widgets``, ``metrics``,
``metrics_lab`` and ``metrics_widgets``.
"""

__version__ = "0.1.0"

from gantutor import (
    callbacks,
    compare_widgets,
    data,
    divergences,
    ebgan,
    edits,
    fgan,
    landscape,
    landscape_widgets,
    losses,
    metrics,
    metrics_lab,
    metrics_widgets,
    models,
    regression,
    steps,
    train,
    viz,
    widgets,
)
from gantutor.runtime import PROFILES, device, per_profile, profile, seed, setup

__all__ = [
    "PROFILES",
    "callbacks",
    "compare_widgets",
    "data",
    "device",
    "divergences",
    "ebgan",
    "edits",
    "fgan",
    "landscape",
    "landscape_widgets",
    "losses",
    "metrics",
    "metrics_lab",
    "metrics_widgets",
    "models",
    "per_profile",
    "regression",
    "profile",
    "seed",
    "setup",
    "steps",
    "train",
    "viz",
    "widgets",
]
