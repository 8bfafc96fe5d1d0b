"""What the chapters on conditioning measure: does G draw the class it was asked for,
how varied are the samples within a class, do InfoGAN's categories find the digits,
and what style (slant, stroke width) does an image carry, and how much of it the noise
sets (:func:`class_grid`, :func:`noise_share`); :func:`pair_logits` reads a
conditional D as a classifier; :func:`per_class_scores` gathers the per-class numbers.

Per-class numbers are tensors (n_classes,), NaN for a class with no sample. The
judge is a classifier's logits, e.g. the shipped ``mnist-cnn``
(:func:`gantutor.metrics.extractor`), and features are its 64-d activations:
report FID from them as "FID (mnist-cnn)". Used in the chapters *cGAN*,
*ACGAN*, *IcGAN* and *InfoGAN*.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from gantutor import metrics
from gantutor.models.conditional import check_labels
from gantutor.models.layers import device_of


def _per_class(values: Tensor, y: Tensor, n_classes: int) -> Tensor:
    """Mean of ``values`` (N,) over the samples of each class -> (n_classes,)."""
    check_labels(y, n_classes, len(values), "the per-class mean")
    counts = torch.bincount(y, minlength=n_classes)[:n_classes].double()
    sums = torch.zeros(n_classes, dtype=torch.float64).index_add_(
        0, y.cpu(), values.double().cpu()
    )
    return sums / counts  # 0/0 = NaN where a class has no sample


def generate_per_class(
    G: nn.Module,
    n_per_class: int,
    n_classes: int,
    batch_size: int = 500,
    device: torch.device | str | None = None,
    seed: int = 0,
) -> tuple[Tensor, Tensor]:
    """``n_per_class`` samples G(z, y) of each class, on the CPU, and their labels.

    Seeded noise, no gradients; G is not switched to eval mode (do it first if
    it has BatchNorm, whose running statistics train-mode calls would update).
    """
    if device is None:
        device = device_of(G)
    device = torch.device(device)
    gen = torch.Generator(device).manual_seed(seed)
    y = torch.arange(n_classes).repeat_interleave(n_per_class)  # (N,)
    x = []
    with torch.no_grad():
        for y_b in y.split(batch_size):
            z = torch.randn(len(y_b), G.latent_dim, device=device, generator=gen)
            x.append(G(z, y_b.to(device)).cpu())
    return torch.cat(x), y


def class_grid(G: nn.Module, z: Tensor, n_classes: int) -> Tensor:
    """G(z_j, k) for every class k and noise row z_j: (n_classes, len(z), *x_shape).

    The same noise in every row, on the CPU, without gradients: a column shows
    what z does across classes (its style), a row what the label does.
    """
    with torch.no_grad():
        rows = [
            G(z, torch.full((len(z),), k, dtype=torch.long, device=z.device)).cpu()
            for k in range(n_classes)
        ]
    return torch.stack(rows)  # (n_classes, n_z, ...)


def noise_share(values: Tensor) -> float:
    """The share of a style measure's within-class variation that the noise explains.

    ``values`` (n_classes, n_z): a measure (slant, stroke width) of G(z_j, k).
    With r_kj = values_kj − mean_j values_kj (class means removed) and
    m_j = mean_k r_kj (what noise j does in every class),

        share = n_classes · Σ_j m_j² / Σ_kj r_kj²  ∈ [0, 1]:

    1 when z alone sets the measure (the same offset in every class), about
    1 / n_classes when each class uses z its own way, 0 when the offsets cancel.
    NaN when no value varies within a class.
    """
    if values.dim() != 2 or min(values.shape) < 2:
        raise ValueError(
            f"values must be (n_classes, n_z), both at least 2; got {values.shape}"
        )
    r = values.double() - values.double().mean(dim=1, keepdim=True)  # (K, N)
    total = r.square().sum()
    return float(len(r) * r.mean(dim=0).square().sum() / total)


def pair_logits(
    D: nn.Module, x: Tensor, n_classes: int, batch_size: int = 500
) -> Tensor:
    """D(x_i, k) for every image and every class: (N, n_classes), on the CPU.

    How much the label moves a conditional D's verdict: D(x, y) − D(x, k ≠ y)
    on real digits x of class y (chapter *cGAN*). Not a classifier's logits:
    the optimal D's are log p(x, k) / q(x, k), which depend on the generator.
    Images go to D's device in batches, without gradients.
    """
    device = next(D.parameters()).device
    out = []
    with torch.no_grad():
        for x_b in x.split(batch_size):
            x_b = x_b.to(device)
            columns = [
                D(x_b, torch.full((len(x_b),), k, dtype=torch.long, device=device))
                for k in range(n_classes)
            ]
            out.append(torch.stack(columns, dim=1).float().cpu())  # (b, n_classes)
    return torch.cat(out)


def per_class_scores(
    G: nn.Module,
    f_real: Tensor,
    y_real: Tensor,
    n_per_class: int,
    n_classes: int = 10,
    extractor: str | metrics.Extractor = "mnist-cnn",
    seed: int = 0,
) -> dict[str, Tensor]:
    """The per-class numbers of a conditional G, each (n_classes,), in one pass.

    ``n_per_class`` samples of each class (:func:`generate_per_class`, images in
    [-1, 1]) through ``extractor``: ``accuracy`` (:func:`class_accuracy`),
    ``entropy`` (:func:`prediction_entropy`), ``diversity``
    (:func:`intra_class_diversity`) and ``fid`` (:func:`intra_class_fid`
    against the real features ``f_real`` with labels ``y_real``).
    """
    device = next(iter(G.parameters()), torch.empty(0)).device
    x, y = generate_per_class(G, n_per_class, n_classes, device=device, seed=seed)
    ex = metrics.extractor(extractor, device)
    f = metrics.features(x, ex, "[-1,1]", device=device, progress=False)  # (N, d)
    with torch.no_grad():
        logits = ex.logits(f.to(device)).float().cpu()  # (N, n_classes)
    return {
        "accuracy": class_accuracy(logits, y, n_classes),
        "entropy": prediction_entropy(logits, y, n_classes),
        "diversity": intra_class_diversity(f, y, n_classes),
        "fid": intra_class_fid(f_real, y_real, f, y, n_classes),
    }


def class_accuracy(logits: Tensor, y: Tensor, n_classes: int) -> Tensor:
    """Per requested class, the fraction of samples the classifier reads as it."""
    return _per_class((logits.argmax(1).cpu() == y.cpu()).float(), y.cpu(), n_classes)


def conditional_accuracy(
    G: nn.Module,
    n_per_class: int,
    n_classes: int = 10,
    classifier: str | metrics.Extractor = "mnist-cnn",
    seed: int = 0,
) -> Tensor:
    """:func:`class_accuracy` of ``n_per_class`` samples per class of G (n_classes,).

    Images must be in [-1, 1] (a tanh generator), judged by ``classifier``.
    """
    x, y = generate_per_class(G, n_per_class, n_classes, seed=seed)
    logits = metrics.features(x, classifier, "[-1,1]", logits=True, progress=False)
    return class_accuracy(logits, y, n_classes)


def prediction_entropy(logits: Tensor, y: Tensor, n_classes: int) -> Tensor:
    """Per class, the mean entropy (nats) of the classifier's p(· | x) on its samples.

    Low: the samples are easy, prototypical digits (ACGAN's known defect, Shu
    2017); log K at most, for a classifier with no opinion.
    """
    logp = logits.float().log_softmax(dim=1)  # (N, K)
    entropy = -(logp.exp() * logp).sum(dim=1)  # (N,)
    return _per_class(entropy, y.cpu(), n_classes)


def intra_class_diversity(features: Tensor, y: Tensor, n_classes: int) -> Tensor:
    """Per class, the mean Euclidean distance between two different samples' features.

    Zero when a class collapses to one image; NaN for a class with < 2 samples.
    """
    features, y = features.double().cpu(), y.cpu()
    out = torch.full((n_classes,), float("nan"), dtype=torch.float64)
    for k in range(n_classes):
        f = features[y == k].flatten(1)  # (n_k, d)
        if len(f) > 1:
            out[k] = torch.cdist(f, f).sum() / (len(f) * (len(f) - 1))
    return out


def intra_class_fid(
    f_real: Tensor, y_real: Tensor, f_fake: Tensor, y_fake: Tensor, n_classes: int
) -> Tensor:
    """Per class, the Fréchet distance between real and generated features of it.

    :func:`gantutor.metrics.frechet_distance_of` of :func:`gantutor.metrics.statistics`
    restricted to class k on both sides: it sees a class's diversity, which the
    accuracy does not. Use at least as many samples per class as feature
    dimensions (64 for mnist-cnn) or the statistics warn.
    """
    out = torch.empty(n_classes, dtype=torch.float64)
    for k in range(n_classes):
        s_real = metrics.statistics(f_real[y_real.cpu() == k])
        s_fake = metrics.statistics(f_fake[y_fake.cpu() == k])
        out[k] = metrics.frechet_distance_of(s_real, s_fake)
    return out


def confusion_matrix(pred: Tensor, y: Tensor, n_pred: int, n_true: int) -> Tensor:
    """Counts (n_pred, n_true): entry [c, k] = samples given c whose label is k."""
    pred, y = pred.long().cpu(), y.long().cpu()
    if pred.shape != y.shape or pred.dim() != 1:
        raise ValueError(f"pred and y must be (N,), got {pred.shape} and {y.shape}")
    if len(y) and not (0 <= pred.min() and pred.max() < n_pred):
        raise ValueError(f"pred must lie in [0, {n_pred - 1}]")
    if len(y) and not (0 <= y.min() and y.max() < n_true):
        raise ValueError(f"y must lie in [0, {n_true - 1}]")
    flat = torch.bincount(pred * n_true + y, minlength=n_pred * n_true)
    return flat.view(n_pred, n_true)


def hungarian_accuracy(confusion: Tensor) -> tuple[float, Tensor]:
    """Accuracy under the best one-to-one map from categories to classes.

    The map maximises the matched counts Σ_c confusion[c, π(c)] (Hungarian
    method, Kuhn 1955, by ``scipy.optimize.linear_sum_assignment``); accuracy is
    that sum over all samples. Returns it and π (n_pred,), −1 for a category
    left unmatched (more categories than classes). How InfoGAN's categories are
    scored against the digit labels (Chen et al. 2016, §7.1: 5 % error).
    """
    from scipy.optimize import linear_sum_assignment

    counts = confusion.cpu().double()
    rows, cols = linear_sum_assignment(counts.numpy(), maximize=True)
    mapping = torch.full((len(counts),), -1, dtype=torch.long)
    mapping[torch.as_tensor(rows)] = torch.as_tensor(cols)
    matched = counts[torch.as_tensor(rows), torch.as_tensor(cols)].sum()
    return float(matched / counts.sum()), mapping


def _ink(x: Tensor) -> Tensor:
    """Images (B, 1, H, W) in [-1, 1] -> ink amounts (B, H, W) in [0, 1]."""
    if x.dim() != 4 or x.shape[1] != 1:
        raise ValueError(f"expects grayscale images (B, 1, H, W), got {x.shape}")
    return ((x.float() + 1) / 2).clamp(0, 1)[:, 0]


def slant(x: Tensor) -> Tensor:
    """Slant of each image (B,): the normalised mixed moment μ₁₁ / μ₀₂.

    With u the column and v the height (upwards) of a pixel, and ink (x + 1)/2
    as weight, μ₁₁ = E[(u − ū)(v − v̄)] and μ₀₂ = E[(v − v̄)²]: the horizontal
    shift per unit of height of the least-squares axis, the shear that
    deskewing removes. 0 for an upright stroke, +1 for one leaning right at
    45°, negative leaning left; NaN for an image without ink.
    """
    m = _ink(x)  # (B, H, W)
    h, w = m.shape[1:]
    v = -torch.arange(h, dtype=m.dtype)[:, None].expand(h, w)  # up is positive
    u = torch.arange(w, dtype=m.dtype)[None, :].expand(h, w)
    mass = m.sum(dim=(1, 2))  # (B,)
    u_bar = (m * u).sum(dim=(1, 2)) / mass
    v_bar = (m * v).sum(dim=(1, 2)) / mass
    du, dv = u - u_bar[:, None, None], v - v_bar[:, None, None]  # (B, H, W)
    return (m * du * dv).sum(dim=(1, 2)) / (m * dv * dv).sum(dim=(1, 2))


def stroke_width(x: Tensor) -> Tensor:
    """Mean stroke width (pixels) of each image (B,): 2 · ink area / ink perimeter.

    Ink is x > 0; the perimeter counts the sides of ink pixels that touch
    background (4-neighbours, outside the image is background). A stroke of
    length L and width w has area L·w and perimeter 2(L + w), so the measure
    is L·w / (L + w) → w for long strokes. 0 for an empty image.
    """
    ink = (_ink(x) > 0.5).float()  # (B, H, W), x > 0
    padded = torch.nn.functional.pad(ink, (1, 1, 1, 1))  # (B, H+2, W+2)
    edges = (padded[:, 1:, :] != padded[:, :-1, :]).sum(dim=(1, 2)) + (
        padded[:, :, 1:] != padded[:, :, :-1]
    ).sum(dim=(1, 2))
    area = ink.sum(dim=(1, 2))
    return torch.where(edges > 0, 2 * area / edges.clamp_min(1), 0.0)
