"""Update steps with labels or latent codes: cGAN, ACGAN and InfoGAN.

Each follows :func:`gantutor.steps.alternating.alternating_step`: one D update
with G run without a graph, then one G update with D :func:`frozen`; losses
come back detached as 0-d tensors. ``conditional_step`` and ``acgan_step`` take
a labelled batch ``(x_real, y_real)``; ``infogan_step`` uses no labels (a
tuple's labels are ignored). Fake labels and codes are sampled uniformly.

Every step is graph-safe (``step.graph_safe``): the label and logit checks read
values on the host only in eager calls, and are skipped while the trainer
captures the step as a CUDA graph, after eager warm-up steps have run them.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from gantutor import losses
from gantutor.data.batches import Batch
from gantutor.losses.auxiliary import auxiliary_ce
from gantutor.steps.alternating import frozen

Optimizer = torch.optim.Optimizer


def _labelled(batch: Batch, who: str) -> tuple[Tensor, Tensor]:
    if not isinstance(batch, (tuple, list)) or len(batch) != 2:
        got = "a tensor" if isinstance(batch, Tensor) else f"{type(batch).__name__}"
        raise TypeError(
            f"{who} takes labelled batches (x_real, y_real), got {got}: draw "
            f"batches from TensorBatches((x, y))"
        )
    return batch[0], batch[1]


def _n_classes(n_classes: int | None, G: nn.Module, D: nn.Module) -> int:
    """``n_classes``, or the one G and D declare; a mismatch is an error."""
    declared = {m: m.n_classes for m in (G, D) if hasattr(m, "n_classes")}
    values = set(declared.values()) | ({n_classes} if n_classes else set())
    if len(values) != 1:
        raise ValueError(
            f"n_classes disagree or are unknown: argument {n_classes}, "
            + ", ".join(f"{type(m).__name__}: {v}" for m, v in declared.items())
        )
    return values.pop()


def conditional_step(
    G: nn.Module,
    D: nn.Module,
    opt_G: Optimizer,
    opt_D: Optimizer,
    loss: str | losses.GANLoss = "non-saturating",
    n_classes: int | None = None,
):
    """cGAN: D(x, y) judges image-label pairs; G(z, y) draws the requested class.

    D's update: ``loss.d(D(x_real, y_real), D(G(z, y_fake), y_fake))``; G's:
    ``loss.g(D(G(z, y_fake), y_fake))``, with y_fake uniform over the classes
    (Mirza & Osindero 2014). D is a concatenation or a projection discriminator.
    ``n_classes`` defaults to G's and D's. Returns ``{"D", "G"}``.
    """
    loss, n_classes = losses.get(loss), _n_classes(n_classes, G, D)

    def step(batch: Batch) -> dict[str, Tensor]:
        x_real, y_real = _labelled(batch, "conditional_step")  # (B, ...), (B,)
        B, device = len(x_real), x_real.device
        z = torch.randn(B, G.latent_dim, device=device)
        y_fake = torch.randint(n_classes, (B,), device=device)
        with torch.no_grad():  # D's update needs no graph through G
            x_fake = G(z, y_fake)
        loss_D = loss.d(D(x_real, y_real), D(x_fake, y_fake))
        opt_D.zero_grad(set_to_none=True)
        loss_D.backward()
        opt_D.step()
        z = torch.randn(B, G.latent_dim, device=device)
        y_fake = torch.randint(n_classes, (B,), device=device)
        with frozen(D):
            loss_G = loss.g(D(G(z, y_fake), y_fake))
        opt_G.zero_grad(set_to_none=True)
        loss_G.backward()
        opt_G.step()
        return {"D": loss_D.detach(), "G": loss_G.detach()}

    step.graph_safe = True
    return step


def acgan_step(
    G: nn.Module,
    D: nn.Module,
    opt_G: Optimizer,
    opt_D: Optimizer,
    loss: str | losses.GANLoss = "non-saturating",
    n_classes: int | None = None,
    lambda_aux: float = 1.0,
):
    """ACGAN: D(x) -> (realness logit, class logits); G(z, y) draws class y.

    D minimises ``loss.d`` + λ [CE(real, y_real) + CE(fake, y_fake)], G minimises
    ``loss.g`` + λ CE(fake, y_fake), CE = :func:`auxiliary_ce` (Odena et al.
    2017: D maximises L_S + L_C, G maximises L_C − L_S; λ = ``lambda_aux``).
    Returns ``{"D", "G", "aux_real", "aux_fake"}``: the totals, D's class loss
    on real images and G's on its fakes (unweighted).
    """
    if not lambda_aux >= 0:
        raise ValueError(f"lambda_aux must be non-negative, got {lambda_aux}")
    loss, n_classes = losses.get(loss), _n_classes(n_classes, G, D)

    def step(batch: Batch) -> dict[str, Tensor]:
        x_real, y_real = _labelled(batch, "acgan_step")  # (B, ...), (B,)
        B, device = len(x_real), x_real.device
        z = torch.randn(B, G.latent_dim, device=device)
        y_fake = torch.randint(n_classes, (B,), device=device)
        with torch.no_grad():
            x_fake = G(z, y_fake)
        (d_real, c_real), (d_fake, c_fake) = D(x_real), D(x_fake)
        aux_real = auxiliary_ce(c_real, y_real)
        aux_D = aux_real + auxiliary_ce(c_fake, y_fake)
        loss_D = loss.d(d_real, d_fake) + lambda_aux * aux_D
        opt_D.zero_grad(set_to_none=True)
        loss_D.backward()
        opt_D.step()
        z = torch.randn(B, G.latent_dim, device=device)
        y_fake = torch.randint(n_classes, (B,), device=device)
        with frozen(D):
            d_fake, c_fake = D(G(z, y_fake))
            aux_fake = auxiliary_ce(c_fake, y_fake)
            loss_G = loss.g(d_fake) + lambda_aux * aux_fake
        opt_G.zero_grad(set_to_none=True)
        loss_G.backward()
        opt_G.step()
        return {
            "D": loss_D.detach(),
            "G": loss_G.detach(),
            "aux_real": aux_real.detach(),
            "aux_fake": aux_fake.detach(),
        }

    step.graph_safe = True
    return step
