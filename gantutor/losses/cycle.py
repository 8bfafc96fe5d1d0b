"""Reconstruction losses of unpaired translation: cycle consistency and identity.

Two mappings G_ab: A → B and G_ba: B → A are asked to undo each other (Zhu et al.
2017, CycleGAN, arXiv:1703.10593, chapter *CycleGAN*):

    L_cyc = E_a ‖G_ba(G_ab(a)) − a‖₁ + E_b ‖G_ab(G_ba(b)) − b‖₁

DualGAN (Yi et al. 2017, arXiv:1704.02510) uses the same L1 reconstruction;
DiscoGAN (Kim et al. 2017, arXiv:1703.05192) a squared (L2, MSE) one. Each loss
here is one direction's term, a pure function of tensors, to *minimise*; the step
adds both directions with their weight ``lambda_cycle``.
"""

from __future__ import annotations

from torch import Tensor

NORMS = ("l1", "l2")


def reconstruction(x: Tensor, x_rec: Tensor, norm: str, who: str) -> Tensor:
    """Mean |x − x_rec| (``"l1"``) or mean (x − x_rec)² (``"l2"``) over every entry."""
    if norm not in NORMS:
        raise ValueError(f"norm must be one of {NORMS}, got {norm!r}")
    if x.shape != x_rec.shape:
        raise ValueError(
            f"{who}: the two tensors must have the same shape; got "
            f"{tuple(x.shape)} and {tuple(x_rec.shape)}"
        )
    diff = x_rec - x  # (B, ...)
    return diff.abs().mean() if norm == "l1" else diff.square().mean()


def cycle_loss(x: Tensor, x_rec: Tensor, norm: str = "l1") -> Tensor:
    """Cycle-consistency loss of one direction, E ‖x_rec − x‖ (Zhu et al. 2017, eq. 2).

    ``x_rec`` is the round trip G_ba(G_ab(x)) of ``x``. ``norm="l1"`` gives the
    mean absolute error (CycleGAN, DualGAN), ``"l2"`` the mean squared error
    (DiscoGAN). Averaged over batch, channels and pixels, so it reads as a
    per-pixel error; zero exactly when the round trip returns ``x``.
    """
    return reconstruction(x, x_rec, norm, "cycle_loss")


def identity_loss(x: Tensor, G_x: Tensor, norm: str = "l1") -> Tensor:
    """Identity loss E ‖G_ab(b) − b‖₁ (Zhu et al. 2017, §5.2; Taigman et al. 2017).

    A mapping into domain B fed an image already in B should leave it alone;
    CycleGAN weighs it 0.5 λ_cyc to keep colours. ``G_x`` is the mapping applied
    to ``x``, so the two domains must have the same shape (same channels).
    """
    return reconstruction(x, G_x, norm, "identity_loss")
