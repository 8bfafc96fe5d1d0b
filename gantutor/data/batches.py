"""Batches for step-based training: endless, shuffled, of static shape.

A batch is a tensor or a tuple of tensors: ``x`` for unlabelled data, ``(x, y)``
for labelled data (:class:`TensorBatches` of a tuple), ``(a, b)`` for two
unpaired domains (:class:`UnpairedBatches`). The trainer moves every part to the
device and the step unpacks it.

A step that consumes several batches at once (WGAN's ``n_critic`` critic updates)
says so with ``step.batches_per_step = n``; the trainer then hands it
``draw(batches, n)``, the next ``n`` batches concatenated part by part.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import torch
from torch import Tensor

from gantutor.data.toy import Mixture

Batch = Tensor | tuple[Tensor, ...]


def parts(batch: Batch | list[Tensor]) -> tuple[Tensor, ...]:
    """The tensors of a batch: ``(x,)`` for a tensor, the parts of a tuple."""
    if isinstance(batch, Tensor):
        return (batch,)
    if isinstance(batch, (tuple, list)) and batch:
        if all(isinstance(part, Tensor) for part in batch):
            return tuple(batch)
    raise TypeError(f"a batch is a tensor or a tuple of tensors, got {_kind(batch)}")


def _kind(batch: object) -> str:
    if not isinstance(batch, (tuple, list)):
        return type(batch).__name__
    inside = ", ".join(type(part).__name__ for part in batch) or "nothing"
    return f"a {type(batch).__name__} of {inside}"


def like(batch: Batch | list[Tensor], new_parts: Sequence[Tensor]) -> Batch:
    """``new_parts`` shaped as ``batch``: one tensor, or a tuple of them."""
    return new_parts[0] if isinstance(batch, Tensor) else tuple(new_parts)


def draw(batches: Iterator, n: int = 1) -> Batch:
    """The next ``n`` batches of an endless source as one, part by part concatenated.

    The sources of this module draw them together (their ``draw(n)``): one batch
    of n × B, the random stream of the same source with batch size n × B. Other
    iterators (a ``DataLoader`` through :func:`forever`) are called ``n`` times.
    """
    if n < 1:
        raise ValueError(f"draw takes n >= 1 batches, got {n}")
    if n == 1:
        return next(batches)
    if hasattr(batches, "draw"):
        return batches.draw(n)
    drawn = [next(batches) for _ in range(n)]
    columns = zip(*map(parts, drawn), strict=True)  # part by part
    return like(drawn[0], [torch.cat(column) for column in columns])


def _checked(data: Batch, name: str) -> tuple[Tensor, ...]:
    """The parts of ``data``: tensors with one first dimension of equal length."""
    if isinstance(data, tuple) and not data:
        raise ValueError(f"{name} got an empty tuple: there is nothing to train on")
    if not isinstance(data, (Tensor, tuple)):
        raise TypeError(
            f"{name} takes a tensor or a tuple of tensors, got {_kind(data)}"
        )
    for i, part in enumerate(parts(data)):
        if part.dim() == 0:
            raise ValueError(f"{name}: part {i} is 0-d; it needs a sample dimension")
        if len(part) == 0:
            raise ValueError(
                f"{name} got an empty tensor (part {i}): there is nothing to train on"
            )
    lengths = [len(part) for part in parts(data)]
    if len(set(lengths)) > 1:
        raise ValueError(
            f"{name}: the parts must hold the same number of samples, got {lengths}"
        )
    return parts(data)


class TensorBatches:
    """Shuffled batches of a tensor or a tuple of tensors, forever.

    ``TensorBatches(x, B)`` yields ``x[idx]``; ``TensorBatches((x, y), B)`` yields
    ``(x[idx], y[idx])``, the same indices for every part. One epoch follows
    another; the data stay on their device and every batch has the same shape (the
    last incomplete batch of an epoch is dropped), so a training step sees static
    shapes. The shuffle uses PyTorch's global generator, one ``randperm`` per
    epoch whatever the number of parts; ``state_dict`` makes a resumed run draw
    the same batches as an uninterrupted one.
    """

    def __init__(
        self, data: Batch, batch_size: int, device: torch.device | str = "cpu"
    ):
        self.data = tuple(part.to(device) for part in _checked(data, "TensorBatches"))
        self.is_tuple = isinstance(data, tuple)
        self.n = len(self.data[0])
        if not 1 <= batch_size <= self.n:
            raise ValueError(
                f"batch_size must be between 1 and the number of samples ({self.n}), "
                f"got {batch_size}"
            )
        self.batch_size = batch_size
        self.order = torch.randperm(self.n, device=self.data[0].device)
        self.position = 0

    def __iter__(self) -> Iterator[Batch]:
        return self

    def __next__(self) -> Batch:
        return self.draw(1)

    def draw(self, n: int = 1) -> Batch:
        """``n`` batches from one epoch as one: the next n × B shuffled samples."""
        size = n * self.batch_size
        if size > self.n:
            raise ValueError(
                f"{n} batches of {self.batch_size} need {size} samples in an "
                f"epoch; the data hold {self.n}"
            )
        if self.position + size > self.n:  # a new epoch
            self.order = torch.randperm(self.n, device=self.order.device)
            self.position = 0
        idx = self.order[self.position : self.position + size]  # (n·B,)
        self.position += size
        picked = tuple(part[idx] for part in self.data)  # (n·B, ...) each
        return picked if self.is_tuple else picked[0]

    def state_dict(self) -> dict:
        return {"order": self.order.cpu(), "position": self.position}

    def load_state_dict(self, state: dict) -> None:
        self.order = state["order"].to(self.data[0].device)
        self.position = int(state["position"])


class UnpairedBatches:
    """Batches ``(a, b)`` of two domains, each shuffled on its own, forever.

    For unpaired translation (CycleGAN): ``a[i]`` and ``b[i]`` of a batch are not
    pairs. Each domain has its own permutation and its own epochs (the domains may
    differ in size); the permutation of ``a`` is drawn first.
    """

    def __init__(
        self, a: Tensor, b: Tensor, batch_size: int, device: torch.device | str = "cpu"
    ):
        for name, domain in (("a", a), ("b", b)):
            if not isinstance(domain, Tensor):
                raise TypeError(f"UnpairedBatches: {name} must be a tensor")
            _checked(domain, f"UnpairedBatches ({name})")
        self.a = TensorBatches(a, batch_size, device)
        self.b = TensorBatches(b, batch_size, device)

    def __iter__(self) -> Iterator[tuple[Tensor, Tensor]]:
        return self

    def __next__(self) -> tuple[Tensor, Tensor]:
        return self.draw(1)

    def draw(self, n: int = 1) -> tuple[Tensor, Tensor]:
        """``n`` batches of each domain as one: (n × B, ...) each."""
        return self.a.draw(n), self.b.draw(n)

    def state_dict(self) -> dict:
        return {"a": self.a.state_dict(), "b": self.b.state_dict()}

    def load_state_dict(self, state: dict) -> None:
        self.a.load_state_dict(state["a"])
        self.b.load_state_dict(state["b"])


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
        return self.draw(1)

    def draw(self, n: int = 1) -> Tensor:
        """``n`` batches as one: n × B samples, shape (n·B, 2)."""
        return self.dist.sample(n * self.batch_size, self.device)


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
