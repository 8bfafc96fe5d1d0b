"""Images to features: the first stage of every image metric, and FID end to end.

Every image pass names its pixel range (``"[-1,1]"``, ``"[0,1]"`` or ``"uint8"``)
and the images are checked against it: a wrong range is the most common FID bug.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Iterator

import torch
from torch import Tensor, nn
from tqdm.auto import tqdm

from gantutor.metrics import extractors
from gantutor.metrics.extractors import Extractor, extractor
from gantutor.metrics.frechet import Statistics, frechet_distance_of, statistics
from gantutor.metrics.precision import arithmetic as _arithmetic
from gantutor.metrics.precision import check_precision
from gantutor.metrics.precision import memory_format as _memory_format

PIXEL_RANGES = ("[-1,1]", "[0,1]", "uint8")
_TOL = 1e-3  # float round-off allowed outside the declared range


def _hint(lo: float, hi: float) -> str:
    if hi > 1.5:
        return "values above 1 look like 0..255: pass a torch.uint8 tensor as 'uint8'"
    if lo < -_TOL:
        return "negative values look like a tanh output: pass pixel_range='[-1,1]'"
    return "check how the images were scaled"


def to_model_range(x: Tensor, pixel_range: str) -> Tensor:
    """Check that images fit ``pixel_range``; return them as floats in [-1, 1]."""
    if pixel_range not in PIXEL_RANGES:
        raise ValueError(
            f"pixel_range must be one of {PIXEL_RANGES}, got {pixel_range!r}"
        )
    if pixel_range == "uint8":
        if x.dtype != torch.uint8:
            raise ValueError(
                f"pixel_range='uint8' expects a torch.uint8 tensor, got {x.dtype}; "
                f"for float images pass pixel_range='[0,1]' or '[-1,1]'"
            )
        return x.float() / 127.5 - 1  # (B, C, H, W)
    if not x.is_floating_point():
        raise ValueError(
            f"pixel_range={pixel_range!r} expects float images, got {x.dtype}; "
            f"for 0..255 integers pass a torch.uint8 tensor with pixel_range='uint8'"
        )
    lo, hi = (float(v) for v in torch.aminmax(x))
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError("the images contain NaN or infinite values")
    low = -1.0 if pixel_range == "[-1,1]" else 0.0
    if lo < low - _TOL or hi > 1 + _TOL:
        raise ValueError(
            f"pixel_range={pixel_range!r} but the images have values in "
            f"[{lo:.4g}, {hi:.4g}]; {_hint(lo, hi)}"
        )
    if pixel_range == "[-1,1]" and lo >= 0:
        warnings.warn(
            "pixel_range='[-1,1]' but no pixel is negative: if these images are "
            "in [0, 1], pass pixel_range='[0,1]' (a wrong range inflates FID)",
            stacklevel=3,
        )
    x = x.float().clamp(low, 1.0)
    return x if low == -1.0 else 2 * x - 1


def iter_features(
    x: Tensor | Iterable[Tensor],
    extractor: str | Extractor,
    pixel_range: str,
    batch_size: int = 100,
    device: torch.device | str | None = None,
    logits: bool = False,
    progress: bool = True,
    precision: str | None = None,
) -> Iterator[Tensor]:
    """Features (or logits) of images, one batch at a time, on the model's device.

    ``x`` is a tensor (N, C, H, W), split into batches of ``batch_size``, or an
    iterable of batches (a ``DataLoader``'s ``(x, y)`` pairs are fine).
    ``precision``: ``"fp32"``, ``"tf32"`` or ``"bf16"`` (:mod:`.precision`);
    by default the fastest one measured to shift FID by at most 0.1 %. Features
    come back in float32 whatever the arithmetic.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be ≥ 1, got {batch_size}")
    ex = extractors.extractor(extractor, device)
    dev = next(ex.parameters()).device
    precision = check_precision(precision, dev)
    total = len(x) if isinstance(x, Tensor) else None
    batches = x.split(batch_size) if isinstance(x, Tensor) else x
    bar = tqdm(total=total, disable=not progress, desc=ex.name, unit="img")
    with bar, _memory_format(ex, precision, dev) as layout:
        for batch in batches:
            batch = batch[0] if isinstance(batch, (tuple, list)) else batch
            batch = to_model_range(batch.to(dev), pixel_range)
            batch = batch.contiguous(memory_format=layout)
            # no_grad and the arithmetic are not held across the yield: the
            # caller's code between batches keeps its own settings
            with torch.no_grad(), _arithmetic(precision, dev):
                f = ex(batch)  # (B, dim)
                f = ex.logits(f) if logits else f
            bar.update(len(batch))
            yield f.float()


def features(
    x: Tensor | Iterable[Tensor],
    extractor: str | Extractor,
    pixel_range: str,
    batch_size: int = 100,
    device: torch.device | str | None = None,
    logits: bool = False,
    progress: bool = True,
    precision: str | None = None,
) -> Tensor:
    """Features (N, dim), or logits (N, n_classes), of images, on the CPU."""
    passes = iter_features(
        x, extractor, pixel_range, batch_size, device, logits, progress, precision
    )
    return torch.cat([f.cpu() for f in passes])


def _samples(
    G: nn.Module, n: int, batch_size: int, latent_dim: int, device, seed: int | None
) -> Iterator[Tensor]:
    gen = None if seed is None else torch.Generator(device).manual_seed(seed)
    for start in range(0, n, batch_size):
        z = torch.randn(
            min(batch_size, n - start), latent_dim, device=device, generator=gen
        )
        with torch.no_grad():
            x_fake = G(z)  # (B, C, H, W), stays on the device
        yield x_fake


def features_of_generator(
    G: nn.Module,
    n: int,
    batch_size: int,
    latent_dim: int,
    device: torch.device | str,
    extractor: str | Extractor = "inception",
    pixel_range: str = "[-1,1]",
    logits: bool = False,
    seed: int | None = None,
    progress: bool = True,
    precision: str | None = None,
) -> Tensor:
    """Features (n, dim) of ``n`` samples G(z), z ~ N(0, I), drawn on ``device``.

    Images are made, featurised and dropped batch by batch on the device; only
    the features come back to the host. ``G`` runs in the mode it is in (call
    ``G.eval()`` first to use BatchNorm's running statistics).
    """
    if n < 1 or batch_size < 1:
        raise ValueError(f"n and batch_size must be ≥ 1, got {n} and {batch_size}")
    x_fake = _samples(G, n, batch_size, latent_dim, device, seed)
    passes = iter_features(
        x_fake, extractor, pixel_range, batch_size, device, logits, progress, precision
    )
    return torch.cat([f.cpu() for f in passes])


def fid(
    x_real: Tensor | Iterable[Tensor] | Statistics,
    x_fake: Tensor | Iterable[Tensor] | Statistics,
    *,
    features: str | Extractor,
    pixel_range: str,
    batch_size: int = 100,
    device: torch.device | str | None = None,
    progress: bool = True,
    precision: str | None = None,
) -> float:
    """Fréchet distance between the ``features`` statistics of two image sets.

    With ``features="inception"`` this is FID (Heusel et al. 2017,
    arXiv:1706.08500); with any other extractor it is "FID (<name>)", a different
    number. Either set may be given as precomputed :class:`Statistics` (e.g. from
    :mod:`gantutor.metrics.cache`). Statistics are accumulated batch by batch.
    """
    ex = extractor(features, device)

    def stats(x) -> Statistics:
        if isinstance(x, Statistics):
            return x
        passes = iter_features(
            x,
            ex,
            pixel_range,
            batch_size,
            device,
            progress=progress,
            precision=precision,
        )
        return statistics(passes, ex.name)

    s_real, s_fake = stats(x_real), stats(x_fake)
    for s in (s_real, s_fake):
        if s.extractor != ex.name:
            raise ValueError(
                f"statistics of {s.extractor or 'unknown'!r} features given to "
                f"fid(features={ex.name!r})"
            )
    return frechet_distance_of(s_real, s_fake)
