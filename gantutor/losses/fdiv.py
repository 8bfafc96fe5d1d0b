"""f-GAN: training a generator on any f-divergence.

Nowozin, Cseke & Tomioka (2016, arXiv:1606.00709) start from an f-divergence

    D_f(P ‖ Q) = ∫ q(x) f(p(x) / q(x)) dx,      f convex, f(1) = 0,

and the Fenchel conjugate f*(t) = sup_u (u t − f(u)), which turn it into a
supremum over functions T (the *variational function*, the critic):

    D_f(P ‖ Q) ≥ sup_T  E_P[T(x)] − E_Q[f*(T(x))],    equal at T = f'(p / q).

**Convention.** P is the data, Q the generator. As in :mod:`gantutor.losses`, the
network ``D`` returns one real number per sample, the pre-activation ``v``
(higher means "more real"), and T = g_f(v), where the output activation g_f maps
the real line into dom f* (the paper's Table 2). Every loss is minimised: D
minimises −(E_P[g_f(v)] − E_Q[f*(g_f(v))]); G minimises −E_Q[f*(g_f(v))]. The
chapter *f-GAN* explains it all.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor

from gantutor.losses.adversarial import as_logits
from gantutor.losses.registry import GANLoss

Fn = Callable[[Tensor], Tensor]


LOG2 = math.log(2)


@dataclass(frozen=True)
class FDivergence:
    """One row of the paper's Tables 1 and 2.

    ``f(u)`` for u > 0; ``activation`` g_f: R -> dom f* = (−∞, ``t_max``);
    ``conjugate`` f*(t) on dom f*; ``conjugate_of_activation(v)`` is f*(g_f(v))
    written so that it stays finite where g_f(v) rounds to the edge of dom f*.
    """

    name: str
    f: Fn
    activation: Fn
    conjugate: Fn
    conjugate_of_activation: Fn
    t_max: float
    f_prime_1: float  # f'(1): T where p = q; there F(T) = f(1) (0 but for "gan")


DIVERGENCES = {
    d.name: d
    for d in [
        FDivergence(  # KL(P ‖ Q) = ∫ p log(p / q)
            "kl",
            lambda u: torch.special.xlogy(u, u),
            lambda v: v,
            lambda t: torch.exp(t - 1),
            lambda v: torch.exp(v - 1),
            math.inf,
            1.0,
        ),
        FDivergence(  # KL(Q ‖ P) = ∫ q log(q / p)
            "reverse-kl",
            lambda u: -torch.log(u),
            lambda v: -torch.exp(-v),
            lambda t: -1 - torch.log(-t),
            lambda v: v - 1,
            0.0,
            -1.0,
        ),
        FDivergence(  # Pearson χ² = ∫ (p − q)² / q
            "pearson",
            lambda u: (u - 1) ** 2,
            lambda v: v,
            lambda t: t**2 / 4 + t,
            lambda v: v**2 / 4 + v,
            math.inf,
            0.0,
        ),
        FDivergence(  # Neyman χ² = ∫ (q − p)² / p
            "neyman",
            lambda u: (1 - u) ** 2 / u,
            lambda v: -torch.expm1(-v),
            lambda t: 2 - 2 * torch.sqrt(1 - t),
            lambda v: 2 - 2 * torch.exp(-v / 2),
            1.0,
            0.0,
        ),
        FDivergence(  # squared Hellinger = ∫ (√p − √q)²
            "hellinger",
            lambda u: (torch.sqrt(u) - 1) ** 2,
            lambda v: -torch.expm1(-v),
            lambda t: t / (1 - t),
            lambda v: torch.expm1(v),
            1.0,
            0.0,
        ),
        FDivergence(  # 2 JS(P ‖ Q) = KL(P ‖ M) + KL(Q ‖ M), M = (P + Q) / 2
            "js",
            lambda u: torch.special.xlogy(u, u) - (u + 1) * torch.log((u + 1) / 2),
            lambda v: LOG2 - F.softplus(-v),
            lambda t: -torch.log(2 - torch.exp(t)),
            lambda v: F.softplus(v) - LOG2,
            LOG2,
            0.0,
        ),
        FDivergence(  # 2 JS(P ‖ Q) − log 4: the game of Goodfellow et al. 2014
            "gan",
            lambda u: torch.special.xlogy(u, u) - (u + 1) * torch.log1p(u),
            lambda v: -F.softplus(-v),
            lambda t: -torch.log(-torch.expm1(t)),
            lambda v: F.softplus(v),
            0.0,
            -LOG2,
        ),
    ]
}


def get(name: str | FDivergence) -> FDivergence:
    """The divergence registered under ``name`` (an ``FDivergence`` is returned)."""
    if isinstance(name, FDivergence):
        return name
    if name not in DIVERGENCES:
        raise ValueError(
            f"unknown f-divergence {name!r}; known: {', '.join(DIVERGENCES)}"
        )
    return DIVERGENCES[name]


def bound(name: str | FDivergence, d_real: Tensor, d_fake: Tensor) -> Tensor:
    """F(T) = E_P[g_f(v_real)] − E_Q[f*(g_f(v_fake))] ≤ D_f(P ‖ Q).

    The variational lower bound of Nowozin et al. (2016) by Monte Carlo,
    from the critic's pre-activations on real (P) and generated (Q) samples.
    """
    div = get(name)
    v_real, v_fake = as_logits(d_real, "d_real"), as_logits(d_fake, "d_fake")
    return div.activation(v_real).mean() - div.conjugate_of_activation(v_fake).mean()


def loss(name: str | FDivergence, g: str = "saturating") -> GANLoss:
    """The f-GAN losses of divergence ``name`` as a :class:`GANLoss`.

    D minimises −F(T). With ``g="saturating"`` G minimises −E_Q[f*(g_f(v))], the
    paper's saddle-point objective, whose gradient at the best critic is the
    gradient of D_f itself; with ``g="non-saturating"`` G minimises −E_Q[g_f(v)],
    the alternative the paper proposes after the non-saturating GAN loss.
    """
    div = get(name)
    if g not in ("saturating", "non-saturating"):
        raise ValueError(f"g must be 'saturating' or 'non-saturating', got {g!r}")

    def loss_d(d_real: Tensor, d_fake: Tensor) -> Tensor:
        return -bound(div, d_real, d_fake)

    def loss_g(d_fake: Tensor) -> Tensor:
        v_fake = as_logits(d_fake, "d_fake")
        if g == "saturating":
            return -div.conjugate_of_activation(v_fake).mean()
        return -div.activation(v_fake).mean()

    # drawn as σ(v): a monotone squashing of the critic's pre-activation, red
    # where T = g_f(v) is high (chapter *f-GAN*)
    return GANLoss(f"f-GAN {div.name} ({g})", loss_d, loss_g, "probability")


def f_divergence(name: str | FDivergence, p: Tensor, q: Tensor, x: Tensor) -> Tensor:
    """D_f(P ‖ Q) = ∫ q f(p / q) dx by the trapezoidal rule, in float64.

    ``p`` and ``q`` hold density values on the increasing grid ``x`` (N,) in
    their last dimension (leading dimensions are batches). Where both vanish the
    integrand is 0; ``q`` may not vanish where ``p`` does not.
    """
    p, q, x = (torch.as_tensor(t, dtype=torch.float64) for t in (p, q, x))
    if bool((p < 0).any() or (q < 0).any() or ((q == 0) & (p > 0)).any()):
        raise ValueError("f_divergence needs p >= 0, and q > 0 wherever p > 0")
    both = q > 0
    safe = torch.where(both, q, torch.ones_like(q))
    integrand = torch.where(both, safe * get(name).f(p / safe), torch.zeros_like(q))
    return torch.trapezoid(integrand, x, dim=-1)
