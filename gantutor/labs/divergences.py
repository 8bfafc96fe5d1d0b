"""Densities on a 1-D grid, the optimal discriminator and the Jensen–Shannon divergence.

Pure functions on tensors of density values sampled on a common, increasing grid
``x`` (shape (N,)); integrals are taken with the trapezoidal rule, in float64.
They let the chapter *GAN* check Goodfellow et al. (2014, arXiv:1406.2661) by
numbers: for a fixed generator the best discriminator is

    D*(x) = p_data(x) / (p_data(x) + p_g(x))            (Proposition 1)

and the value of the game at that discriminator is

    V(D*, G) = −log 4 + 2 · JS(p_data ‖ p_g)            (Theorem 1)

Probabilities here are σ(D(x)), the sigmoid of the realness logits of
:mod:`gantutor.losses`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import Tensor


def _f64(t: Tensor | Sequence[float] | float) -> Tensor:
    return torch.as_tensor(t, dtype=torch.float64)


def _grid(x: Tensor, *densities: Tensor) -> Tensor:
    x = _f64(x)
    if x.dim() != 1 or len(x) < 2 or not bool((x.diff() > 0).all()):
        raise ValueError("x must be an increasing 1-D grid of at least 2 points")
    for d in densities:
        if d.shape != x.shape:
            raise ValueError(
                f"densities must have the grid's shape {tuple(x.shape)}, "
                f"got {tuple(d.shape)}"
            )
    return x


def normal_pdf(x: Tensor, mean: float = 0.0, std: float = 1.0) -> Tensor:
    """N(x; μ, s²) = exp(−(x − μ)² / 2s²) / (s √(2π))."""
    if std <= 0:
        raise ValueError(f"std must be positive, got {std}")
    x = _f64(x)
    return torch.exp(-0.5 * ((x - mean) / std) ** 2) / (std * math.sqrt(2 * math.pi))


def mixture_pdf(
    x: Tensor,
    means: Sequence[float],
    stds: Sequence[float],
    weights: Sequence[float] | None = None,
) -> Tensor:
    """p(x) = Σ_k w_k N(x; μ_k, s_k²), equal weights w_k = 1/K unless given."""
    if len(means) != len(stds) or not means:
        raise ValueError("means and stds must be non-empty and of the same length")
    weights = [1 / len(means)] * len(means) if weights is None else list(weights)
    if len(weights) != len(means) or min(weights) < 0 or abs(sum(weights) - 1) > 1e-9:
        raise ValueError(
            f"weights must be {len(means)} non-negative numbers summing "
            f"to 1, got {weights}"
        )
    return sum(
        w * normal_pdf(x, m, s) for w, m, s in zip(weights, means, stds, strict=True)
    )


def optimal_discriminator(p_data: Tensor, p_g: Tensor) -> Tensor:
    """D*(x) = p_data(x) / (p_data(x) + p_g(x)); 1/2 where both densities are 0.

    Goodfellow et al. 2014, Proposition 1: for a fixed G, this maximises V(D, G).
    """
    p, q = _f64(p_data), _f64(p_g)
    total = p + q
    safe = torch.where(total > 0, total, torch.ones_like(total))
    return torch.where(total > 0, p / safe, torch.full_like(p, 0.5))


def integrate(f: Tensor, x: Tensor) -> Tensor:
    """∫ f(x) dx over the grid by the trapezoidal rule."""
    x = _grid(x, _f64(f))
    return torch.trapezoid(_f64(f), x)


def kl_divergence(p: Tensor, q: Tensor, x: Tensor) -> Tensor:
    """KL(p ‖ q) = ∫ p log(p / q) dx (0 log 0 = 0; infinite where q = 0 < p)."""
    p, q = _f64(p), _f64(q)
    x = _grid(x, p, q)
    integrand = torch.special.xlogy(p, p) - torch.special.xlogy(p, q)
    return torch.trapezoid(integrand, x)


def js_divergence(p: Tensor, q: Tensor, x: Tensor) -> Tensor:
    """JS(p ‖ q) = ½ KL(p ‖ m) + ½ KL(q ‖ m) with m = (p + q) / 2; 0 ≤ JS ≤ log 2.

    Written as ½ ∫ p log(2p / (p + q)) + q log(2q / (p + q)) dx, which stays finite
    where the densities underflow (p / m is at most 2).
    """
    p, q = _f64(p), _f64(q)
    x = _grid(x, p, q)
    total = p + q
    safe = torch.where(total > 0, total, torch.ones_like(total))
    integrand = torch.special.xlogy(p, 2 * p / safe) + torch.special.xlogy(
        q, 2 * q / safe
    )
    return 0.5 * torch.trapezoid(integrand, x)


def gan_value(d: Tensor, p_data: Tensor, p_g: Tensor, x: Tensor) -> Tensor:
    """V(D, G) = ∫ p_data log D + p_g log(1 − D) dx for probabilities d = D(x).

    The quadrature twin of :func:`gantutor.losses.gan_value`, which estimates the
    same number by Monte Carlo from logits. ``0 · log 0`` counts as 0.
    """
    d, p, q = _f64(d), _f64(p_data), _f64(p_g)
    x = _grid(x, d, p, q)
    if bool((d < 0).any() or (d > 1).any()):
        raise ValueError("d must hold probabilities σ(D(x)) in [0, 1]")
    integrand = torch.special.xlogy(p, d) + torch.special.xlogy(q, 1 - d)
    return torch.trapezoid(integrand, x)


def optimal_value(p_data: Tensor, p_g: Tensor, x: Tensor) -> Tensor:
    """V(D*, G) = −log 4 + 2 · JS(p_data ‖ p_g) (Goodfellow et al. 2014, Theorem 1)."""
    return -math.log(4) + 2 * js_divergence(p_data, p_g, x)
