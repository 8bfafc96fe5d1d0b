"""Inception Score and Kernel Inception Distance: pure functions of logits/features.

Inception Score (Salimans et al. 2016, arXiv:1606.03498):

    IS = exp( E_x KL( p(y|x) ‖ p(y) ) ),   p(y) = E_x p(y|x),

computed on ``splits`` disjoint parts of the shuffled samples; the mean and the
(population) standard deviation over the parts are reported, as in the original
code. With the ``"mnist-cnn"`` logits it is the "MNIST score", not IS.

Kernel Inception Distance (Bińkowski et al. 2018, arXiv:1801.01401): the unbiased
estimator of the squared MMD with the cubic polynomial kernel

    k(x, y) = (xᵀy / d + 1)³,

averaged over ``n_subsets`` random subsets of ``subset_size`` samples of each set.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

from gantutor.metrics.checks import check_finite, rows


def check_logits(logits: Tensor) -> None:
    """Refuse what is not (N, K) logits or log-probabilities, naming the fault.

    -inf is a log-probability of 0 and allowed, unless a whole row is -inf.
    """
    if logits.ndim != 2:
        raise ValueError(f"logits must be (N, n_classes), got {tuple(logits.shape)}")
    zero = logits == -math.inf  # (N, K), p(y|x) = 0
    check_finite(logits.masked_fill(zero, 0), "logits")
    if zero.all(dim=1).any():
        raise ValueError(
            f"logits has {rows(int(zero.all(dim=1).sum()))} at -inf for every "
            f"class: no class has any probability there; check those samples"
        )
    row_sums = logits.sum(dim=1)  # (N,)
    if (
        bool(((logits >= 0) & (logits <= 1)).all())
        and float((row_sums - 1).abs().max()) < 1e-3
    ):
        raise ValueError(
            "logits look like probabilities (rows in [0, 1] summing to 1), and "
            "their softmax is not p(y|x): pass the classifier's logits, or the "
            "log-probabilities probs.log() (zeros become -inf, which is fine)"
        )


def inception_score(
    logits: Tensor, splits: int = 10, seed: int = 0
) -> tuple[float, float]:
    """(mean, std) of exp(E KL(p(y|x) ‖ p(y))) over ``splits`` shuffled parts.

    ``logits`` (N, K) are class scores before the softmax, or log-probabilities
    (-inf for a probability of 0; 0 log 0 counts as 0). Probabilities are
    refused: pass ``probs.log()``. The samples are shuffled with a generator
    seeded by ``seed``.
    """
    logits = logits.detach().double()
    check_logits(logits)
    n = len(logits)
    if not 1 <= splits <= n:
        raise ValueError(f"splits must be between 1 and N={n}, got {splits}")
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    log_p = torch.log_softmax(logits, dim=1)[order.to(logits.device)]
    scores = []
    for part in log_p.tensor_split(splits):  # (n_i, K) each
        log_py = torch.logsumexp(part, dim=0) - math.log(len(part))  # (K,)
        p = part.exp()
        kl = torch.where(p > 0, p * (part - log_py), 0).sum(dim=1)  # (n_i,)
        scores.append(kl.mean().exp())
    scores = torch.stack(scores)
    return float(scores.mean()), float(scores.std(correction=0))


def polynomial_kernel(x: Tensor, y: Tensor) -> Tensor:
    """k(x, y) = (xᵀy / d + 1)³ for all pairs: (n, d), (m, d) -> (n, m)."""
    return (x @ y.T / x.shape[1] + 1) ** 3


def mmd2_unbiased(x: Tensor, y: Tensor) -> Tensor:
    """Unbiased MMD² with the cubic polynomial kernel between (m, d) and (m', d)."""
    m, m2 = len(x), len(y)
    k_xx, k_yy = polynomial_kernel(x, x), polynomial_kernel(y, y)
    k_xy = polynomial_kernel(x, y)
    xx = (k_xx.sum() - k_xx.diagonal().sum()) / (m * (m - 1))
    yy = (k_yy.sum() - k_yy.diagonal().sum()) / (m2 * (m2 - 1))
    return xx + yy - 2 * k_xy.mean()


def kid(
    f_real: Tensor,
    f_fake: Tensor,
    n_subsets: int = 100,
    subset_size: int = 1000,
    seed: int = 0,
) -> tuple[float, float]:
    """(mean, population std) of the unbiased MMD² over random subsets.

    ``subset_size`` is capped at the size of the smaller set; subsets are drawn
    without replacement with a generator seeded by ``seed``. Computed in float64.
    """
    if f_real.ndim != 2 or f_fake.ndim != 2 or f_real.shape[1] != f_fake.shape[1]:
        raise ValueError(
            f"features must be (n, d) with the same d, got {tuple(f_real.shape)} "
            f"and {tuple(f_fake.shape)}"
        )
    check_finite(f_real, "f_real")
    check_finite(f_fake, "f_fake")
    if n_subsets < 1:
        raise ValueError(f"n_subsets must be ≥ 1, got {n_subsets}")
    m = min(subset_size, len(f_real), len(f_fake))
    if m < 2:
        raise ValueError(
            f"subsets need ≥ 2 samples, got subset_size={subset_size} with "
            f"{len(f_real)} real and {len(f_fake)} fake features; use at least 2"
        )
    gen = torch.Generator().manual_seed(seed)
    f_real, f_fake = f_real.double(), f_fake.double().to(f_real.device)
    values = []
    for _ in range(n_subsets):
        i = torch.randperm(len(f_real), generator=gen)[:m].to(f_real.device)
        j = torch.randperm(len(f_fake), generator=gen)[:m].to(f_fake.device)
        values.append(mmd2_unbiased(f_real[i], f_fake[j]))
    values = torch.stack(values)
    return float(values.mean()), float(values.std(correction=0))
