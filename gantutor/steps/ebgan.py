"""EBGAN's update step (Zhao, Mathieu & LeCun 2016, arXiv:1609.03126).

The discriminator is an autoencoder whose reconstruction error is the energy E
(:class:`gantutor.models.AutoencoderDiscriminator`, :mod:`gantutor.losses.energy`).
Chapter *EBGAN* writes this step inline and checks that it equals this one.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from gantutor.losses import energy


def ebgan_step(
    G: nn.Module,
    D: nn.Module,
    opt_G: torch.optim.Optimizer,
    opt_D: torch.optim.Optimizer,
    margin: float,
    lambda_pt: float = 0.0,
):
    """One update of D, then one of G, on the same fakes.

        L_D = E(x) + [m − E(G(z))]⁺,    L_G = E(G(z)) + λ_PT · PT(S)

    with S the autoencoder's codes of the fakes (the pulling-away term). Returns
    0-d detached ``D``, ``G`` and ``E(x_real)``, the mean energy of the data.
    """
    if not margin >= 0:
        raise ValueError(f"margin must be a number >= 0, got {margin!r}")
    if not lambda_pt >= 0:
        raise ValueError(f"lambda_pt must be a number >= 0, got {lambda_pt!r}")

    def step(x_real: Tensor) -> dict[str, Tensor]:
        z = torch.randn(len(x_real), G.latent_dim, device=x_real.device)
        x_fake = G(z)  # (B, ...)
        e_real, _ = D.energy_and_code(x_real)  # (B,)
        e_fake, _ = D.energy_and_code(x_fake.detach())  # (B,): D does not reach G
        loss_D = energy.ebgan_d(e_real, e_fake, margin)
        opt_D.zero_grad(set_to_none=True)
        loss_D.backward()
        opt_D.step()
        e_fake, s_fake = D.energy_and_code(x_fake)  # (B,), (B, code_dim)
        loss_G = energy.ebgan_g(e_fake) + lambda_pt * energy.pulling_away(s_fake)
        opt_G.zero_grad(set_to_none=True)
        loss_G.backward()
        opt_G.step()
        return {
            "D": loss_D.detach(),
            "G": loss_G.detach(),
            "E(x_real)": e_real.mean().detach(),
        }

    return step
