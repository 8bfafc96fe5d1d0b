"""BEGAN: boundary equilibrium GAN (Berthelot, Schumm & Metz 2017, arXiv:1703.10717).

D is an autoencoder (here :class:`gantutor.ebgan.AutoencoderDiscriminator`) and
the loss of a sample is how badly D reconstructs it,

    L(v) = |v − D(v)|^η,    η ∈ {1, 2},   averaged over the dimensions of v.

With separate noise batches z_D and z_G, both players minimise

    L_D = L(x) − k_t · L(G(z_D)),          L_G = L(G(z_G)),
    k_{t+1} = clip(k_t + λ_k (γ L(x) − L(G(z_G))), 0, 1),

where L(·) of a batch is its mean. The proportional controller k_t holds the
equilibrium E[L(G(z))] = γ E[L(x)]; γ ∈ (0, 1] trades diversity (high γ) for
quality (low γ). Training is tracked by the convergence measure

    M = L(x) + |γ L(x) − L(G(z_G))|.

**Convention.** Reconstruction losses play the role of energies: low means "looks
like the data"; called as a module, the autoencoder returns the realness −MSE.
Chapter *BEGAN*.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn

from gantutor.ebgan import AutoencoderDiscriminator

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


def began_step(
    G: nn.Module,
    D: AutoencoderDiscriminator,
    opt_G: torch.optim.Optimizer,
    opt_D: torch.optim.Optimizer,
    gamma: float = 0.5,
    lambda_k: float = 1e-3,
    eta: int = 1,
    k_0: float = 0.0,
):
    """A BEGAN update: D and G from the same losses, then k_t; a Trainer step.

    Both players take their gradients at the same (θ_D, θ_G), as in the paper's
    simultaneous updates, with separate noise z_D and z_G. k_t lives on the
    device as a 0-d tensor (no host sync inside the step; static shapes). The
    step returns ``{"D", "G", "k", "M"}`` as 0-d tensors, ``k`` being k_{t+1};
    the current k_t is also ``step.k``.
    """
    _check_gamma(gamma)
    _check_lambda_k(lambda_k)
    _check_eta(eta)
    if not 0 <= k_0 <= 1:
        raise ValueError(f"k_0 must be in [0, 1], got {k_0!r}")
    device = next(D.parameters()).device

    def step(x_real: Tensor) -> dict[str, Tensor]:
        if step.k.device != x_real.device:
            step.k = step.k.to(x_real.device)
        z_D = torch.randn(len(x_real), G.latent_dim, device=x_real.device)
        z_G = torch.randn(len(x_real), G.latent_dim, device=x_real.device)
        l_real = began_loss(D, x_real, eta)  # (B,)
        l_fake_D = began_loss(D, G(z_D).detach(), eta)  # (B,): D does not reach G
        l_fake_G = began_loss(D, G(z_G), eta)  # (B,)
        loss_D = began_d(l_real, l_fake_D, step.k)
        loss_G = began_g(l_fake_G)
        opt_D.zero_grad(set_to_none=True)
        opt_G.zero_grad(set_to_none=True)
        loss_D.backward(inputs=list(D.parameters()))
        loss_G.backward(inputs=list(G.parameters()))
        opt_D.step()
        opt_G.step()
        with torch.no_grad():
            step.k = update_k(step.k, l_real, l_fake_G, gamma, lambda_k)
            M = convergence(l_real, l_fake_G, gamma)
        return {"D": loss_D.detach(), "G": loss_G.detach(), "k": step.k, "M": M}

    step.k = torch.tensor(float(k_0), device=device)
    return step
