"""Batches for step-based training: endless, shuffled, of static shape.

A batch is a tensor or a tuple of tensors: ``x`` for unlabelled data, ``(x, y)``
for labelled data, ``(a, b)`` for two domains. The trainer moves every part to
the device and the step unpacks it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import torch
from torch import Tensor

from gantutor.data.toy import Mixture


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
