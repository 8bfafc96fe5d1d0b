"""What the DCGAN-rules ablation measures: FID (mnist-cnn) and mode coverage.

Each variant of the chapter *DCGAN's rules* (Radford et al. 2015, arXiv:1511.06434)
is scored on samples read by the shipped MNIST classifier (``"mnist-cnn"``):

- FID (mnist-cnn), the Fréchet distance between the Gaussians of real and fake
  features, ‖μ_r − μ_f‖² + tr(Σ_r + Σ_f − 2 (Σ_r Σ_f)^{1/2}) (Heusel et al. 2017,
  arXiv:1706.08500), with :func:`gantutor.metrics.frechet_distance_of`;
- mode coverage: how many of the 10 classes the classifier finds among the
  samples (a class counts when it gets at least ``min_share`` of them), and how
  evenly, as the KL divergence of the predicted-class histogram p from uniform,
  KL(p ‖ u) = Σ_k p_k log(K p_k) = log K − H(p): 0 for a perfectly even spread,
  log 10 ≈ 2.30 when every sample is one digit.

Variants are compared with the same seeds, seed by seed (:func:`paired_ratios`),
and a difference is claimed only when every seed shows it (:func:`verdict`).
:func:`layers` lists what a network does, layer by layer, for the chapter's
figure of the rules.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from gantutor import metrics
from gantutor.models.layers import device_of

JUDGE_SIZE = 28  # mnist-cnn reads 28×28 digits


@dataclass(frozen=True)
class Layer:
    """One layer: a short label, the rule it belongs to, its output (C, H, W)."""

    label: str
    rule: str  # a field of DCGANRules, or "" for a plain convolution
    shape: tuple[int, ...]


def _describe(m: nn.Module, size_in: int) -> tuple[str, str]:
    """A layer's label and the rule it belongs to (``size_in``: its input size)."""
    if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
        k, stride = m.kernel_size[0], m.stride[0]
        if isinstance(m, nn.Conv2d) and k == size_in and m.out_channels > 1:
            return "FC", "no_fc"  # one weight per input unit and output unit
        name = "ConvT" if isinstance(m, nn.ConvTranspose2d) else "Conv"
        rule = "strided" if stride == 2 else ""
        return f"{name} {k}×{k}" + (" /2" if stride == 2 else ""), rule
    table = {
        nn.Upsample: ("up ×2", "strided"),
        nn.AvgPool2d: ("pool 2×2", "strided"),
        nn.BatchNorm2d: ("BN", "batchnorm"),
        nn.LeakyReLU: ("LReLU", "leaky_d"),
        nn.ReLU: ("ReLU", "leaky_d"),
        nn.Tanh: ("tanh", "tanh"),
    }
    return table.get(type(m), (type(m).__name__, ""))


def layers(net: nn.Module, x: Tensor) -> list[Layer]:
    """What ``net.net`` (a DCGAN G or D) does to ``x``, layer by layer.

    A convolution whose kernel covers its whole input map is labelled "FC": it
    is a fully connected layer. Identity layers (no normalisation) are skipped.
    """
    out = []
    h = x[:, :, None, None] if x.ndim == 2 else x  # G reads z as a 1×1 map
    with torch.no_grad():
        for m in net.net:
            size_in = h.shape[-1]
            h = m(h)
            if not isinstance(m, nn.Identity):
                label, rule = _describe(m, size_in)
                out.append(Layer(label, rule, tuple(h.shape[1:])))
    return out


def to_judge_size(x: Tensor) -> Tensor:
    """Images (B, 1, S, S), S in 28/32/64, as the 28×28 ones mnist-cnn reads.

    32 px (MNIST padded by 2, :func:`gantutor.data.mnist`): the centre 28×28
    crop; 64 px: an antialiased bilinear resize.
    """
    if x.ndim != 4 or x.shape[2] != x.shape[3] or x.shape[2] not in (28, 32, 64):
        raise ValueError(
            f"expected square images (B, C, S, S) with S in 28, 32, 64, "
            f"got shape {tuple(x.shape)}"
        )
    size = x.shape[2]
    if size == 32:
        return x[:, :, 2:30, 2:30]  # (B, C, 28, 28)
    if size == 64:
        return nn.functional.interpolate(
            x, size=(JUDGE_SIZE, JUDGE_SIZE), mode="bilinear", antialias=True
        )
    return x


def samples(G: nn.Module, n: int, seed: int = 0) -> Tensor:
    """``n`` samples of ``G`` in eval mode, clamped to [-1, 1], at 28 px, on the CPU.

    The clamp is what showing a sample does; it matters only for a generator
    without ``tanh``. The noise comes from its own generator seeded with ``seed``.
    """
    device = device_of(G)
    gen = torch.Generator(device).manual_seed(seed)
    z = torch.randn(n, G.latent_dim, device=device, generator=gen)
    was_training = G.training
    G.eval()
    with torch.no_grad():
        x = torch.cat([G(part).cpu() for part in z.split(500)])  # (n, C, S, S)
    G.train(was_training)
    return to_judge_size(x.clamp(-1.0, 1.0))


def class_counts(logits: Tensor) -> Tensor:
    """How many samples the classifier puts in each class: (K,) from (N, K) logits."""
    if logits.ndim != 2:
        raise ValueError(f"logits must have shape (N, K), got {tuple(logits.shape)}")
    return torch.bincount(logits.argmax(1), minlength=logits.shape[1])


def coverage(counts: Tensor, min_share: float = 0.02) -> int:
    """The number of classes holding at least ``min_share`` of the samples."""
    if not 0 < min_share <= 1:
        raise ValueError(f"min_share must be in (0, 1], got {min_share}")
    share = counts.double() / counts.sum()
    return int((share >= min_share).sum())


def kl_from_uniform(counts: Tensor) -> float:
    """KL(p ‖ uniform) of the class histogram, Σ p log(K p) (nats; 0 is even)."""
    if counts.sum() <= 0:
        raise ValueError("counts must hold at least one sample")
    p = counts.double() / counts.sum()
    k = len(counts)
    return float(torch.where(p > 0, p * torch.log(p * k), 0.0).sum())


@dataclass(frozen=True)
class Score:
    """One run's FID (mnist-cnn), covered classes, KL from uniform and histogram."""

    fid: float
    covered: int
    kl: float
    counts: Tensor  # (10,)


def score(
    x_fake: Tensor,
    real: metrics.Statistics,
    device: torch.device | str = "cpu",
    min_share: float = 0.02,
) -> Score:
    """Score 28×28 samples in [-1, 1] against the real statistics (mnist-cnn)."""
    judge = metrics.extractor("mnist-cnn", device)
    f_fake = metrics.features(x_fake, judge, "[-1,1]", device=device, progress=False)
    with torch.no_grad():
        counts = class_counts(judge.logits(f_fake.to(device)).cpu())
    fid = metrics.frechet_distance_of(real, metrics.statistics(f_fake, "mnist-cnn"))
    return Score(fid, coverage(counts, min_share), kl_from_uniform(counts), counts)


def paired_ratios(
    values: Mapping[tuple[str, int], float], baseline: str = "DCGAN"
) -> dict[str, Tensor]:
    """Per variant, value / baseline's value for each seed: ``{(variant, seed): v}``."""
    seeds = sorted({s for (_, s) in values})
    variants = list(dict.fromkeys(v for (v, _) in values))
    if baseline not in variants:
        raise ValueError(f"no {baseline!r} runs among {variants}")
    out = {}
    for variant in variants:
        missing = [s for s in seeds if (variant, s) not in values]
        if missing:
            raise ValueError(f"variant {variant!r} has no run for seeds {missing}")
        ratio = [values[variant, s] / values[baseline, s] for s in seeds]
        out[variant] = torch.tensor(ratio, dtype=torch.float64)  # (n_seeds,)
    return out


def verdict(ratios: Tensor, margin: float = 1.25) -> str:
    """Seed-by-seed ratios read as "worse" (all ≥ margin), "better" or "mixed".

    "better" means every ratio is ≤ 1 / margin; anything else is "mixed": no
    difference that all seeds agree on.
    """
    if margin <= 1 or not math.isfinite(margin):
        raise ValueError(f"margin must be a finite number above 1, got {margin}")
    if bool((ratios >= margin).all()):
        return "worse"
    if bool((ratios <= 1 / margin).all()):
        return "better"
    return "mixed"
