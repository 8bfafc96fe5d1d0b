"""Seeds, device, the profile that decides how long chapters train, and the data folder.

This is the only module that reads ``GANTUTOR_*`` environment variables:
``GANTUTOR_PROFILE`` (below), ``GANTUTOR_DEVICE`` (:func:`device`),
``GANTUTOR_DATA`` (:func:`data_dir`) and ``GANTUTOR_OFFLINE`` (:func:`offline`).

The profile is the only global setting of the package:

========  ==========================================================
``smoke``  a few seconds per training run: CI on 2 CPU cores (≤ 60 s a chapter)
``cpu``    results worth looking at on a laptop (≤ 3 minutes a chapter)
``gpu``    the chapter's full result on a Colab-class GPU (≤ 3 minutes)
========  ==========================================================

When the variable is unset the profile is ``gpu`` if CUDA is available and
``cpu`` otherwise. Chapters choose their budgets with :func:`per_profile`, so no
chapter has ``if smoke:`` branches of its own.
"""

from __future__ import annotations

import contextlib
import os
import random
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

import numpy as np
import torch

from gantutor.version import __version__

PROFILES = ("smoke", "cpu", "gpu")
T = TypeVar("T")


def profile() -> str:
    """The active profile: ``GANTUTOR_PROFILE`` or the default for this machine."""
    name = os.environ.get("GANTUTOR_PROFILE", "").strip().lower()
    if not name:
        return "gpu" if torch.cuda.is_available() else "cpu"
    if name not in PROFILES:
        raise ValueError(
            f"GANTUTOR_PROFILE={name!r} is not a profile; "
            f"set it to one of {', '.join(PROFILES)} (or unset it)."
        )
    return name


def per_profile(*, smoke: T, cpu: T, gpu: T) -> T:
    """Pick the value for the active profile.

    >>> steps = per_profile(smoke=200, cpu=3_000, gpu=20_000)
    """
    return {"smoke": smoke, "cpu": cpu, "gpu": gpu}[profile()]


def device() -> torch.device:
    """``cuda`` when a GPU is available, else ``cpu``; ``GANTUTOR_DEVICE`` overrides."""
    name = os.environ.get("GANTUTOR_DEVICE", "").strip()
    if name:
        return torch.device(name)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def data_dir() -> Path:
    """Where data, weights and cached statistics are kept: ``GANTUTOR_DATA``.

    Defaults to ``~/.cache/gantutor``.
    """
    return Path(os.environ.get("GANTUTOR_DATA", Path.home() / ".cache" / "gantutor"))


def offline() -> bool:
    """``GANTUTOR_OFFLINE=1``: do not try downloads (datasets, FID weights)."""
    return os.environ.get("GANTUTOR_OFFLINE", "") not in ("", "0")


def seed(s: int) -> None:
    """Seed Python's, NumPy's and PyTorch's (CPU and CUDA) random generators."""
    if not isinstance(s, int) or s < 0:
        raise ValueError(f"seed must be a non-negative integer, got {s!r}")
    random.seed(s)
    np.random.seed(s)
    torch.manual_seed(s)


@contextlib.contextmanager
def tf32(on: bool) -> Iterator[None]:
    """TF32 for float32 matmuls and cuDNN convolutions inside the block, or strict fp32.

    Uses the ``fp32_precision`` settings of torch ≥ 2.9 ("tf32" or "ieee"), where the
    older ``allow_tf32`` flags are deprecated and warn, and those flags on older
    torch. The previous settings are restored on exit. Only CUDA reads them.
    """
    matmul, conv = torch.backends.cuda.matmul, torch.backends.cudnn
    if hasattr(matmul, "fp32_precision") and hasattr(conv, "conv"):
        conv = conv.conv
        saved = matmul.fp32_precision, conv.fp32_precision
        matmul.fp32_precision = conv.fp32_precision = "tf32" if on else "ieee"
        try:
            yield
        finally:
            matmul.fp32_precision, conv.fp32_precision = saved
        return
    saved = matmul.allow_tf32, conv.allow_tf32
    matmul.allow_tf32 = conv.allow_tf32 = on
    try:
        yield
    finally:
        matmul.allow_tf32, conv.allow_tf32 = saved


def build_info() -> dict[str, str]:
    """What the numbers of a run depend on: profile, device, versions, threads."""
    dev = device()
    where = torch.cuda.get_device_name(dev) if dev.type == "cuda" else "CPU"
    return {
        "profile": profile(),
        "device": f"{dev} ({where})",
        "torch": torch.__version__,
        "gantutor": __version__,
        "threads": str(torch.get_num_threads()),
    }


def setup(seed_value: int = 0) -> torch.device:
    """Seed everything, print the profile and device, and return the device.

    This is the first line of every chapter.
    """
    seed(seed_value)
    dev, info = device(), build_info()
    if info["profile"] == "gpu" and dev.type != "cuda":
        warnings.warn(
            "GANTUTOR_PROFILE=gpu but no CUDA device was found: the chapter will "
            "train its full budget on the CPU, which can take a long time. "
            "Set GANTUTOR_PROFILE=cpu for a shorter run.",
            stacklevel=2,
        )
    print(
        f"gantutor {info['gantutor']} · profile {info['profile']} · device "
        f"{info['device']} · torch {info['torch']} · seed {seed_value}"
    )
    return dev
