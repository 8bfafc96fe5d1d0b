"""Editing through a conditional generator: IcGAN's edits, InfoGAN's traversals.

IcGAN (Perarnau et al. 2016, arXiv:1611.06355, chapter *IcGAN*) encodes a real
image x into a latent code z = E_z(x) and a label y = argmax E_y(x); G(z, y) is
its *reconstruction* and G(z, y') its *edit* to the label y'. What the chapter
measures: does the classifier read y' on the edit (:func:`edit_success`), does
the edit keep the style of x (:func:`style_correlation` of slant and stroke
width), and how far is the reconstruction from x (:func:`pixel_error`).
InfoGAN's traversals (chapter *InfoGAN*) move one continuous code and keep the
rest (:func:`traversal`).

Images are in [-1, 1], shape (N, C, H, W); G is called without gradients and in
the mode it is in (call ``G.eval()`` first if it has BatchNorm).
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from gantutor.labs.conditional import class_grid, slant, stroke_width
from gantutor.models.conditional import check_labels
from gantutor.models.layers import device_of
from gantutor.steps.info import join_codes

STYLES = {"slant": slant, "stroke width": stroke_width}


@torch.no_grad()
def encode(E: nn.Module, x: Tensor, batch_size: int = 500) -> tuple[Tensor, Tensor]:
    """IcGAN's inversion of images x: (z = E_z(x) (N, latent_dim), y = argmax E_y(x)
    (N,)), on the CPU. ``E`` is a :class:`gantutor.models.Encoder`."""
    dev, zs, ys = device_of(E), [], []
    for x_b in x.split(batch_size):
        z, logits = E(x_b.to(dev))  # (B, latent_dim), (B, n_classes)
        zs.append(z.cpu())
        ys.append(logits.argmax(dim=1).cpu())
    return torch.cat(zs), torch.cat(ys)


@torch.no_grad()
def generate(G: nn.Module, z: Tensor, y: Tensor, batch_size: int = 500) -> Tensor:
    """G(z, y) on the CPU for codes z (N, latent_dim) and labels y (N,)."""
    check_labels(y, G.n_classes, len(z), "generate")
    dev = device_of(G)
    out = [
        G(z_b.to(dev), y_b.to(dev)).float().cpu()
        for z_b, y_b in zip(z.split(batch_size), y.split(batch_size), strict=True)
    ]
    return torch.cat(out)  # (N, C, H, W)


def edits_to_every_class(G: nn.Module, z: Tensor) -> Tensor:
    """G(z_i, k) for every code z_i and every class k: (N, n_classes, C, H, W).

    Row i is one digit's style drawn as each class: entry [i, E_y's label] is
    its reconstruction, the others are its edits.
    """
    grid = class_grid(G, z.to(device_of(G)), G.n_classes)  # (K, N, C, H, W)
    return grid.transpose(0, 1)  # the cGAN chapter's class grid, one row a digit


def edit_success(pred: Tensor, y_source: Tensor) -> Tensor:
    """Per target class k, the share of edits to k that the classifier reads as k.

    ``pred`` (N, K): the classifier's class for the edit of digit i to class k;
    ``y_source`` (N,): the class of digit i. Only real changes count: the edits
    of digits already of class k are left out. Returns (K,) float64, NaN for a
    target with no edit.
    """
    n, k = pred.shape
    check_labels(y_source, k, n, "edit_success")
    target = torch.arange(k).expand(n, k)  # (N, K)
    changed = y_source.cpu()[:, None] != target  # (N, K)
    hits = ((pred.cpu() == target) & changed).sum(dim=0).double()
    return hits / changed.sum(dim=0).double()  # 0/0 = NaN


def pearson(a: Tensor, b: Tensor) -> float:
    """Pearson correlation of two samples (N,): 1 when b grows linearly with a."""
    a, b = a.double().flatten(), b.double().flatten()
    if a.shape != b.shape or len(a) < 2:
        raise ValueError(f"pearson needs two samples of equal size ≥ 2, got {a.shape}")
    a, b = a - a.mean(), b - b.mean()
    return float((a * b).sum() / (a.norm() * b.norm()))


def style_correlation(
    x: Tensor, x_after: Tensor, mask: Tensor | None = None
) -> dict[str, float]:
    """How much of each image's style survives a change: per style measure
    (slant, stroke width of :mod:`gantutor.labs.conditional`), the Pearson
    correlation between its value on ``x`` (N, 1, H, W) and on ``x_after``
    (N, 1, H, W) or (N, M, 1, H, W), M changes of each image (every x is
    repeated M times); ``mask`` (N, M) bool keeps some pairs only (the edits
    without the reconstructions). 1: the measure is kept up to a linear map;
    0: forgotten. Pairs with an image without ink (NaN slant) are left out.
    """
    x_after = x_after if x_after.dim() == 5 else x_after[:, None]
    n, m = x_after.shape[:2]
    if len(x) != n:
        raise ValueError(f"x has {len(x)} images but x_after has {n} rows")
    keep = torch.ones(n, m, dtype=torch.bool) if mask is None else mask.cpu()
    if keep.shape != (n, m):
        raise ValueError(f"mask must be (N, M) = {(n, m)}, got {tuple(keep.shape)}")
    out = {}
    for name, measure in STYLES.items():
        before = measure(x).repeat_interleave(m)  # (N·M,)
        after = measure(x_after.flatten(0, 1))  # (N·M,)
        ok = keep.flatten() & before.isfinite() & after.isfinite()
        out[name] = pearson(before[ok], after[ok])
    return out


def pixel_error(x: Tensor, x_rec: Tensor) -> Tensor:
    """Mean squared error per image (N,), in pixels of [-1, 1] (0 to 4)."""
    if x.shape != x_rec.shape:
        raise ValueError(f"shapes differ: {tuple(x.shape)} and {tuple(x_rec.shape)}")
    return (x.float() - x_rec.float()).square().flatten(1).mean(dim=1)


@torch.no_grad()
def traversal(
    G: nn.Module,
    z: Tensor,
    category: int,
    c_cont: Tensor,
    code: int,
    values: Tensor,
    n_categories: int,
) -> Tensor:
    """InfoGAN's latent traversal: G([z, one-hot(category), c]) with the
    continuous code ``code`` set to each of ``values`` (S,) and the other codes
    kept at ``c_cont`` (R, n_continuous): images (R, S, C, H, W), one row per
    noise z (R, noise_dim)."""
    r, s = len(z), len(values)
    c = c_cont.repeat_interleave(s, dim=0).clone()  # (R·S, n_continuous)
    c[:, code] = values.repeat(r)
    cat = torch.full((r * s,), category, dtype=torch.long)
    inputs = join_codes(z.repeat_interleave(s, dim=0), cat, c, n_categories)
    dev = device_of(G)
    x = G(inputs.to(dev)).float().cpu()  # (R·S, C, H, W)
    return x.view(r, s, *x.shape[1:])
