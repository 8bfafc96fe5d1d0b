"""Ready-made update steps for :class:`gantutor.train.Trainer`.

A step takes a batch of real data and returns its losses as 0-d tensors that
stay on the device. A step that makes ``k`` discriminator updates declares
``step.batches_per_step = k``: the trainer then hands it ``k`` batches of B as one
batch of k × B, one chunk per update. Chapters whose lesson *is* the step write
their own.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import torch
from torch import Tensor, nn

from gantutor import losses, penalties

Penalty = Callable[[nn.Module, Tensor, Tensor], Tensor]


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

    Each discriminator step takes a fresh minibatch of B real samples (Goodfellow
    et al. 2014, Algorithm 1): the step declares ``step.batches_per_step = k``, so
    the trainer hands it ``k`` batches of its source as one of k × B, which it
    splits into ``k`` chunks (static shapes). Returns ``{"D": loss_D, "G": loss_G}``.

    The step is graph-safe (``step.graph_safe``): no host synchronisation and no
    Python state between calls, so the trainer may capture it as one CUDA graph
    (:mod:`gantutor.train.cuda_graph`). ``zero_grad(set_to_none=True)`` is fine inside a
    capture: backward then allocates the gradients in the graph's memory pool.
    """
    if k < 1:
        raise ValueError(
            f"k (discriminator steps per generator step) must be >= 1, got {k}"
        )
    step = alternating_step(G, D, opt_G, opt_D, loss, k)
    step.graph_safe = True
    return step


def alternating_step(
    G: nn.Module,
    D: nn.Module,
    opt_G: torch.optim.Optimizer,
    opt_D: torch.optim.Optimizer,
    loss: str | losses.GANLoss,
    k: int,
    *,
    penalty: Penalty | None = None,
    clip: float | None = None,
    gap: bool = False,
    k_name: str = "k",
):
    """The algorithm behind :func:`gan_step` and :func:`gantutor.steps.critic_step`.

    ``k`` D updates, each on its chunk of the batch of k × B (the step's
    ``batches_per_step`` is ``k``): ``loss.d`` (+ ``penalty(D, x_real, x_fake)``),
    then D's weights clipped to [−clip, clip] when given; then one G update on
    ``loss.g``. ``gap=True`` also returns ``W`` = E D(x_real) −
    E D(x_fake) on the last chunk. ``k_name`` names ``k`` in the error messages.

    Work that would be thrown away is skipped: G runs without a graph for D's
    updates, and D's weight gradients are not computed in G's (:func:`frozen`);
    the losses and updates are those of the algorithm written out, bit for bit on
    the CPU. Arguments are checked by the callers.
    """
    loss = losses.get(loss)

    def step(x_real: Tensor) -> dict[str, Tensor]:  # (k·B, ...)
        if len(x_real) % k:
            raise ValueError(
                f"a batch of {len(x_real)} does not split into {k_name}={k} chunks: "
                f"the Trainer hands the step {k_name} batches; called directly, it "
                f"takes {k_name} × B real samples"
            )
        for x in x_real.chunk(k):  # (B, ...) each
            z = torch.randn(len(x), G.latent_dim, device=x.device)
            with torch.no_grad():  # D's update needs no graph through G
                x_fake = G(z)
            d_real, d_fake = D(x), D(x_fake)  # (B,), (B,)
            loss_D = loss.d(d_real, d_fake)
            if penalty is not None:
                loss_D = loss_D + penalty(D, x, x_fake)
            opt_D.zero_grad(set_to_none=True)
            loss_D.backward()
            opt_D.step()
            if clip is not None:
                penalties.clip_weights(D, clip)
        z = torch.randn(len(x), G.latent_dim, device=x.device)
        with frozen(D):  # only G's gradients: D's would be discarded
            loss_G = loss.g(D(G(z)))
        opt_G.zero_grad(set_to_none=True)
        loss_G.backward()
        opt_G.step()
        out = {"D": loss_D.detach(), "G": loss_G.detach()}
        if gap:
            out["W"] = d_real.detach().mean() - d_fake.detach().mean()
        return out

    step.batches_per_step = k  # the trainer draws k real batches per call
    return step
