"""BigGAN's update step: hinge loss, a projection D, orthogonal regularisation of G.

Brock, Donahue & Simonyan (2018, arXiv:1809.11096), chapter *BigGAN*: ``n_critic``
D updates (2 in the paper), each on its chunk of a labelled batch, with real and
fake images in one pass of D; then one G update on ``loss.g`` plus
``beta_ortho`` × :func:`gantutor.penalties.orthogonal_of` of G (its shared
class embedding left out). Fake labels are uniform over the classes.

G and D may be ``DistributedDataParallel`` wrappers
(:func:`gantutor.train.distributed.wrap`): the step reads ``latent_dim`` and
``n_classes`` from the wrapped networks and runs G's update through D's own
module, whose gradients would be thrown away (no all-reduce for them). The
step is graph-safe in one process; with DDP it runs eagerly.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor, nn

from gantutor import losses, penalties
from gantutor.data.batches import Batch
from gantutor.steps.alternating import frozen

Noise = Callable[[int, torch.device], tuple[Tensor, Tensor]]


def own(module: nn.Module) -> nn.Module:
    """The network inside a ``DistributedDataParallel`` wrapper (or ``module``)."""
    return getattr(module, "module", module)


def labelled(batch: Batch, n_critic: int) -> tuple[Tensor, Tensor]:
    """``(x_real, y_real)`` of a labelled batch that splits into ``n_critic`` chunks."""
    if not isinstance(batch, (tuple, list)) or len(batch) != 2:
        raise TypeError(
            "biggan_step takes labelled batches (x_real, y_real): draw them from "
            "TensorBatches((x, y), batch_size)"
        )
    if len(batch[0]) % n_critic:
        raise ValueError(
            f"a batch of {len(batch[0])} does not split into n_critic={n_critic} "
            f"chunks: the Trainer hands the step n_critic batches"
        )
    return batch[0], batch[1]


def class_noise(latent_dim: int, n_classes: int) -> Noise:
    """``noise(n, device)`` -> z ~ N(0, I) (n, latent_dim), labels ~ U{0..K−1} (n,)."""

    def noise(n: int, device: torch.device) -> tuple[Tensor, Tensor]:
        z = torch.randn(n, latent_dim, device=device)
        return z, torch.randint(n_classes, (n,), device=device)

    return noise


def biggan_step(
    G: nn.Module,
    D: nn.Module,
    opt_G: torch.optim.Optimizer,
    opt_D: torch.optim.Optimizer,
    loss: str | losses.GANLoss = "hinge",
    n_critic: int = 1,
    beta_ortho: float = 1e-4,
    noise: Noise | None = None,
):
    """One BigGAN training step on ``(x_real, y_real)`` of n_critic × B samples.

    Returns ``{"D", "G", "ortho"}``: the last D loss, G's adversarial loss and
    the (unweighted) orthogonal penalty. ``noise(n, device)`` draws (z, y_fake);
    by default :func:`class_noise` (a data-parallel run passes a sharded one,
    :meth:`gantutor.train.distributed.Replicas.shard_noise`).
    """
    if n_critic < 1 or not beta_ortho >= 0:
        raise ValueError(
            f"n_critic must be ≥ 1 and beta_ortho ≥ 0; got {n_critic}, {beta_ortho}"
        )
    loss, G_own, D_own = losses.get(loss), own(G), own(D)
    noise = noise or class_noise(G_own.latent_dim, G_own.n_classes)

    def step(batch: Batch) -> dict[str, Tensor]:
        x_all, y_all = labelled(batch, n_critic)  # (n_critic·B, ...), (n_critic·B,)
        chunks = zip(x_all.chunk(n_critic), y_all.chunk(n_critic), strict=True)
        for x_real, y_real in chunks:
            B = len(x_real)
            z, y_fake = noise(B, x_real.device)
            with torch.no_grad():  # D's update needs no graph through G
                x_fake = G(z, y_fake)  # (B, C, H, W)
            d = D(torch.cat([x_real, x_fake]), torch.cat([y_real, y_fake]))  # (2B,)
            loss_D = loss.d(d[:B], d[B:])
            opt_D.zero_grad(set_to_none=True)
            loss_D.backward()
            opt_D.step()
        z, y_fake = noise(B, x_real.device)
        with frozen(D_own):  # gradients flow through D to G only
            loss_G = loss.g(D_own(G(z, y_fake), y_fake))
        ortho = penalties.orthogonal_of(G_own, exclude=(G_own.shared,))
        opt_G.zero_grad(set_to_none=True)
        (loss_G + beta_ortho * ortho).backward()
        opt_G.step()
        return {"D": loss_D.detach(), "G": loss_G.detach(), "ortho": ortho.detach()}

    step.batches_per_step = n_critic
    step.graph_safe = G is G_own and D is D_own  # DDP's all-reduce runs eagerly
    return step
