"""Ready-made update steps for :class:`gantutor.train.Trainer`.

A step takes one batch of real data and returns its losses as 0-d tensors that
stay on the device. Chapters whose lesson *is* the step write their own.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch
from torch import Tensor, nn

from gantutor import losses


@contextlib.contextmanager
def frozen(*modules: nn.Module) -> Iterator[None]:
    """Parameters of ``modules`` stop requiring gradients, then get their flags back.

    For the generator's update: gradients still flow *through* D to G, but D's own
    weight gradients (which D's next update would discard) are not computed. The
    flags are restored as they were, also when the body raises.
    """
    params = [p for m in modules for p in m.parameters()]
    flags = [p.requires_grad for p in params]
    try:
        for p in params:
            p.requires_grad_(False)
        yield
    finally:
        for p, flag in zip(params, flags, strict=True):
            p.requires_grad_(flag)


def gan_step(
    G: nn.Module,
    D: nn.Module,
    opt_G: torch.optim.Optimizer,
    opt_D: torch.optim.Optimizer,
    loss: str | losses.GANLoss = "non-saturating",
    k: int = 1,
):
    """Alternating updates: ``k`` discriminator steps, then one generator step.

    The batch holds ``k`` × B real samples, split into ``k`` chunks of B, one per
    discriminator step (Goodfellow et al. 2014, Algorithm 1), so every step has
    static shapes. Returns ``{"D": loss_D, "G": loss_G}``.

    The step is graph-safe (``step.graph_safe``): no host synchronisation and no
    Python state between calls, so the trainer may capture it as one CUDA graph
    (:mod:`gantutor.accel`). ``zero_grad(set_to_none=True)`` is fine inside a
    capture: backward then allocates the gradients in the graph's memory pool.
    Work that would be thrown away is skipped: G runs without a graph for D's
    update, and D's weight gradients are not computed in G's (:func:`frozen`);
    the losses and updates are those of the plain loop, bit for bit on the CPU.
    """
    loss = losses.get(loss)
    if k < 1:
        raise ValueError(
            f"k (discriminator steps per generator step) must be >= 1, got {k}"
        )

    def step(x_real: Tensor) -> dict[str, Tensor]:
        if len(x_real) % k:
            raise ValueError(
                f"a batch of {len(x_real)} does not split into k={k} chunks"
            )
        for x in x_real.chunk(k):  # (B, ...) each
            z = torch.randn(len(x), G.latent_dim, device=x.device)
            with torch.no_grad():  # D's update needs no graph through G
                x_fake = G(z)
            d_real, d_fake = D(x), D(x_fake)
            loss_D = loss.d(d_real, d_fake)
            opt_D.zero_grad(set_to_none=True)
            loss_D.backward()
            opt_D.step()
        z = torch.randn(len(x), G.latent_dim, device=x.device)
        with frozen(D):  # only G's gradients: D's would be discarded
            loss_G = loss.g(D(G(z)))
        opt_G.zero_grad(set_to_none=True)
        loss_G.backward()
        opt_G.step()
        return {"D": loss_D.detach(), "G": loss_G.detach()}

    step.graph_safe = True
    return step
