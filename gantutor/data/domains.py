"""Two-domain data with an answer key: grey ↔ coloured MNIST, and 2-D mode sets.

**Coloured MNIST** is built the way MNIST-M was (Ganin & Lempitsky 2015,
arXiv:1409.7495, §5): each digit is blended onto a 28 × 28 colour patch cut at a
random place from one of the two photos that ship with scikit-learn
(``sklearn.datasets.load_sample_images``). With digit d and patch p in [0, 1],
channel by channel,

    out = |p − d|

(the patch where the digit is black, its negative where the digit is white),
then mapped to [-1, 1]. Every coloured image keeps its key (the index of its
source digit, the photo, the patch corner), so :func:`rebuild` recreates it and
the true translation of each held-out image is known: the answer key that the
models never see. Domain A is grey MNIST with **one channel**, (N, 1, 28, 28);
domain B is (N, 3, 28, 28); both in [-1, 1].

**2-D domains** are mixtures of 8 Gaussians (:mod:`gantutor.data.toy`) whose
samples come with their mode index, so a map's mode-to-mode assignment can be
counted (:func:`mode_map`): a ring in A, a line in B.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

from gantutor.data.images import mnist
from gantutor.data.toy import Mixture, ring

PATCH = 28  # the side of a patch and of a digit


@functools.cache
def photos() -> Tensor:
    """scikit-learn's two sample photos, (2, 3, 427, 640) float32 in [0, 1]."""
    from sklearn.datasets import load_sample_images

    images = np.stack(load_sample_images().images)  # (2, 427, 640, 3) uint8
    return torch.from_numpy(images).permute(0, 3, 1, 2).float().div(255.0)


@dataclass(frozen=True)
class ColouredDigits:
    """Coloured digits in [-1, 1] and, per image, the key that made it."""

    x: Tensor  # (N, 3, 28, 28)
    source: Tensor  # (N,) index of the grey digit it was made from
    photo: Tensor  # (N,) which of the photos the patch was cut from
    top: Tensor  # (N,) the patch's top row in the photo
    left: Tensor  # (N,) the patch's left column

    def __len__(self) -> int:
        return len(self.x)


def rebuild(digits: Tensor, photo: Tensor, top: Tensor, left: Tensor) -> Tensor:
    """Coloured digits from grey ones and their patches: 2 |p − d| − 1, (N, 3, 28, 28).

    ``digits`` (N, 1, 28, 28) in [-1, 1]; the patch of image i is
    ``photos()[photo[i], :, top[i]:top[i]+28, left[i]:left[i]+28]``.
    """
    if digits.dim() != 4 or tuple(digits.shape[1:]) != (1, PATCH, PATCH):
        raise ValueError(f"digits must be (N, 1, 28, 28), got {tuple(digits.shape)}")
    rows = top[:, None] + torch.arange(PATCH)  # (N, 28)
    cols = left[:, None] + torch.arange(PATCH)  # (N, 28)
    patch = photos()[  # (N, 28, 28, 3): no copy of the whole photos per image
        photo[:, None, None], :, rows[:, :, None], cols[:, None, :]
    ].permute(0, 3, 1, 2)  # (N, 3, 28, 28) in [0, 1]
    d = (digits + 1) / 2  # (N, 1, 28, 28) in [0, 1]
    return (patch - d).abs() * 2 - 1  # (N, 3, 28, 28) in [-1, 1]


def colour_digits(digits: Tensor, seed: int) -> ColouredDigits:
    """Each digit of ``digits`` (N, 1, 28, 28) blended onto a random photo patch.

    The patches are drawn with a generator seeded by ``seed`` (the global random
    state is untouched), so the result is a function of the digits and the seed.
    ``source`` is ``arange(N)``: the index into ``digits``.
    """
    g = torch.Generator().manual_seed(seed)
    n, (_, _, height, width) = len(digits), photos().shape
    photo = torch.randint(len(photos()), (n,), generator=g)
    top = torch.randint(height - PATCH + 1, (n,), generator=g)
    left = torch.randint(width - PATCH + 1, (n,), generator=g)
    x = rebuild(digits, photo, top, left)
    return ColouredDigits(x, torch.arange(n), photo, top, left)


@dataclass(frozen=True)
class DigitDomains:
    """Grey digits (domain A) and coloured digits (domain B) of one split.

    ``digits`` and ``labels`` are the split's MNIST; ``a = digits[a_source]`` and
    ``b.source`` indexes ``digits`` too, so ``digits[b.source[i]]`` is the true A
    counterpart of ``b.x[i]`` (the answer key).
    """

    a: Tensor  # (Na, 1, 28, 28)
    a_source: Tensor  # (Na,)
    b: ColouredDigits  # (Nb, 3, 28, 28) with its key
    digits: Tensor  # (N, 1, 28, 28)
    labels: Tensor  # (N,)


def unpaired_digits(
    split: str = "train", seed: int = 0, n: int | None = None
) -> DigitDomains:
    """Grey and coloured digits of MNIST's ``split`` (its first ``n`` digits).

    ``"train"``: the digits are shuffled with ``seed`` and halved; A holds one
    half in grey, B the other half coloured, so no digit is in both (unpaired).
    ``"test"``: A holds every digit and B every digit coloured, in the same order,
    so ``a[i]`` is the true counterpart of ``b.x[i]``: the held-out answer key.
    """
    images = mnist(split, n=n)
    digits, labels = images.x, images.y
    if split == "train":
        order = torch.randperm(
            len(digits), generator=torch.Generator().manual_seed(seed)
        )
        a_source, b_source = order[: len(order) // 2], order[len(order) // 2 :]
    else:
        a_source = b_source = torch.arange(len(digits))
    coloured = colour_digits(digits[b_source], seed)
    b = ColouredDigits(
        coloured.x, b_source, coloured.photo, coloured.top, coloured.left
    )
    return DigitDomains(digits[a_source], a_source, b, digits, labels)


def line(n_modes: int = 8, length: float = 4.0, std: float = 0.05) -> Mixture:
    """``n_modes`` Gaussians evenly spaced on the horizontal segment [−L/2, L/2]."""
    xs = torch.linspace(-length / 2, length / 2, n_modes)
    centres = torch.stack([xs, torch.zeros(n_modes)], dim=1)  # (K, 2)
    return Mixture(f"line{n_modes}", centres, std)


def toy_domains(n_modes: int = 8, std: float = 0.05) -> tuple[Mixture, Mixture]:
    """Domain A, a ring of ``n_modes`` (radius 2), and domain B, a line of them."""
    return ring(n_modes, radius=2.0, std=std), line(n_modes, std=std)


def sample_modes(
    mix: Mixture, n: int, generator: torch.Generator | None = None
) -> tuple[Tensor, Tensor]:
    """``n`` points (n, 2) of ``mix`` and the mode each came from (n,)."""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    k = torch.randint(len(mix.centres), (n,), generator=generator)
    noise = torch.randn(n, 2, generator=generator)
    return mix.centres[k] + mix.std * noise, k


def nearest_mode(mix: Mixture, x: Tensor) -> Tensor:
    """The index of the centre of ``mix`` nearest to each point of ``x`` (n, 2)."""
    return torch.cdist(x.detach().float().cpu(), mix.centres).argmin(dim=1)  # (n,)


def mode_map(k_from: Tensor, k_to: Tensor, n_from: int, n_to: int) -> Tensor:
    """Counts (n_from, n_to): how many samples of mode i landed on mode j.

    A map that keeps the modes apart has one large count per row in distinct
    columns; a collapsed one sends several rows to the same column.
    """
    counts = torch.zeros(n_from * n_to, dtype=torch.long)
    counts.index_add_(
        0, k_from.cpu() * n_to + k_to.cpu(), torch.ones_like(k_from.cpu())
    )
    return counts.view(n_from, n_to)
