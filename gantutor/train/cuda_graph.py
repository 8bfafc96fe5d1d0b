"""Running a training step with the :class:`~gantutor.train.accel.Accel` switches.

:class:`StepRunner` calls the step eagerly (under bf16 autocast, with the batch
in channels_last, when asked), or, for a step marked ``graph_safe``, captures it
once as a CUDA graph after a few eager warm-up steps on a side stream and
replays it: one launch per step. A batch is a tensor or a tuple of tensors; the
graph keeps one static buffer per part and copies each new batch into them. It
captures again when what the graph bakes in changes (learning rates, train/eval
modes), runs a batch of another layout (a part's shape, dtype or device) eagerly,
and runs eagerly for good after three captures or when a capture fails, saying
why. The trainer owns one; chapters never call it directly.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable
from dataclasses import replace

import torch
from torch import Tensor, nn

from gantutor.data.batches import Batch, like, parts
from gantutor.train.accel import (
    Accel,
    flags_of,
    has_conv,
    set_flags,
    set_memory_format,
)

Step = Callable[[Batch], dict[str, Tensor]]  # one training step: batch -> losses


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

    def __call__(self, batch: Batch) -> dict[str, Tensor]:
        self.calls += 1
        if self.graph is not None:
            if self._fingerprint() != self.fingerprint:
                self.reset()
                if self.captures >= 3:
                    self.give_up(
                        "hyperparameters or train/eval modes keep changing (a "
                        "learning-rate schedule?); a graph bakes them in"
                    )
            elif self._layout(batch) != self._layout(self.static_batch):
                return self._eager(self._format(batch))  # keep the graph
            else:
                for static, part in zip(
                    parts(self.static_batch), parts(batch), strict=True
                ):
                    static.copy_(part)  # (copy_ converts the memory format)
                self.graph.replay()
                return {k: v.clone() for k, v in self.static_out.items()}
        batch = self._format(batch)
        if self.calls == 1 and self.conv_nets:
            return self._first(batch)
        return self._run(batch)

    def _run(self, batch: Batch) -> dict[str, Tensor]:
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

    def _eager(self, batch: Batch) -> dict[str, Tensor]:
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

    def _first(self, batch: Batch) -> dict[str, Tensor]:
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
            return self._run(like(batch, [p.contiguous() for p in parts(batch)]))

    def _capture(self, batch: Batch) -> None:
        """Whole-network capture, as in the CUDA graphs notes of the torch docs."""
        self.static_batch = like(batch, [p.clone() for p in parts(batch)])
        for opt in self.optimizers.values():
            opt.zero_grad(set_to_none=True)  # backward allocates .grad in the pool
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph, stream=self.stream):
            out = self._eager(self.static_batch)
        self.graph, self.static_out = graph, out
        self.captures += 1
        self.fingerprint = self._fingerprint()
        if self.captures == 1:
            print(
                f"accel: the training step runs as one CUDA graph "
                f"(captured after {self.warm} eager warm-up steps)"
            )

    def _format(self, batch: Batch) -> Batch:
        """4-d parts (images) in channels_last when the nets have convolutions."""
        if not self.conv_nets:
            return batch
        formatted = [
            p.contiguous(memory_format=torch.channels_last) if p.ndim == 4 else p
            for p in parts(batch)
        ]
        return like(batch, formatted)

    @staticmethod
    def _layout(batch: Batch) -> tuple:
        """What a graph bakes in of a batch: each part's shape, dtype and device."""
        return isinstance(batch, Tensor), tuple(
            (p.shape, p.dtype, p.device) for p in parts(batch)
        )

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
