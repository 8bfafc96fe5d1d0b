"""Labs: what the chapters measure, as pure computations (no drawing).

``conditional`` (class accuracy, intra-class diversity and FID, the Hungarian match
of categories to classes, slant and stroke width), ``dirac`` (the Dirac-GAN's vector
fields and Jacobians), ``divergences`` (1-D densities, the optimal discriminator, KL
and JS), ``divergence_landscape`` (divergences as a generator moves),
``weight_landscape`` (loss surfaces in parameter space), ``gradients`` (gradient
norms over training), ``weights`` (a clipped critic's weights), ``defects`` (real
data with a known defect, for the metrics), ``editing`` (IcGAN's
edits of real digits: success, style kept), ``edits`` (digit edits of equal MSE),
``regression`` (the two-branch regression of *why MSE is not enough*),
``translation`` (unpaired translation: answer-key error, class kept, cycle, FID).
"""

from gantutor.labs import (
    ablation,
    collapse,
    comparison,
    conditional,
    consistency,
    defects,
    dirac,
    divergence_landscape,
    divergences,
    editing,
    edits,
    gradients,
    pyramid,
    regression,
    translation,
    truncation,
    weight_landscape,
    weights,
)

__all__ = [
    "ablation",
    "collapse",
    "comparison",
    "pyramid",
    "conditional",
    "consistency",
    "defects",
    "dirac",
    "divergence_landscape",
    "divergences",
    "editing",
    "edits",
    "gradients",
    "regression",
    "translation",
    "truncation",
    "weight_landscape",
    "weights",
]
