"""BEGAN's update: both players from the same losses, then the balance k_t.

The losses and k_t's controller are in :mod:`gantutor.losses.energy`; chapter *BEGAN*.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from gantutor.losses.energy import (
    began_d,
    began_g,
    began_loss,
    check_began,
    convergence,
    update_k,
)
from gantutor.models.autoencoder import AutoencoderDiscriminator


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
    check_began(gamma, lambda_k, eta)
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
