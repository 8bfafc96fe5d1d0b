"""gantutor: the PyTorch package behind *GANs, an interactive tutorial*.

    import gantutor as gt
    device = gt.setup(seed_value=0)      # seeds, prints profile and device
    steps = gt.per_profile(smoke=200, cpu=3_000, gpu=20_000)

Modules: ``data``, ``models``, ``losses``, ``penalties``, ``steps``, ``train``,
``accel``, ``cuda_graph``, ``callbacks``, ``viz``, ``widgets``, ``edits``,
``regression``, ``divergences``, ``fgan``, ``ebgan``, ``compare_widgets``,
``landscape``, ``landscape_widgets``, ``wgan``, ``wgan_widgets``, ``gp_lab``,
``gp_widgets``, ``began``, ``began_widgets``, ``dirac``, ``dirac_widgets``,
``weight_landscape``, ``weight_landscape_widgets``, ``metrics``, ``metrics_lab`` and
``metrics_widgets``.
"""

__version__ = "0.1.0"

from gantutor import (
    accel,
    began,
    began_widgets,
    callbacks,
    compare_widgets,
    cuda_graph,
    data,
    dirac,
    dirac_widgets,
    divergences,
    ebgan,
    edits,
    fgan,
    gp_lab,
    gp_widgets,
    landscape,
    landscape_widgets,
    losses,
    metrics,
    metrics_lab,
    metrics_widgets,
    models,
    penalties,
    regression,
    steps,
    train,
    viz,
    weight_landscape,
    weight_landscape_widgets,
    wgan,
    wgan_widgets,
    widgets,
)
from gantutor.runtime import PROFILES, device, per_profile, profile, seed, setup

__all__ = [
    "PROFILES",
    "accel",
    "began",
    "began_widgets",
    "callbacks",
    "compare_widgets",
    "cuda_graph",
    "data",
    "device",
    "dirac",
    "dirac_widgets",
    "divergences",
    "ebgan",
    "edits",
    "fgan",
    "gp_lab",
    "gp_widgets",
    "landscape",
    "landscape_widgets",
    "losses",
    "metrics",
    "metrics_lab",
    "metrics_widgets",
    "models",
    "penalties",
    "per_profile",
    "profile",
    "regression",
    "seed",
    "setup",
    "steps",
    "train",
    "viz",
    "weight_landscape",
    "weight_landscape_widgets",
    "wgan",
    "wgan_widgets",
    "widgets",
]
