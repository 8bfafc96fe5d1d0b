"""The metrics lab: real data with one known defect, and every metric at once.

Part 6 of the book (*Evaluation*) judges the metrics of :mod:`gantutor.metrics` on
"generators" whose defect is known in advance: real images with classes removed
(mode dropping), blurred images, uniform noise, fewer samples. A metric that does
not respond to a defect it claims to measure is caught here. So is MSE, which
scores every edit of n pixels alike (:func:`edit_curves`); :func:`label_entropies`
splits the Inception Score into the two entropies it compares.

    f_real = metrics.features(test.x, "mnist-cnn", "[-1,1]")
    x_fake = metrics_lab.drop_classes(train.x, train.y, k=3, n=350)  # digits 3..9
    f_fake = metrics.features(x_fake, "mnist-cnn", "[-1,1]")
    metrics_lab.evaluate(f_real, f_fake, extractor="mnist-cnn")  # FID, KID, IS, ...
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch
from torch import Tensor

from gantutor import metrics
from gantutor.data.toy import Mixture

METRICS = ("FID", "KID", "IS", "precision", "recall", "NDB")
POINT_METRICS = ("modes", "high quality", "FID", "precision", "recall", "NDB")


def _generator(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def subsample(x: Tensor, n: int, seed: int = 0) -> Tensor:
    """``n`` rows of ``x`` drawn without replacement (seeded)."""
    if not 1 <= n <= len(x):
        raise ValueError(f"n must be between 1 and {len(x)}, got {n}")
    return x[torch.randperm(len(x), generator=_generator(seed))[:n]]


def keep_classes(
    x: Tensor, y: Tensor, classes: Sequence[int], n: int, seed: int = 0
) -> Tensor:
    """``n`` images drawn without replacement from those labelled with ``classes``."""
    mask = torch.isin(y, torch.as_tensor(list(classes), dtype=y.dtype))
    if int(mask.sum()) < n:
        raise ValueError(
            f"only {int(mask.sum())} images have a label in {list(classes)}; "
            f"cannot draw n={n} without replacement"
        )
    return subsample(x[mask], n, seed)


def drop_classes(
    x: Tensor, y: Tensor, k: int, n: int, n_classes: int = 10, seed: int = 0
) -> Tensor:
    """``n`` images of the classes k, ..., n_classes − 1: a generator that dropped
    the first ``k`` modes (k = 0 drops none)."""
    if not 0 <= k < n_classes:
        raise ValueError(f"k must be between 0 and {n_classes - 1}, got {k}")
    return keep_classes(x, y, range(k, n_classes), n, seed)


def gaussian_blur(x: Tensor, sigma: float) -> Tensor:
    """Images (B, C, H, W) blurred by a Gaussian of ``sigma`` pixels (0: unchanged).

    The kernel spans ±3σ and the borders are reflected; a blur is an average of
    pixels, so images in [-1, 1] stay in [-1, 1].
    """
    from torchvision.transforms.functional import gaussian_blur as blur

    if sigma < 0:
        raise ValueError(f"sigma must be ≥ 0, got {sigma}")
    if sigma == 0:
        return x.clone()
    size = 2 * math.ceil(3 * sigma) + 1
    return blur(x, [size, size], [sigma, sigma])  # (B, C, H, W)


def uniform_noise(
    n: int, shape: tuple[int, ...] = (1, 28, 28), seed: int = 0
) -> Tensor:
    """``n`` images of independent uniform pixels in [-1, 1]: the worst generator."""
    return torch.rand(n, *shape, generator=_generator(seed)) * 2 - 1


@torch.no_grad()
def evaluate(
    f_real: Tensor,
    f_fake: Tensor,
    extractor: str | metrics.Extractor | None = None,
    *,
    which: Sequence[str] = METRICS,
    kid_subsets: int = 10,
    kid_size: int = 1000,
    n_bins: int = 20,
    k: int = 3,
    seed: int = 0,
) -> dict[str, float]:
    """The metrics named in ``which`` of fake features against real ones.

    FID is the Fréchet distance of the feature statistics, KID the mean unbiased
    MMD², IS the score of the extractor's logits of the fake features (so IS
    needs ``extractor``), precision and recall use k-NN balls, and NDB counts the
    different bins among ``n_bins`` k-means bins of the real features.
    """
    unknown = set(which) - set(METRICS)
    if unknown:
        raise ValueError(f"unknown metrics {sorted(unknown)}; known: {METRICS}")
    out: dict[str, float] = {}
    if "FID" in which:
        out["FID"] = metrics.frechet_distance_of(
            metrics.statistics(f_real), metrics.statistics(f_fake)
        )
    if "KID" in which:
        out["KID"] = metrics.kid(f_real, f_fake, kid_subsets, kid_size, seed)[0]
    if "IS" in which:
        if extractor is None:
            raise ValueError("IS needs the extractor whose head gives the logits")
        ex = metrics.extractor(extractor)
        logits = ex.logits(f_fake.float().to(next(ex.parameters()).device))
        splits = min(10, len(f_fake))
        out["IS"] = metrics.inception_score(logits.cpu(), splits, seed)[0]
    if "precision" in which or "recall" in which:
        precision, recall = metrics.precision_recall(f_real, f_fake, k)
        out["precision"], out["recall"] = precision, recall
    if "NDB" in which:
        out["NDB"] = metrics.ndb(f_real, f_fake, n_bins, seed=seed).ndb
    return {name: float(out[name]) for name in METRICS if name in which}


def keep_modes(dist: Mixture, keep: Sequence[int]) -> Mixture:
    """The mixture restricted to the modes ``keep`` (indices into its centres)."""
    keep = list(keep)
    if not keep or not all(0 <= i < len(dist.centres) for i in keep):
        raise ValueError(
            f"keep must be a non-empty list of modes in 0..{len(dist.centres) - 1}"
        )
    return Mixture(f"{dist.name}-{len(keep)}modes", dist.centres[keep], dist.std)


def evaluate_points(
    dist: Mixture,
    x_real: Tensor,
    x_fake: Tensor,
    *,
    n_bins: int | None = None,
    k: int = 3,
    seed: int = 0,
) -> dict[str, float]:
    """Metrics of 2-D samples against real ones, on the raw points.

    ``modes`` and ``high quality`` are :meth:`Mixture.coverage` of the fakes;
    FID here is the Fréchet distance of the 2-D points themselves; NDB uses
    ``n_bins`` bins (twice the number of modes by default).
    """
    modes, quality = dist.coverage(x_fake)
    precision, recall = metrics.precision_recall(x_real, x_fake, k)
    bins = n_bins or 2 * len(dist.centres)
    return {
        "modes": float(modes),
        "high quality": quality,
        "FID": metrics.frechet_distance_of(
            metrics.statistics(x_real), metrics.statistics(x_fake)
        ),
        "precision": precision,
        "recall": recall,
        "NDB": float(metrics.ndb(x_real, x_fake, bins, seed=seed).ndb),
    }


def sample_size_sweep(
    f_pool: Tensor,
    f_ref: Tensor,
    ns: Sequence[int],
    repeats: int,
    *,
    which: Sequence[str] = ("FID", "KID", "precision", "recall"),
    kid_subsets: int = 10,
    k: int = 3,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """Metrics of ``repeats`` random subsets of ``n`` rows of ``f_pool`` against
    ``f_ref``, for every ``n`` in ``ns``: ``{metric: array (len(ns), repeats)}``.

    KID uses subsets of all ``n`` fake samples; IS is not offered (no extractor).
    """
    values = {name: np.zeros((len(ns), repeats)) for name in which}
    for i, n in enumerate(ns):
        for r in range(repeats):
            f_fake = subsample(f_pool, n, seed + 1000 * i + r)
            result = evaluate(
                f_ref,
                f_fake,
                which=which,
                kid_subsets=kid_subsets,
                kid_size=n,
                k=k,
                seed=seed + r,
            )
            for name in which:
                values[name][i, r] = result[name]
    return values


def label_distribution(logits: Tensor) -> Tensor:
    """p(y) = E_x p(y|x): the classifier's mean prediction (K,), from logits (N, K)."""
    return torch.softmax(logits.double(), dim=1).mean(0)  # (K,)


def sample_entropies(logits: Tensor) -> Tensor:
    """H(y|x) = −Σ_y p(y|x) log p(y|x) of every sample (N,), in nats."""
    return torch.special.entr(torch.softmax(logits.double(), dim=1)).sum(1)  # (N,)


def label_entropies(logits: Tensor) -> tuple[float, float]:
    """H(y) of the mean prediction and the mean E_x H(y|x), in nats, from logits.

    IS = exp(H(y) − E_x H(y|x)) (Salimans et al., 2016, arXiv:1606.03498):
    chapter *The Inception Score*.
    """
    h_marg = torch.special.entr(label_distribution(logits)).sum()
    return float(h_marg), float(sample_entropies(logits).mean())
