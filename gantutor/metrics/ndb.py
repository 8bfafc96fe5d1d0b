"""Number of statistically Different Bins (Richardson & Weiss 2018, arXiv:1805.12462).

The real samples are clustered into K bins by k-means; every real and fake sample
falls in the bin of its nearest centre. For each bin, a two-sample z-test of
proportions with the pooled proportion

    p = (n_r p_r + n_f p_f) / (n_r + n_f),
    z = (p_r − p_f) / sqrt(p (1 − p) (1/n_r + 1/n_f)),

marks the bin *different* when its two-sided p-value is below ``alpha``. NDB is
the number of different bins, NDB/K its share. A generator that drops a mode
leaves that mode's bin (nearly) empty, and the bin is different.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import torch
from torch import Tensor

from gantutor.metrics.checks import check_finite

if TYPE_CHECKING:
    from sklearn.cluster import KMeans


@dataclass(frozen=True)
class NDBResult:
    """Bins, their proportions and z-tests, and the NDB count."""

    centres: Tensor  # (K, d), the k-means centres of the real samples
    real_proportions: Tensor  # (K,)
    fake_proportions: Tensor  # (K,)
    z: Tensor  # (K,), positive where real samples are more frequent
    p_values: Tensor  # (K,), two-sided
    significant: Tensor  # (K,), bool: the different bins
    ndb: int
    ndb_over_k: float


def _counts(x: np.ndarray, kmeans: KMeans, k: int) -> np.ndarray:
    return np.bincount(kmeans.predict(x), minlength=k)


def ndb(
    x_real: Tensor,
    x_fake: Tensor,
    n_bins: int = 20,
    alpha: float = 0.05,
    seed: int = 0,
) -> NDBResult:
    """NDB of fake samples against real ones (images or features, flattened).

    k-means (scikit-learn, ``n_init=10``, ``random_state=seed``) runs on the real
    samples; their proportions are compared with the fake ones bin by bin.
    """
    check_finite(x_real, "x_real")
    check_finite(x_fake, "x_fake")
    from sklearn.cluster import KMeans  # imported here: a slow import

    real = x_real.detach().flatten(1).double().cpu().numpy()  # (n_r, d)
    fake = x_fake.detach().flatten(1).double().cpu().numpy()  # (n_f, d)
    if real.shape[1] != fake.shape[1]:
        raise ValueError(f"dimensions differ: {real.shape[1]} vs {fake.shape[1]}")
    if not 2 <= n_bins <= len(real):
        raise ValueError(f"n_bins must be between 2 and {len(real)}, got {n_bins}")
    kmeans = KMeans(n_clusters=n_bins, n_init=10, random_state=seed).fit(real)
    n_r, n_f = len(real), len(fake)
    p_r = _counts(real, kmeans, n_bins) / n_r  # (K,)
    p_f = _counts(fake, kmeans, n_bins) / n_f  # (K,)
    pooled = (n_r * p_r + n_f * p_f) / (n_r + n_f)
    se = np.sqrt(pooled * (1 - pooled) * (1 / n_r + 1 / n_f))
    z = np.divide(p_r - p_f, se, out=np.zeros(n_bins), where=se > 0)
    p_values = np.array([math.erfc(abs(v) / math.sqrt(2)) for v in z])
    significant = p_values < alpha
    return NDBResult(
        centres=torch.from_numpy(kmeans.cluster_centers_),
        real_proportions=torch.from_numpy(p_r),
        fake_proportions=torch.from_numpy(p_f),
        z=torch.from_numpy(z),
        p_values=torch.from_numpy(p_values),
        significant=torch.from_numpy(significant),
        ndb=int(significant.sum()),
        ndb_over_k=float(significant.mean()),
    )
