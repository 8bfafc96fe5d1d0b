"""The GPU path of the :class:`~gantutor.train.Trainer`: every switch off-able.

On a CUDA device the trainer uses, unless told otherwise (:class:`Accel`):

* bf16 autocast around the step (the penalties switch it off for themselves and
  their double backward: :mod:`gantutor.penalties`);
* TF32 matmuls and convolutions, and cuDNN's autotuner (static shapes);
* channels_last memory for every module with 2-d convolutions, and for the batch;
* fused Adam/AdamW kernels (one launch per step instead of one per tensor);
* the whole training step, D and G updates together, captured once as a CUDA
  graph and replayed: one launch per step instead of hundreds. A step opts in
  with ``step.graph_safe = True`` (static shapes, no Python-side state that
  changes between calls, no host synchronisation; :func:`gantutor.steps.gan_step`
  is one). The graph bakes in the learning rates: when an optimiser's
  hyperparameters, the modules' train/eval mode or the batch shape change, the
  step is captured again; if capture fails, the trainer says why and runs eagerly
  (:mod:`gantutor.train.cuda_graph` runs the step).

On the CPU all switches are off by default; asked for there, the CUDA-only ones
(TF32, cuDNN, CUDA graph) fall back to eager with a printed reason.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, replace

import torch
from torch import Tensor, nn

from gantutor import runtime

FLAGS = ("fused", "capturable", "foreach")  # an optimiser's run-time switches


@dataclass(frozen=True)
class Accel:
    """Which GPU optimisations the trainer uses; :meth:`for_device` picks them."""

    autocast: bool = False  # bf16 autocast around the step
    tf32: bool = False  # TF32 matmuls and convolutions (CUDA)
    channels_last: bool = False  # NHWC memory for conv nets and 4-d batches
    fused: bool = False  # fused Adam/AdamW kernels
    cuda_graph: bool = False  # capture the whole step as one CUDA graph
    cudnn_benchmark: bool = False  # let cuDNN time its algorithms (static shapes)
    warmup: int = 3  # eager steps before capture (lazy initialisation)

    @classmethod
    def for_device(cls, device: torch.device | str) -> Accel:
        """All on for CUDA, all off elsewhere.

        bf16 and channels_last only where the GPU computes in bf16 natively: compute
        capability 8.0 (Ampere) or later. ``torch.cuda.is_bf16_supported()`` also
        says yes on older GPUs that only emulate bf16 (a Colab T4, 7.5), where
        autocast would be slow; they train in fp32. channels_last pays off with
        tensor-core dtypes, not with fp32 on older GPUs.
        """
        device = torch.device(device)
        if device.type != "cuda":
            return cls()
        bf16 = native_bf16(device)
        on = dict(tf32=True, fused=True, cuda_graph=True, cudnn_benchmark=True)
        return cls(autocast=bf16, channels_last=bf16, **on)

    def resolve(self, device: torch.device | str) -> tuple[Accel, list[str]]:
        """What ``device`` can do of what is asked, and why the rest is off."""
        if self.warmup < 1:
            raise ValueError(f"warmup must be at least 1 step, got {self.warmup}")
        if torch.device(device).type == "cuda":
            return self, []
        off, why = {}, []
        for name in ("tf32", "cudnn_benchmark", "cuda_graph"):
            if getattr(self, name):
                off[name] = False
                why.append(f"{name} off: it needs a CUDA device, not {device}")
        if self.fused and not fused_supported(torch.device(device)):
            off["fused"] = False
            why.append(f"fused off: torch has no fused Adam kernel for {device}")
        return replace(self, **off), why


def native_bf16(device: torch.device) -> bool:
    """Whether the CUDA ``device`` has bf16 arithmetic in hardware (capability 8.0+)."""
    return torch.cuda.get_device_capability(device) >= (8, 0)


def fused_supported(device: torch.device) -> bool:
    """Whether this torch has fused optimiser kernels for ``device``."""
    try:
        from torch.utils._foreach_utils import _get_fused_kernels_supported_devices

        return device.type in _get_fused_kernels_supported_devices()
    except ImportError:  # a torch without the helper: CUDA only
        return device.type == "cuda"


@contextlib.contextmanager
def precision(accel: Accel) -> Iterator[None]:
    """Set TF32 and cuDNN autotuning for a block; restore the previous flags."""
    saved = torch.backends.cudnn.benchmark
    if accel.cudnn_benchmark:
        torch.backends.cudnn.benchmark = True
    try:
        if accel.tf32:
            with runtime.tf32(True):
                yield
        else:
            yield
    finally:
        torch.backends.cudnn.benchmark = saved


# -- memory format -------------------------------------------------------------


def has_conv(module: nn.Module) -> bool:
    """Whether ``module`` holds a 2-d (transposed) convolution."""
    return any(isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)) for m in module.modules())


def set_memory_format(
    modules: dict[str, nn.Module],
    optimizers: dict[str, torch.optim.Optimizer],
    memory_format: torch.memory_format,
) -> list[str]:
    """Convert conv modules in place (and their optimiser state); return their names.

    Parameters keep their identity (``param.data`` is replaced), so optimisers
    keep working; state tensors shaped like a parameter take its strides, as the
    optimiser would have made them.
    """
    names = [name for name, m in modules.items() if has_conv(m)]
    for name in names:
        modules[name].to(memory_format=memory_format)
    for opt in optimizers.values():
        for p, state in opt.state.items():
            for key, value in state.items():
                if (
                    isinstance(value, Tensor)
                    and value.shape == p.shape
                    and value.stride() != p.stride()
                ):
                    state[key] = torch.empty_like(p).copy_(value)
    return names


# -- optimisers ----------------------------------------------------------------


def flags_of(opt: torch.optim.Optimizer) -> list[dict]:
    """The run-time switches of each param group (to restore them later)."""
    return [{k: g[k] for k in FLAGS if k in g} for g in opt.param_groups]


def set_flags(opt: torch.optim.Optimizer, flags: list[dict]) -> None:
    """Set each param group's switches and move ``step`` counters where they belong.

    Adam keeps ``state["step"]`` on the CPU unless ``fused`` or ``capturable``,
    then as float32 on the parameter's device (``torch.optim.Adam._init_group``).
    """
    for group, new in zip(opt.param_groups, flags, strict=True):
        group.update(new)
        on_device = bool(group.get("fused")) or bool(group.get("capturable"))
        for p in group["params"]:
            step = opt.state.get(p, {}).get("step")
            if isinstance(step, Tensor):
                opt.state[p]["step"] = (
                    step.to(p.device, torch.float32) if on_device else step.cpu()
                )


def upgrade_optimizer(
    opt: torch.optim.Optimizer, fused: bool, capturable: bool
) -> list[str]:
    """Switch an optimiser to fused and/or capturable kernels; return why not.

    Only the switches change: learning rates, betas and state are kept, so a
    chapter's optimiser can be upgraded before (or after) its first step.
    Fused kernels: Adam and AdamW with floating-point parameters on a device that
    has them. Capturable: any optimiser whose param groups have the switch.
    """
    why, flags = [], flags_of(opt)
    if fused:
        params = [p for g in opt.param_groups for p in g["params"]]
        if not isinstance(opt, (torch.optim.Adam, torch.optim.AdamW)):
            why.append(f"fused off for {type(opt).__name__}: Adam and AdamW only")
        elif any(g.get("differentiable") for g in opt.param_groups):
            why.append("fused off: the optimiser is differentiable")
        elif not all(
            p.is_floating_point() and fused_supported(p.device) for p in params
        ):
            why.append("fused off: parameters not floating point on a fused device")
        else:
            for f in flags:
                f.update(fused=True, foreach=False)
    if capturable:
        if not all("capturable" in g for g in opt.param_groups):
            why.append(f"capturable off: {type(opt).__name__} has no such switch")
        else:
            for f in flags:
                f["capturable"] = True
    set_flags(opt, flags)
    return why
