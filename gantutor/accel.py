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
  step is captured again; if capture fails, the trainer says why and runs eagerly.

On the CPU all switches are off by default; asked for there, the CUDA-only ones
(TF32, cuDNN, CUDA graph) fall back to eager with a printed reason.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import torch
from torch import Tensor, nn

Step = Callable[[Tensor], dict[str, Tensor]]
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

        bf16 and channels_last only where the GPU has bf16 (Ampere and later):
        channels_last pays off with tensor-core dtypes, not with fp32 on older GPUs.
        """
        if torch.device(device).type != "cuda":
            return cls()
        bf16 = torch.cuda.is_bf16_supported()
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
    saved = (
        torch.backends.cuda.matmul.allow_tf32,
        torch.backends.cudnn.allow_tf32,
        torch.backends.cudnn.benchmark,
    )
    if accel.tf32:
        torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = True
    if accel.cudnn_benchmark:
        torch.backends.cudnn.benchmark = True
    try:
        yield
    finally:
        (
            torch.backends.cuda.matmul.allow_tf32,
            torch.backends.cudnn.allow_tf32,
            torch.backends.cudnn.benchmark,
        ) = saved


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


# -- the step --------------------------------------------------------------------


def _release_cuda_rng(device: torch.device) -> None:
    """Give the CUDA generator a fresh state after a capture that failed.

    A capture that fails inside ``capture_end`` leaves the generator in capture
    mode (seen on an H200 with torch 2.11: the next eager ``randn`` raised "Offset
    increment outside graph capture"). A clone of its state (same seed and
    offset) is not capturing.
    """
    generator = torch.cuda.default_generators[device.index or 0]
    try:
        generator.graphsafe_set_state(generator.clone_state())
    except (AttributeError, RuntimeError) as error:
        print(f"accel: could not reset the CUDA generator ({error})")


class StepRunner:
    """Call ``step`` with the switches of ``accel``: eagerly, or as a CUDA graph."""

    def __init__(
        self,
        step: Step,
        modules: dict[str, nn.Module],
        optimizers: dict[str, torch.optim.Optimizer],
        accel: Accel,
        device: torch.device,
    ):
        self.step, self.modules, self.optimizers = step, modules, optimizers
        self.accel, self.device = accel, device
        self.conv_nets = accel.channels_last and any(map(has_conv, modules.values()))
        self.use_graph = accel.cuda_graph and device.type == "cuda"
        if self.use_graph and not getattr(step, "graph_safe", False):
            self.use_graph = False
            print(
                "accel: cuda_graph off: the step is not marked graph-safe (set "
                "step.graph_safe = True if it has static shapes, no host syncs "
                "and no Python state that changes between calls)"
            )
        self.calls, self.captures, self.warm = 0, 0, 0
        self.graph: torch.cuda.CUDAGraph | None = None
        self.stream = torch.cuda.Stream(device) if self.use_graph else None

    def __call__(self, batch: Tensor) -> dict[str, Tensor]:
        self.calls += 1
        if self.graph is not None:
            if self._fingerprint() != self.fingerprint:
                self.reset()
                if self.captures >= 3:
                    self.give_up(
                        "hyperparameters or train/eval modes keep changing (a "
                        "learning-rate schedule?); a graph bakes them in"
                    )
            elif self._layout(batch) != self._layout(self.static_x):
                return self._eager(self._format(batch))  # keep the graph
            else:
                self.static_x.copy_(batch)  # (copy_ converts the memory format)
                self.graph.replay()
                return {k: v.clone() for k, v in self.static_out.items()}
        batch = self._format(batch)
        if self.calls == 1 and self.conv_nets:
            return self._first(batch)
        return self._run(batch)

    def _run(self, batch: Tensor) -> dict[str, Tensor]:
        if not self.use_graph:
            return self._eager(batch)
        if self.warm < self.accel.warmup:
            self.warm += 1
            self.stream.wait_stream(torch.cuda.current_stream())
            with torch.cuda.stream(self.stream):
                out = self._eager(batch)
            torch.cuda.current_stream().wait_stream(self.stream)
            return out
        try:
            self._capture(batch)
        except Exception as error:  # an unsupported op, a host sync...
            self.graph = None
            _release_cuda_rng(self.device)
            self.give_up(f"capture failed: {type(error).__name__}: {error}")
            return self._eager(batch)
        self.graph.replay()
        return {k: v.clone() for k, v in self.static_out.items()}

    def _eager(self, batch: Tensor) -> dict[str, Tensor]:
        quiet = (
            warnings.catch_warnings() if self.use_graph else contextlib.nullcontext()
        )
        with (
            quiet,
            torch.autocast(
                self.device.type,
                torch.bfloat16,
                enabled=self.accel.autocast,
                # no cache of bf16 weight copies: a step updates weights inside
                # this region (D before G, n_critic > 1), and the cache would
                # hand later forwards the copies made before the update
                cache_enabled=False,
            ),
        ):
            if self.use_graph:  # capturable optimisers run eagerly in warm-up
                warnings.filterwarnings("ignore", ".*capturable=True.*")
            return self.step(batch)

    def _first(self, batch: Tensor) -> dict[str, Tensor]:
        """The first step; if channels_last breaks it (a ``.view``), go contiguous."""
        try:
            return self._run(batch)
        except RuntimeError as error:
            print(
                f"accel: channels_last off: the first step failed with it "
                f"({str(error).splitlines()[0]}); running it again contiguous"
            )
            set_memory_format(self.modules, self.optimizers, torch.contiguous_format)
            self.accel, self.conv_nets = replace(self.accel, channels_last=False), False
            self.warm = 0
            for opt in self.optimizers.values():
                opt.zero_grad(set_to_none=True)
            return self._run(batch.contiguous())

    def _capture(self, batch: Tensor) -> None:
        """Whole-network capture, as in the CUDA graphs notes of the torch docs."""
        self.static_x = batch.clone()
        for opt in self.optimizers.values():
            opt.zero_grad(set_to_none=True)  # backward allocates .grad in the pool
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph, stream=self.stream):
            out = self._eager(self.static_x)
        self.graph, self.static_out = graph, out
        self.captures += 1
        self.fingerprint = self._fingerprint()
        if self.captures == 1:
            print(
                f"accel: the training step runs as one CUDA graph "
                f"(captured after {self.warm} eager warm-up steps)"
            )

    def _format(self, batch: Tensor) -> Tensor:
        if self.conv_nets and batch.ndim == 4:
            return batch.contiguous(memory_format=torch.channels_last)
        return batch

    @staticmethod
    def _layout(batch: Tensor) -> tuple:
        return batch.shape, batch.dtype, batch.device

    def _fingerprint(self) -> tuple:
        """What a graph bakes in: hyperparameters, optimiser state, train modes."""
        groups = tuple(
            (
                id(opt.state),
                tuple(
                    tuple(
                        (k, id(v) if isinstance(v, Tensor) else v)
                        for k, v in g.items()
                        if k != "params"
                    )
                    for g in opt.param_groups
                ),
            )
            for opt in self.optimizers.values()
        )
        modes = tuple(
            m.training for module in self.modules.values() for m in module.modules()
        )
        return groups, modes

    def reset(self) -> None:
        """Forget the graph (after a checkpoint load): capture again when next run."""
        self.graph, self.warm = None, 0

    def give_up(self, why: str) -> None:
        """Run eagerly from now on; leave the optimisers fast without a graph."""
        print(f"accel: cuda_graph off: {why}; training goes on eagerly")
        self.use_graph, self.graph = False, None
        for opt in self.optimizers.values():
            opt.zero_grad(set_to_none=True)
            set_flags(
                opt,
                [
                    {**f, "capturable": False} if "capturable" in f else f
                    for f in flags_of(opt)
                ],
            )
