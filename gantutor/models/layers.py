"""Building blocks and argument checks shared by the model classes."""

from __future__ import annotations

import torch
from torch import Tensor, nn


def device_of(module: nn.Module) -> torch.device:
    """The device of ``module``'s parameters (the CPU for a module without any)."""
    return next(iter(module.parameters()), torch.empty(0)).device


def positive(name: str, value: int) -> None:
    """Raise a ``ValueError`` naming ``name`` unless ``value`` is an integer ≥ 1."""
    if not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")


def as_shape(shape: int | tuple[int, ...]) -> tuple[int, ...]:
    """A data shape as a tuple of positive integers (an int is a 1-D shape)."""
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    for s in shape:
        positive("each dimension of the data shape", s)
    return shape


def check_input(x: Tensor, shape: tuple[int, ...], who: str) -> None:
    """Raise a ``ValueError`` unless ``x`` is a batch of samples of ``shape``."""
    if tuple(x.shape[1:]) != shape:
        raise ValueError(
            f"{who} expects inputs of shape (B, {', '.join(map(str, shape))}); "
            f"got {tuple(x.shape)}. Resize the data or build the model for this shape."
        )


def mlp(sizes: list[int]) -> nn.Sequential:
    """Linear layers of ``sizes`` with LeakyReLU(0.2) between them (none at the end)."""
    layers: list[nn.Module] = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(nn.Linear(n_in, n_out))
        if i < len(sizes) - 2:
            layers.append(nn.LeakyReLU(0.2))
    return nn.Sequential(*layers)


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
