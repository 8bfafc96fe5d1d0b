"""Update steps for unpaired translation: two mappings (CycleGAN, DiscoGAN, DualGAN)
and one mapping (DiscoGAN's argument).

Batches are ``(a, b)`` of two domains drawn independently
(:class:`gantutor.data.UnpairedBatches`). ``G_ab``: A → B and ``G_ba``: B → A;
``D_a`` judges domain A, ``D_b`` domain B. ``opt_G`` holds the parameters of both
mappings, ``opt_D`` those of both discriminators. A discriminator may return one
logit per sample (B,) or one per patch (B, P) (:class:`PatchDiscriminator`): its
output is flattened, so every patch counts as a sample of the loss. The three
methods are settings of :func:`translation_step`, listed in :data:`PRESETS`.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from gantutor import losses, penalties
from gantutor.losses.cycle import NORMS, cycle_loss, identity_loss
from gantutor.steps.alternating import frozen
from gantutor.train.buffer import ImageBuffer

# CycleGAN (Zhu et al. 2017, arXiv:1703.10593): LSGAN, L1 cycle λ = 10, identity
# 0.5 λ, a history of 50 fakes. DiscoGAN (Kim et al. 2017, arXiv:1703.05192): the
# standard GAN loss, squared reconstruction in both directions. DualGAN (Yi et al.
# 2017, arXiv:1704.02510): WGAN with clipping and n_critic, L1 reconstruction.
PRESETS = {
    "cyclegan": dict(loss="lsgan", lambda_cycle=10.0, lambda_identity=5.0,
                     cycle_norm="l1", buffer_size=50),
    "discogan": dict(loss="non-saturating", lambda_cycle=1.0, cycle_norm="l2"),
    "dualgan": dict(loss="wasserstein", lambda_cycle=20.0, cycle_norm="l1",
                    n_critic=5, clip=0.01),
}  # fmt: skip


def check_weights(**weights: float) -> None:
    """Raise a ``ValueError`` naming the weight unless each is a number ≥ 0."""
    for name, value in weights.items():
        if not isinstance(value, (int, float)) or value < 0:
            raise ValueError(f"{name} must be a number >= 0, got {value!r}")


def check_options(norm: str, n_critic: int, clip: float | None) -> None:
    """Raise a ``ValueError`` for an unknown norm, n_critic < 1 or clip ≤ 0."""
    if norm not in NORMS:
        raise ValueError(f"cycle_norm must be one of {NORMS}, got {norm!r}")
    if not isinstance(n_critic, int) or n_critic < 1:
        raise ValueError(f"n_critic must be an integer >= 1, got {n_critic!r}")
    if clip is not None and not clip > 0:
        raise ValueError(f"clip (WGAN's c) must be positive or None, got {clip!r}")


def logits(D: nn.Module, x: Tensor) -> Tensor:
    """D's realness logits, one per sample or per patch, flattened: (B·P,)."""
    return D(x).flatten()


def translation_step(
    G_ab: nn.Module,
    G_ba: nn.Module,
    D_a: nn.Module,
    D_b: nn.Module,
    opt_G: torch.optim.Optimizer,
    opt_D: torch.optim.Optimizer,
    loss: str | losses.GANLoss = "lsgan",
    lambda_cycle: float = 10.0,
    lambda_identity: float = 0.0,
    cycle_norm: str = "l1",
    buffer_size: int = 0,
    n_critic: int = 1,
    clip: float | None = None,
):
    """``n_critic`` updates of both D's, then one update of both mappings.

    D's update, on each of ``n_critic`` chunks of ``(a, b)``:
    ``loss.d(D_a(a), D_a(G_ba(b))) + loss.d(D_b(b), D_b(G_ab(a)))``, the fakes
    passed through an :class:`ImageBuffer` each when ``buffer_size`` > 0, then D's
    weights clipped to [−clip, clip] when given. G's update, on the last chunk:

        L_G = loss.g(D_b(G_ab(a))) + loss.g(D_a(G_ba(b)))
              + λ_cyc [cyc(a, G_ba(G_ab(a))) + cyc(b, G_ab(G_ba(b)))]
              + λ_id [idt(b, G_ab(b)) + idt(a, G_ba(a))]

    (identity needs both domains of one shape). Returns 0-d detached losses
    ``D_a``, ``D_b``, ``G`` (all of L_G), ``cycle`` (the bracket, also measured
    when λ_cyc = 0) and ``identity`` when λ_id > 0. Graph-safe without a buffer.
    """
    check_weights(lambda_cycle=lambda_cycle, lambda_identity=lambda_identity)
    check_options(cycle_norm, n_critic, clip)
    if not isinstance(buffer_size, int) or buffer_size < 0:
        raise ValueError(f"buffer_size must be an integer >= 0, got {buffer_size!r}")
    loss = losses.get(loss)
    buffers = [ImageBuffer(buffer_size) for _ in "ab"] if buffer_size else None

    def step(batch: tuple[Tensor, Tensor]) -> dict[str, Tensor]:
        a, b = batch  # (k·B, ...) each, unpaired
        if lambda_identity > 0 and a.shape[1:] != b.shape[1:]:
            raise ValueError(
                f"lambda_identity > 0 feeds each mapping its own target domain, so "
                f"both domains need one shape; got {tuple(a.shape[1:])} and "
                f"{tuple(b.shape[1:])}: set lambda_identity=0"
            )
        if len(a) % n_critic or len(b) % n_critic:
            raise ValueError(
                f"batches of {len(a)} and {len(b)} do not split into "
                f"n_critic={n_critic} chunks"
            )
        for a_i, b_i in zip(a.chunk(n_critic), b.chunk(n_critic), strict=True):
            with torch.no_grad():  # D's update needs no graph through the G's
                fake_b, fake_a = G_ab(a_i), G_ba(b_i)
            if buffers is not None:
                fake_a = buffers[0].push_and_sample(fake_a)
                fake_b = buffers[1].push_and_sample(fake_b)
            loss_D_a = loss.d(logits(D_a, a_i), logits(D_a, fake_a))
            loss_D_b = loss.d(logits(D_b, b_i), logits(D_b, fake_b))
            opt_D.zero_grad(set_to_none=True)
            (loss_D_a + loss_D_b).backward()
            opt_D.step()
            if clip is not None:
                penalties.clip_weights(D_a, clip)
                penalties.clip_weights(D_b, clip)
        with frozen(D_a, D_b):  # only the G's gradients
            fake_b, fake_a = G_ab(a_i), G_ba(b_i)
            loss_G = loss.g(logits(D_b, fake_b)) + loss.g(logits(D_a, fake_a))
            with torch.set_grad_enabled(lambda_cycle > 0):
                cycle = cycle_loss(a_i, G_ba(fake_b), cycle_norm) + cycle_loss(
                    b_i, G_ab(fake_a), cycle_norm
                )
            loss_G = loss_G + lambda_cycle * cycle
            if lambda_identity > 0:
                identity = identity_loss(b_i, G_ab(b_i), cycle_norm) + identity_loss(
                    a_i, G_ba(a_i), cycle_norm
                )
                loss_G = loss_G + lambda_identity * identity
        opt_G.zero_grad(set_to_none=True)
        loss_G.backward()
        opt_G.step()
        out = {"D_a": loss_D_a.detach(), "D_b": loss_D_b.detach()}
        out |= {"G": loss_G.detach(), "cycle": cycle.detach()}
        if lambda_identity > 0:
            out["identity"] = identity.detach()
        return out

    step.batches_per_step = n_critic  # the trainer draws n_critic batches per call
    step.graph_safe = buffers is None  # the buffer reads its draws on the host
    step.buffers = buffers  # (for D_a, for D_b): their state_dict for checkpoints
    return step


def one_way_step(
    G_ab: nn.Module,
    D_b: nn.Module,
    opt_G: torch.optim.Optimizer,
    opt_D: torch.optim.Optimizer,
    loss: str | losses.GANLoss = "non-saturating",
    lambda_rec: float = 0.0,
    G_ba: nn.Module | None = None,
    rec_norm: str = "l2",
):
    """One mapping A → B: the GAN loss alone, or with a reconstruction term.

    DiscoGAN's argument (Kim et al. 2017, §3): trained only with
    ``loss.g(D_b(G_ab(a)))``, nothing ties G_ab(a) to a, and several modes of A
    may land on one mode of B. With ``lambda_rec`` > 0 a map back ``G_ba``
    (its parameters in ``opt_G``) is trained too, and G minimises

        loss.g(D_b(G_ab(a))) + λ_rec rec(a, G_ba(G_ab(a)))

    Returns 0-d detached ``D``, ``G`` and, with ``G_ba``, ``rec`` (measured
    also when λ_rec = 0). Graph-safe.
    """
    check_weights(lambda_rec=lambda_rec)
    check_options(rec_norm, 1, None)
    if lambda_rec > 0 and G_ba is None:
        raise ValueError("lambda_rec > 0 needs the map back G_ba")
    loss = losses.get(loss)

    def step(batch: tuple[Tensor, Tensor]) -> dict[str, Tensor]:
        a, b = batch  # (B, ...) each, unpaired
        with torch.no_grad():
            fake_b = G_ab(a)
        loss_D = loss.d(logits(D_b, b), logits(D_b, fake_b))
        opt_D.zero_grad(set_to_none=True)
        loss_D.backward()
        opt_D.step()
        with frozen(D_b):
            fake_b = G_ab(a)
            loss_G = loss.g(logits(D_b, fake_b))
            if G_ba is not None:
                with torch.set_grad_enabled(lambda_rec > 0):
                    rec = cycle_loss(a, G_ba(fake_b), rec_norm)
                loss_G = loss_G + lambda_rec * rec
        opt_G.zero_grad(set_to_none=True)
        loss_G.backward()
        opt_G.step()
        out = {"D": loss_D.detach(), "G": loss_G.detach()}
        if G_ba is not None:
            out["rec"] = rec.detach()
        return out

    step.graph_safe = True
    return step
