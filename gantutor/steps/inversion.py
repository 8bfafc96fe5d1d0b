"""Inverting a trained conditional generator: IcGAN's encoders (Perarnau et al. 2016).

arXiv:1611.06355. Chapter *IcGAN*.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from gantutor.data.batches import Batch

Optimizer = torch.optim.Optimizer


def icgan_encoder_step(G: nn.Module, E: nn.Module, opt_E: Optimizer):
    """IcGAN's encoders on a trained, fixed conditional G (Perarnau et al. 2016, §3.2).

    E_z learns to invert G on its own samples: z and y' sampled from their priors,
    x' = G(z, y') without a graph, loss_z = ‖E_z(x') − z‖² (mean over the batch
    of the squared distance, summed over z's entries). E_y learns the label of
    *real* labelled images, loss_y = CE(E_y(x_real), y_real), the paper's choice.
    ``E`` is a :class:`gantutor.models.Encoder` (two separate networks, one
    optimiser ``opt_E``: their parameters are disjoint, so one step is two
    independent updates). G is never updated; put it in eval mode first if it
    has BatchNorm. Returns ``{"z", "y"}``.
    """
    if E.latent_dim != G.latent_dim or E.n_classes != G.n_classes:
        raise ValueError(
            f"E must invert G: E has latent_dim={E.latent_dim}, "
            f"n_classes={E.n_classes}; G has {G.latent_dim}, {G.n_classes}"
        )

    def step(batch: Batch) -> dict[str, Tensor]:
        if not isinstance(batch, (tuple, list)) or len(batch) != 2:
            raise TypeError(
                "icgan_encoder_step takes labelled batches (x_real, y_real): draw "
                "them from TensorBatches((x, y))"
            )
        x_real, y_real = batch  # (B, C, H, W), (B,)
        B, device = len(x_real), x_real.device
        z = torch.randn(B, G.latent_dim, device=device)
        y_fake = torch.randint(G.n_classes, (B,), device=device)
        with torch.no_grad():
            x_fake = G(z, y_fake)  # (B, C, H, W)
        loss_z = (E.E_z(x_fake) - z).square().sum(dim=1).mean()
        loss_y = F.cross_entropy(E.E_y(x_real), y_real)
        opt_E.zero_grad(set_to_none=True)
        (loss_z + loss_y).backward()
        opt_E.step()
        return {"z": loss_z.detach(), "y": loss_y.detach()}

    step.graph_safe = True
    return step
