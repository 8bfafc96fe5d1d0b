"""Feature statistics (mean, covariance) and the Fréchet distance between Gaussians.

    d² = ‖μ₁ − μ₂‖² + tr Σ₁ + tr Σ₂ − 2 tr (Σ₁ Σ₂)^{1/2}

(Fréchet 1957; as FID, Heusel et al. 2017, arXiv:1706.08500; chapter "Evaluating
GANs"). The trace of the matrix square root is computed exactly through a symmetric
eigenvalue problem: with Σ₁ = L Lᵀ, the product Σ₁ Σ₂ = L (Lᵀ Σ₂ L) L⁻¹ is similar
to the symmetric positive semi-definite matrix Lᵀ Σ₂ L, so

    tr (Σ₁ Σ₂)^{1/2} = Σᵢ sqrt(λᵢ(Lᵀ Σ₂ L)),

where eigenvalues at the round-off level (√d·eps·λ_max) count as zero.

No non-symmetric ``sqrtm``, no imaginary parts, float64 throughout, and it runs on
the GPU when the statistics are there.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

from gantutor.metrics.checks import check_finite

ArrayLike = Tensor | np.ndarray
# Round-off a covariance may carry, per dimension, relative to its largest
# eigenvalue: float32's, as covariances are often accumulated in float32.
_ROUND_OFF = torch.finfo(torch.float32).eps


@dataclass(frozen=True)
class Statistics:
    """Mean (d,) and unbiased covariance (d, d) of n feature vectors, in float64."""

    mu: Tensor  # (d,)
    sigma: Tensor  # (d, d)
    n: int
    extractor: str = ""  # the name of the features they describe, "" if unknown

    def to(self, device: torch.device | str) -> Statistics:
        return Statistics(
            self.mu.to(device), self.sigma.to(device), self.n, self.extractor
        )


class StatisticsAccumulator:
    """Mean and covariance of batches of features, one batch at a time.

    Batches are merged with the pairwise update of Chan, Golub & LeVeque (1979):
    each batch is centred on its own mean, so no large sums of squares cancel.
    """

    def __init__(self) -> None:
        self.n = 0
        self.mu: Tensor | None = None  # (d,)
        self.m2: Tensor | None = None  # (d, d), sum of centred outer products

    def update(self, f: Tensor) -> None:
        f = f.detach().flatten(1).double()  # (B, d)
        check_finite(f, "f")
        n_b = len(f)
        if n_b == 0:
            return
        mu_b = f.mean(dim=0)  # (d,)
        centred = f - mu_b
        m2_b = centred.T @ centred  # (d, d)
        if self.mu is None:
            self.n, self.mu, self.m2 = n_b, mu_b, m2_b
            return
        n = self.n + n_b
        delta = mu_b - self.mu
        self.mu = self.mu + delta * (n_b / n)
        self.m2 = self.m2 + m2_b + torch.outer(delta, delta) * (self.n * n_b / n)
        self.n = n

    def result(self, extractor: str = "") -> Statistics:
        if self.mu is None or self.n < 2:
            raise ValueError(f"a covariance needs at least 2 samples, got {self.n}")
        d = self.mu.numel()
        if self.n < d:
            warnings.warn(
                f"statistics of n={self.n} samples in d={d} dimensions: the "
                f"covariance is singular (rank ≤ n − 1) and the Fréchet distance is "
                f"strongly biased. Use at least d samples (for Inception FID, "
                f"10,000 or more).",
                stacklevel=3,
            )
        return Statistics(self.mu, self.m2 / (self.n - 1), self.n, extractor)


def statistics(f: Tensor | Iterable[Tensor], extractor: str = "") -> Statistics:
    """Mean and covariance (float64) of features (n, d), or of batches of them."""
    acc = StatisticsAccumulator()
    for batch in [f] if isinstance(f, Tensor) else f:
        acc.update(batch)
    return acc.result(extractor)


def _factor(sigma: Tensor) -> Tensor:
    """A matrix L with sigma = L Lᵀ: Cholesky, or eigenvectors if sigma is singular."""
    L, info = torch.linalg.cholesky_ex(sigma)
    if int(info) == 0:
        return L
    w, V = torch.linalg.eigh(sigma)  # PSD but singular: clip round-off negatives
    return V * w.clamp_min(0).sqrt()  # (d, d), V diag(sqrt w)


def check_covariance(sigma: Tensor, name: str) -> Tensor:
    """``sigma`` symmetrised, or a ValueError if it is not symmetric PSD.

    Asymmetry and negative eigenvalues up to d·eps(float32)·λ_max are round-off
    (rank-deficient covariances have such negatives); larger ones are not.
    """
    d = len(sigma)
    scale = sigma.abs().max()
    asymmetry = (sigma - sigma.T).abs().max()
    if asymmetry > d * _ROUND_OFF * scale:
        raise ValueError(
            f"{name} is not a covariance: not symmetric (max |Σ − Σᵀ| = "
            f"{float(asymmetry):.4g}); pass the covariance, not another matrix"
        )
    sigma = (sigma + sigma.T) / 2
    if int(torch.linalg.cholesky_ex(sigma).info) == 0:
        return sigma  # positive definite
    eig = torch.linalg.eigvalsh(sigma)  # (d,), ascending
    if eig[0] < -d * _ROUND_OFF * eig.abs().max():
        raise ValueError(
            f"{name} is not a covariance: not positive semi-definite, its most "
            f"negative eigenvalue {float(eig[0]):.4g} is not round-off (largest "
            f"{float(eig[-1]):.4g}); pass the covariance of the features"
        )
    return sigma


def _tensor(a: ArrayLike, name: str, device: torch.device) -> Tensor:
    a = torch.as_tensor(a).to(device=device, dtype=torch.float64)
    check_finite(a, name)
    return a


def frechet_distance(
    mu1: ArrayLike, sigma1: ArrayLike, mu2: ArrayLike, sigma2: ArrayLike
) -> float:
    """The Fréchet distance between N(mu1, sigma1) and N(mu2, sigma2) (see module).

    Accepts tensors or NumPy arrays; computes in float64 on the device of the first
    CUDA tensor among them, else on the CPU. Refuses non-finite statistics and
    matrices that are not covariances (symmetric positive semi-definite).
    """
    args = {"mu1": mu1, "sigma1": sigma1, "mu2": mu2, "sigma2": sigma2}
    on_gpu = [a.device for a in args.values() if isinstance(a, Tensor) and a.is_cuda]
    device = on_gpu[0] if on_gpu else torch.device("cpu")
    mu1, sigma1, mu2, sigma2 = (_tensor(a, k, device) for k, a in args.items())
    d = mu1.numel()
    if mu2.numel() != d or sigma1.shape != (d, d) or sigma2.shape != (d, d):
        raise ValueError(
            f"shapes do not match: mu1 {tuple(mu1.shape)}, sigma1 "
            f"{tuple(sigma1.shape)}, mu2 {tuple(mu2.shape)}, sigma2 "
            f"{tuple(sigma2.shape)}"
        )
    sigma1 = check_covariance(sigma1, "sigma1")
    sigma2 = check_covariance(sigma2, "sigma2")
    L = _factor(sigma1)
    inner = L.T @ sigma2 @ L  # (d, d), similar to sigma1 @ sigma2
    eig = torch.linalg.eigvalsh((inner + inner.T) / 2)  # (d,), ascending
    # Below √d·eps·λ_max an eigenvalue is round-off, but its square root would
    # not be (~1e-7·√λ_max): it counts as 0 (singular covariances, dead units).
    noise = d**0.5 * torch.finfo(eig.dtype).eps * eig.abs().max()
    tr_sqrt = torch.where(eig > noise, eig, 0).sqrt().sum()
    diff = mu1 - mu2
    value = diff @ diff + sigma1.trace() + sigma2.trace() - 2 * tr_sqrt
    return float(value)


def frechet_distance_of(s1: Statistics, s2: Statistics) -> float:
    """:func:`frechet_distance` of two :class:`Statistics` of the same extractor."""
    if s1.extractor and s2.extractor and s1.extractor != s2.extractor:
        raise ValueError(
            f"statistics of different features: {s1.extractor!r} vs "
            f"{s2.extractor!r}; a Fréchet distance between them means nothing"
        )
    return frechet_distance(s1.mu, s1.sigma, s2.mu, s2.sigma)
