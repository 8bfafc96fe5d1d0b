"""The update step of one LAPGAN level: a GAN on (band, coarse image) pairs.

Denton et al. (2015, arXiv:1506.05751), §3: level k is a conditional GAN whose
condition is the upsampled coarser image l_k = u(d(I_k)) of a real image I_k,
and whose data is the band h_k = I_k − l_k. D_k maximises

    E log D_k(h_k, l_k) + E log(1 − D_k(G_k(z, l_k), l_k)),

the fake band paired with the *same* real l_k; G_k minimises ``loss.g`` of
D_k(G_k(z, l_k), l_k). Levels are trained independently, each on its own band
of the real pyramid. Chapter *LAPGAN*.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from gantutor import losses
from gantutor.data.batches import Batch
from gantutor.steps.alternating import frozen


def level_step(
    G: nn.Module,
    D: nn.Module,
    opt_G: torch.optim.Optimizer,
    opt_D: torch.optim.Optimizer,
    loss: str | losses.GANLoss = "non-saturating",
):
    """One D update, then one G update, on a batch ``(h_real, l)`` of one level.

    ``G(z, l)`` returns a band with z = ``G.noise(l)`` (a
    :class:`gantutor.models.ResidualGenerator`), ``D(h, l)`` realness logits
    (B,). Returns ``{"D": loss_D, "G": loss_G}``; graph-safe, as
    :func:`gantutor.steps.gan_step`.
    """
    loss = losses.get(loss)

    def step(batch: Batch) -> dict[str, Tensor]:
        if not isinstance(batch, (tuple, list)) or len(batch) != 2:
            raise TypeError(
                "level_step takes batches (h_real, l): a level's band and its "
                "upsampled coarse image; draw them from TensorBatches((h, l))"
            )
        h_real, coarse = batch  # (B, C, S, S) each
        with torch.no_grad():  # D's update needs no graph through G
            h_fake = G(G.noise(coarse), coarse)
        loss_D = loss.d(D(h_real, coarse), D(h_fake, coarse))
        opt_D.zero_grad(set_to_none=True)
        loss_D.backward()
        opt_D.step()
        with frozen(D):  # only G's gradients
            loss_G = loss.g(D(G(G.noise(coarse), coarse), coarse))
        opt_G.zero_grad(set_to_none=True)
        loss_G.backward()
        opt_G.step()
        return {"D": loss_D.detach(), "G": loss_G.detach()}

    step.graph_safe = True
    return step
