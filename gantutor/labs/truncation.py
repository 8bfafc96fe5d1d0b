"""What the chapter *BigGAN* measures: truncation trades variety for fidelity.

Samples of a class-conditional G at truncation thresholds t (z ~ N(0, I)
restricted to |z_j| ≤ t, :func:`gantutor.models.biggan.truncated_z`), judged by
the shipped ``mnist-cnn`` classifier (28 px: 32 px images are cropped by 2 px
on each side, the padding of :func:`gantutor.data.mnist`):

- fidelity: the judge's class accuracy on the requested class and the
  "Inception score" of its logits (here the MNIST score);
- variety: the intra-class diversity of the judge's features;
- both at once: the Fréchet distance of the features to real digits,
  "FID (mnist-cnn)".

Brock et al. (2018, arXiv:1809.11096), §3.1 and Figure 2(a): lowering the
threshold raises IS and, past a point, FID too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from gantutor import metrics
from gantutor.labs.conditional import class_accuracy, intra_class_diversity
from gantutor.models.biggan import truncated_z
from gantutor.models.layers import device_of


@dataclass
class TruncationCurve:
    """One trained G's scores at each threshold (``inf`` = no truncation)."""

    thresholds: list[float]
    fid: list[float]  # FID (mnist-cnn) to real digits: lower is better
    inception: list[float]  # mean IS (MNIST score): higher is more confident
    accuracy: list[float]  # share of samples read as the requested class
    diversity: list[float]  # mean intra-class feature distance: variety


def crop(x: Tensor, size: int = 28) -> Tensor:
    """The central ``size``×``size`` pixels of images (B, C, H, W)."""
    h, w = x.shape[-2:]
    if h < size or w < size:
        raise ValueError(f"cannot crop {h}×{w} images to {size}×{size}")
    top, left = (h - size) // 2, (w - size) // 2
    return x[..., top : top + size, left : left + size]


def generate(
    G: nn.Module,
    n_per_class: int,
    threshold: float | None,
    seed: int = 0,
    batch_size: int = 500,
) -> tuple[Tensor, Tensor]:
    """``n_per_class`` samples G(z, k) of every class k, z truncated at ``threshold``.

    On the CPU, without gradients, the noise from a generator seeded by ``seed``;
    G runs in the mode it is in (eval for BatchNorm's running statistics).
    """
    device = device_of(G)
    gen = torch.Generator(device).manual_seed(seed)
    y = torch.arange(G.n_classes).repeat_interleave(n_per_class)  # (N,)
    z = truncated_z(len(y), G.latent_dim, threshold, generator=gen)  # (N, latent)
    pairs = zip(z.split(batch_size), y.split(batch_size), strict=True)
    with torch.no_grad():
        x = [G(z_b, y_b.to(device)).cpu() for z_b, y_b in pairs]
    return torch.cat(x), y  # (N, C, H, W), (N,)


def curve(
    G: nn.Module,
    thresholds: list[float],
    real: metrics.Statistics,
    n_per_class: int = 100,
    extractor: str | metrics.Extractor = "mnist-cnn",
    seed: int = 0,
) -> TruncationCurve:
    """Scores of G at each threshold against the statistics ``real`` of real digits.

    ``real`` = ``metrics.statistics(features of real digits)`` from the same
    extractor. The same seed at every threshold.
    """
    if not thresholds or any(not t > 0 for t in thresholds):
        raise ValueError(
            f"thresholds must be positive (math.inf: none); got {thresholds}"
        )
    ex = metrics.extractor(extractor, device_of(G))
    out = TruncationCurve(list(thresholds), [], [], [], [])
    for t in thresholds:
        x, y = generate(G, n_per_class, None if math.isinf(t) else t, seed)
        f = metrics.features(crop(x), ex, "[-1,1]", progress=False)  # (N, 64)
        with torch.no_grad():
            logits = ex.logits(f.to(device_of(ex))).float().cpu()  # (N, 10)
        stats = metrics.statistics(f)
        out.fid.append(metrics.frechet_distance_of(real, stats))
        out.inception.append(metrics.inception_score(logits, splits=5)[0])
        out.accuracy.append(float(class_accuracy(logits, y, G.n_classes).mean()))
        out.diversity.append(float(intra_class_diversity(f, y, G.n_classes).mean()))
    return out


@torch.no_grad()
def standing_stats(G: nn.Module, n_batches: int = 16, batch_size: int = 100) -> None:
    """Re-estimate G's BatchNorm statistics from its own samples, then ``G.eval()``.

    The running statistics that an EMA copy of G inherits belong to G's raw
    weights; BigGAN's code re-estimates them for the sampling weights
    ("standing statistics"): reset, then average the batch statistics of
    ``n_batches`` batches of G(z, y) with z ~ N(0, I) and uniform labels.
    """
    norms = [
        m for m in G.modules() if isinstance(m, (nn.BatchNorm2d, nn.SyncBatchNorm))
    ]
    device = device_of(G)
    saved = [m.momentum for m in norms]
    for m in norms:
        m.reset_running_stats()
        m.momentum = None  # a cumulative average over the batches
    G.train()
    for _ in range(n_batches):
        z = torch.randn(batch_size, G.latent_dim, device=device)
        G(z, torch.randint(G.n_classes, (batch_size,), device=device))
    for m, momentum in zip(norms, saved, strict=True):
        m.momentum = momentum
    G.eval()
