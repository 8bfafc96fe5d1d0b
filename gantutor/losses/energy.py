"""Energy losses: EBGAN's margin and BEGAN's equilibrium.

**EBGAN** (Zhao, Mathieu & LeCun 2016, arXiv:1609.03126). D is an autoencoder and
the *energy* of a sample is its reconstruction error,

    E(x) = ‖Dec(Enc(x)) − x‖² / dim(x)        (the per-sample MSE),

low near the data and high elsewhere (the paper writes the norm ‖·‖; the MSE is
the common choice in code). Both losses are minimised:

    L_D = E(x) + [m − E(G(z))]⁺            L_G = E(G(z)) + λ_PT · PT(S),

where [u]⁺ = max(0, u), m > 0 is the margin and PT the pulling-away term on the
encoder's codes S of the fake batch. At a Nash equilibrium p_g = p_data and
L_D = m (Theorem 1 of the paper). Chapter *EBGAN*.

**BEGAN** (Berthelot, Schumm & Metz 2017, arXiv:1703.10717). The loss of a sample
is how badly D reconstructs it, L(v) = |v − D(v)|^η, η ∈ {1, 2}, averaged over
the dimensions of v. With separate noise batches z_D and z_G, both players
minimise

    L_D = L(x) − k_t · L(G(z_D)),          L_G = L(G(z_G)),
    k_{t+1} = clip(k_t + λ_k (γ L(x) − L(G(z_G))), 0, 1),

where L(·) of a batch is its mean. The proportional controller k_t holds the
equilibrium E[L(G(z))] = γ E[L(x)]; γ ∈ (0, 1] trades diversity (high γ) for
quality (low γ). Training is tracked by the convergence measure
M = L(x) + |γ L(x) − L(G(z_G))|. Chapter *BEGAN*.

**Convention.** These losses take energies (reconstruction losses), lower meaning
"more real". Read as a realness logit (the convention of :mod:`gantutor.losses`),
realness = −energy: that is what :class:`gantutor.models.AutoencoderDiscriminator`
returns when called.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import torch
from torch import Tensor

if TYPE_CHECKING:
    from gantutor.models.autoencoder import AutoencoderDiscriminator


def _energies(e: Tensor, name: str) -> Tensor:
    if e.dim() != 1:
        raise ValueError(
            f"{name} must hold one energy per sample, shape (B,); got {tuple(e.shape)}"
        )
    return e


def reconstruction_energy(x: Tensor, x_hat: Tensor) -> Tensor:
    """E = mean over the dimensions of (x̂ − x)², one value per sample: (B,)."""
    if x.shape != x_hat.shape or x.dim() < 2:
        raise ValueError(
            f"x and its reconstruction must have the same shape (B, ...); "
            f"got {tuple(x.shape)} and {tuple(x_hat.shape)}"
        )
    return (x_hat - x).flatten(1).square().mean(dim=1)  # (B,)


def margin_hinge(e_fake: Tensor, margin: float) -> Tensor:
    """E[[m − E(G(z))]⁺]: zero for every fake whose energy is at least ``margin``."""
    if not (math.isfinite(margin) and margin >= 0):
        raise ValueError(f"margin must be a finite number >= 0, got {margin}")
    return torch.relu(margin - _energies(e_fake, "e_fake")).mean()


def ebgan_d(e_real: Tensor, e_fake: Tensor, margin: float) -> Tensor:
    """Discriminator loss E[E(x)] + E[[m − E(G(z))]⁺] (Zhao et al. 2016)."""
    return _energies(e_real, "e_real").mean() + margin_hinge(e_fake, margin)


def ebgan_g(e_fake: Tensor) -> Tensor:
    """Generator loss E[E(G(z))] (Zhao et al. 2016): make fakes low-energy."""
    return _energies(e_fake, "e_fake").mean()


def pulling_away(s: Tensor, eps: float = 1e-8) -> Tensor:
    """PT = 1/(N(N−1)) Σ_{i≠j} (s_iᵀ s_j / (‖s_i‖ ‖s_j‖))² for codes s (N, d).

    The mean squared cosine similarity between distinct codes of a batch: 0 for
    orthogonal codes, 1 for codes that all point the same way (Zhao et al.
    2016). Added to L_G, it pushes G's samples apart in D's code space.
    """
    if s.dim() != 2 or len(s) < 2:
        raise ValueError(
            f"codes must have shape (N, d) with N >= 2; got {tuple(s.shape)}"
        )
    n = len(s)
    unit = s / s.norm(dim=1, keepdim=True).clamp_min(eps)  # (N, d)
    cos2 = (unit @ unit.T).square()  # (N, N), ones on the diagonal for s_i ≠ 0
    return (cos2.sum() - cos2.diagonal().sum()) / (n * (n - 1))


# --- BEGAN -------------------------------------------------------------------


ETAS = (1, 2)


def _check_eta(eta: int) -> None:
    if eta not in ETAS:
        raise ValueError(
            f"eta (the power in L(v) = |v − D(v)|^eta) must be 1 or 2, got {eta!r}"
        )


def _check_gamma(gamma: float) -> None:
    if not (isinstance(gamma, (int, float)) and 0 < gamma <= 1):
        raise ValueError(
            f"gamma (the diversity ratio E[L(G(z))] / E[L(x)]) must be in (0, 1], "
            f"got {gamma!r}"
        )


def _check_lambda_k(lambda_k: float) -> None:
    if not (math.isfinite(lambda_k) and lambda_k >= 0):
        raise ValueError(f"lambda_k must be a finite number >= 0, got {lambda_k!r}")


def check_began(gamma: float, lambda_k: float, eta: int) -> None:
    """Raise a ``ValueError`` that names the first of BEGAN's settings out of range."""
    _check_gamma(gamma)
    _check_lambda_k(lambda_k)
    _check_eta(eta)


def _losses(loss: Tensor, name: str) -> Tensor:
    if loss.dim() != 1:
        raise ValueError(
            f"{name} must hold one reconstruction loss per sample, shape (B,); "
            f"got {tuple(loss.shape)}"
        )
    return loss


def reconstruction_loss(x: Tensor, x_hat: Tensor, eta: int = 1) -> Tensor:
    """L(v) = mean over the dimensions of |v − D(v)|^η, one value per sample: (B,)."""
    _check_eta(eta)
    if x.shape != x_hat.shape or x.dim() < 2:
        raise ValueError(
            f"x and its reconstruction must have the same shape (B, ...); "
            f"got {tuple(x.shape)} and {tuple(x_hat.shape)}"
        )
    err = (x_hat.float() - x.float()).flatten(1).abs()  # (B, dim): fp32 under autocast
    return err.pow(eta).mean(dim=1)  # (B,)


def reconstruct(D: AutoencoderDiscriminator, x: Tensor) -> Tensor:
    """D(v) in the paper's notation: the autoencoder's reconstruction, like x."""
    return D.reconstruct_and_code(x)[0]  # (B, ...)


def began_loss(D: AutoencoderDiscriminator, x: Tensor, eta: int = 1) -> Tensor:
    """L(x) = |x − D(x)|^η per sample, (B,), for an autoencoder D."""
    return reconstruction_loss(x, reconstruct(D, x), eta)


def began_d(l_real: Tensor, l_fake: Tensor, k: Tensor | float) -> Tensor:
    """Discriminator loss L_D = L(x) − k_t L(G(z_D)) (Berthelot et al. 2017, eq. 4)."""
    return _losses(l_real, "l_real").mean() - k * _losses(l_fake, "l_fake").mean()


def began_g(l_fake: Tensor) -> Tensor:
    """Generator loss L_G = L(G(z_G)) (Berthelot et al. 2017, eq. 4)."""
    return _losses(l_fake, "l_fake").mean()


def update_k(
    k: Tensor, l_real: Tensor, l_fake: Tensor, gamma: float, lambda_k: float
) -> Tensor:
    """k_{t+1} = clip(k_t + λ_k (γ L(x) − L(G(z_G))), 0, 1), a 0-d tensor.

    The proportional control of Berthelot et al. 2017 (eq. 4): k grows while the
    fakes are reconstructed better than γ times the data, and shrinks otherwise.
    No gradient flows through it; it stays on the device of ``k``.
    """
    _check_gamma(gamma)
    _check_lambda_k(lambda_k)
    balance = gamma * l_real.detach().mean() - l_fake.detach().mean()
    return (k + lambda_k * balance).clamp(0.0, 1.0)


def convergence(l_real: Tensor, l_fake: Tensor, gamma: float) -> Tensor:
    """M = L(x) + |γ L(x) − L(G(z_G))| (Berthelot et al. 2017, section 3.4.1)."""
    _check_gamma(gamma)
    l_real = _losses(l_real, "l_real").detach().mean()
    return l_real + (gamma * l_real - _losses(l_fake, "l_fake").detach().mean()).abs()
