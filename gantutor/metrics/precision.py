"""The arithmetic a feature extractor runs in: ``"fp32"``, ``"tf32"`` or ``"bf16"``.

* ``"fp32"``: strict float32 (TF32 off for convolutions and matmuls);
* ``"tf32"``: TF32 tensor cores for convolutions and matmuls (CUDA; on the CPU
  the same as fp32). cuDNN convolutions already default to TF32 in PyTorch;
* ``"bf16"``: bf16 autocast, and channels_last memory on CUDA.

The default is the fastest setting whose FID shift against strict fp32 was
measured at no more than 0.1 %: ``"tf32"`` on CUDA, ``"fp32"`` elsewhere.
Measured with ``benchmarks/fid.py --end-to-end`` on an H200 (torch 2.11):

========  ====================  ===================  ==================
setting   Inception-v3, 50,000  shift, Inception †   shift, mnist-cnn
========  ====================  ===================  ==================
fp32      22.1 s                —                    —
tf32      10.4 s                0.01 %               0.02 %
bf16      7.4 s                 0.07 %               0.61 %
========  ====================  ===================  ==================

† random weights with re-estimated BatchNorm statistics (the FID weights
cannot be downloaded offline), so a proxy; mnist-cnn has real weights (4,000
training digits against 1,000 test digits). bf16 moves FID (mnist-cnn) by
0.61 %, so it is not the default; ask for it where speed matters more.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch
from torch import nn

from gantutor import runtime

PRECISIONS = ("fp32", "tf32", "bf16")


def default_precision(device: torch.device | str) -> str:
    """The extractor precision used when none is given (see the module)."""
    return "tf32" if torch.device(device).type == "cuda" else "fp32"


def check_precision(precision: str | None, device: torch.device | str) -> str:
    """``precision``, or the default for ``device``; a clear error if unknown."""
    if precision is None:
        return default_precision(device)
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}, got {precision!r}")
    return precision


@contextlib.contextmanager
def arithmetic(precision: str, device: torch.device | str) -> Iterator[None]:
    """TF32 flags and autocast for one forward pass; the caller's flags restored.

    Entered per batch, never across a ``yield``: the caller's own code between
    batches (a generator making the next images) keeps its settings.
    """
    device = torch.device(device)
    bf16 = precision == "bf16"
    with runtime.tf32(precision == "tf32"), torch.autocast(
        device.type, torch.bfloat16, enabled=bf16
    ):
        yield


@contextlib.contextmanager
def memory_format(model: nn.Module, precision: str, device: torch.device | str):
    """channels_last for the model under bf16 on CUDA; contiguous again afterwards.

    Yields the memory format the batches should be given.
    """
    if precision != "bf16" or torch.device(device).type != "cuda":
        yield torch.contiguous_format
        return
    model.to(memory_format=torch.channels_last)
    try:
        yield torch.channels_last
    finally:
        model.to(memory_format=torch.contiguous_format)
