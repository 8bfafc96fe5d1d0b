"""The divergence landscape: how far apart P and Q_θ look as Q_θ slides past P.

P stays fixed and Q_θ is P moved by θ; for each case and each θ this module gives
the divergences of the chapter *f-GAN* and the Wasserstein-1 distance, with their
derivatives d/dθ (autograd through closed forms). The directions follow
:mod:`gantutor.losses.fdiv`: P is the data, Q the generator, D_f(P ‖ Q) = ∫ q f(p / q).

=============  ===================================================================
``gaussian``   P = N(0, 1), Q = N(θ, σ²): closed forms; JS by quadrature
``uniform``    P uniform on a segment of length σ, Q the same segment moved by θ
``segments``   Arjovsky et al. (2017, arXiv:1701.07875, Example 1): P uniform on
               {0} × [0, 1], Q on {θ} × [0, 1]; disjoint supports for every θ ≠ 0
=============  ===================================================================

The names: ``JS`` (at most log 2), ``KL`` = KL(P ‖ Q), ``reverse KL`` =
KL(Q ‖ P), ``Pearson χ²`` = ∫ (p − q)² / q, ``squared Hellinger`` =
∫ (√p − √q)² (at most 2, the paper's scale), ``W1`` the Wasserstein-1 distance.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor

NAMES = ("JS", "KL", "reverse KL", "Pearson χ²", "squared Hellinger", "W1")
LOG2 = math.log(2)


def _normal_log_pdf(x: Tensor, mean: Tensor, std: float) -> Tensor:
    return -0.5 * ((x - mean) / std) ** 2 - math.log(std * math.sqrt(2 * math.pi))


def js_gaussian(theta: Tensor, sigma: float, n_grid: int = 4001) -> Tensor:
    """JS(N(0, 1) ‖ N(θ, σ²)) for each θ (T,), by the trapezoidal rule.

    Written with log-densities, ½ ∫ p (log 2 − softplus(log q − log p)) +
    q (log 2 − softplus(log p − log q)) dx, so that it stays differentiable
    where the densities underflow.
    """
    reach = 10 * max(1.0, sigma)
    lo, hi = min(0.0, theta.min().item()) - reach, max(0.0, theta.max().item()) + reach
    x = torch.linspace(lo, hi, n_grid, dtype=torch.float64)  # (N,)
    log_p = _normal_log_pdf(x, torch.zeros(()), 1.0)  # (N,)
    log_q = _normal_log_pdf(x, theta[:, None], sigma)  # (T, N)
    integrand = log_p.exp() * (LOG2 - F.softplus(log_q - log_p)) + log_q.exp() * (
        LOG2 - F.softplus(log_p - log_q)
    )
    return 0.5 * torch.trapezoid(integrand, x, dim=-1)


def w1_gaussian(theta: Tensor, sigma: float) -> Tensor:
    """W1(N(0, 1), N(θ, σ²)) = E|(1 − σ) Z − θ|, Z ~ N(0, 1): |θ| when σ = 1.

    In 1-D, W1 = ∫ |F_P⁻¹(u) − F_Q⁻¹(u)| du, and F_Q⁻¹(u) = θ + σ F_P⁻¹(u); the
    mean of the folded normal gives s √(2/π) exp(−θ² / 2s²) + θ erf(θ / s√2).
    """
    s = max(abs(1.0 - sigma), 1e-12)
    return s * math.sqrt(2 / math.pi) * torch.exp(
        -(theta**2) / (2 * s**2)
    ) + theta * torch.erf(theta / (s * math.sqrt(2)))


def gaussian(theta: Tensor, sigma: float) -> dict[str, Tensor]:
    """P = N(0, 1) against Q = N(θ, σ²), for each θ (T,)."""
    if sigma <= 0:
        raise ValueError(f"sigma must be positive, got {sigma}")
    s2 = sigma**2
    affinity = math.sqrt(2 * sigma / (1 + s2)) * torch.exp(-(theta**2) / (4 * (1 + s2)))
    pearson = (
        s2 / math.sqrt(2 * s2 - 1) * torch.exp(theta**2 / (2 * s2 - 1)) - 1
        if 2 * s2 > 1
        else torch.full_like(theta, math.inf)  # ∫ p² / q diverges: Q's tails too thin
    )
    return {
        "JS": js_gaussian(theta, sigma),
        "KL": math.log(sigma) + (1 + theta**2) / (2 * s2) - 0.5,
        "reverse KL": -math.log(sigma) + (s2 + theta**2) / 2 - 0.5,
        "Pearson χ²": pearson,
        "squared Hellinger": 2 - 2 * affinity,  # affinity ∫ √(pq)
        "W1": w1_gaussian(theta, sigma),
    }


def uniform(theta: Tensor, width: float) -> dict[str, Tensor]:
    """P uniform on [0, w], Q on [θ, θ + w]; the supports overlap on a share
    o = max(0, 1 − |θ| / w) of each: JS = (1 − o) log 2, squared Hellinger
    = 2 (1 − o), W1 = |θ|, and KL, reverse KL, χ² are +∞ for every θ ≠ 0.
    """
    if width <= 0:
        raise ValueError(f"width must be positive, got {width}")
    apart = (theta.abs() / width).clamp(max=1.0)  # 1 − o
    return _partly_apart(theta, apart)


def segments(theta: Tensor, sigma: float | None = None) -> dict[str, Tensor]:
    """Arjovsky et al. 2017, Example 1: JS = log 2 and W1 = |θ| for θ ≠ 0.

    ``sigma`` is ignored (the segments have no width to set).
    """
    return _partly_apart(theta, (theta != 0).to(theta))


def _partly_apart(theta: Tensor, apart: Tensor) -> dict[str, Tensor]:
    """Divergences of two shifted uniforms whose non-overlapping share is ``apart``."""
    infinite = torch.where(theta == 0, 0.0, math.inf).to(theta)
    return {
        "JS": LOG2 * apart,
        "KL": infinite,
        "reverse KL": infinite,
        "Pearson χ²": infinite,
        "squared Hellinger": 2 * apart,
        "W1": theta.abs(),
    }


CASES = {"gaussian": gaussian, "uniform": uniform, "segments": segments}


def landscape(
    case: str, theta: Tensor, sigma: float = 1.0
) -> dict[str, tuple[Tensor, Tensor]]:
    """``{name: (value, d value / dθ)}`` over θ (T,) in float64.

    Derivatives come from autograd; where a value is +∞ its derivative is NaN
    (undefined), and where a value does not depend on θ it is 0.
    """
    if case not in CASES:
        raise ValueError(f"unknown case {case!r}; known: {', '.join(CASES)}")
    theta = torch.as_tensor(theta, dtype=torch.float64).detach().requires_grad_(True)
    values = CASES[case](theta, sigma)
    out = {}
    for name in NAMES:
        value = values[name]
        grad = torch.zeros_like(theta)
        if value.requires_grad:
            (grad,) = torch.autograd.grad(value.sum(), theta, retain_graph=True)
        grad = torch.where(value.isfinite(), grad, math.nan)
        out[name] = (value.detach(), grad.detach())
    return out
