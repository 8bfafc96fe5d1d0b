"""A generic training loop: the chapter writes the step, the loop does the rest.

The loop knows nothing of GANs. It calls ``step(batch) -> {name: loss}`` once per
iteration and takes care of device moves, the progress bar, the :class:`History`,
callbacks, checkpoints (:mod:`gantutor.train.checkpoint`), a guard against NaN/Inf
losses and Ctrl-C.

A batch is a tensor or a tuple of tensors (``(x, y)``, ``(a, b)``): the loop moves
every part to the device and calls the step with the batch as it came. A step that
consumes ``n`` real batches per call (WGAN's ``n_critic`` critic updates) says so
with ``step.batches_per_step = n``, and the loop hands it the next ``n`` batches of
the source concatenated (:func:`gantutor.data.draw`): ``n_critic`` is said once.

It is built for the GPU: the step's losses stay on the device and are read back
every ``log_every`` steps (one host synchronisation then, none inside a step) and
batches keep a static shape. On a CUDA device the :class:`~gantutor.train.accel.Accel`
switches (bf16 autocast, TF32, channels_last, fused Adam, the whole step as one
CUDA graph) are on unless told otherwise; chapters do not change.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Protocol

import torch
from torch import Tensor, nn
from tqdm.auto import tqdm

from gantutor.data.batches import Batch, draw, like, parts
from gantutor.train import accel as acc
from gantutor.train import checkpoint as ckpt
from gantutor.train.cuda_graph import Step, StepRunner
from gantutor.train.history import History, stack_losses


class NonFiniteLossError(RuntimeError):
    """A loss became NaN or infinite; the history and last good checkpoint are kept."""


class Callback(Protocol):
    every: int

    def __call__(self, trainer: Trainer) -> None: ...


class Trainer:
    """Run ``step`` over ``batches`` with history, callbacks and checkpoints.

    ``modules`` and ``optimizers`` are named so that checkpoints can save and
    restore them; ``batches`` is an endless iterator of batches, tensors or tuples
    of tensors (see :mod:`gantutor.data`); ``step.batches_per_step`` of them, when
    the step says so, go to one call, concatenated.
    A checkpoint is written every ``checkpoint_every`` steps when ``checkpoint``
    is a path, and only when the losses and weights are finite.

    ``accel`` picks the GPU optimisations (:class:`gantutor.train.accel.Accel`);
    ``None`` lets the device decide (all on for CUDA, all off on the CPU). ``autocast``,
    when given, overrides ``accel.autocast``.
    """

    def __init__(
        self,
        step: Step,
        batches: Iterator,
        *,
        modules: dict[str, nn.Module],
        optimizers: dict[str, torch.optim.Optimizer],
        log_every: int = 50,
        callbacks: Sequence[Callback] = (),
        checkpoint: str | Path | None = None,
        checkpoint_every: int | None = None,
        device: torch.device | None = None,
        autocast: bool | None = None,
        progress: bool = True,
        accel: acc.Accel | None = None,
    ):
        if log_every < 1:
            raise ValueError(f"log_every must be at least 1, got {log_every}")
        checkpoint_every = checkpoint_every or 10 * log_every
        if checkpoint_every % log_every:
            raise ValueError(
                f"checkpoint_every ({checkpoint_every}) must be a multiple "
                f"of log_every ({log_every}): checkpoints follow read-backs"
            )
        self.step_fn, self.batches = step, batches
        self.modules, self.optimizers = modules, optimizers
        self.log_every, self.callbacks = log_every, list(callbacks)
        self.checkpoint = Path(checkpoint) if checkpoint is not None else None
        self.checkpoint_every = checkpoint_every
        if not modules:
            raise ValueError("Trainer needs at least one module to train")
        self.device = device or next(next(iter(modules.values())).parameters()).device
        wanted = accel or acc.Accel.for_device(self.device)
        if autocast is not None:
            wanted = replace(wanted, autocast=autocast)
        self.accel, reasons = wanted.resolve(self.device)
        for why in reasons:
            print(f"accel: {why}")
        self.progress = progress
        self.step = 0
        self.history = History()
        self.last_checkpoint_step: int | None = None
        for module in modules.values():
            module.to(self.device)
        # each optimiser's own switches, saved in checkpoints (not the GPU path's)
        self.optimizer_flags = {k: acc.flags_of(o) for k, o in optimizers.items()}
        self._runner: StepRunner | None = None
        self._prepare(self.accel.fused, capturable=False)

    @property
    def autocast(self) -> bool:
        """Whether steps run under bf16 autocast (``self.accel.autocast``)."""
        return self.accel.autocast

    def _prepare(self, fused: bool, capturable: bool, quiet: bool = False) -> None:
        """Memory format and optimiser kernels as ``self.accel`` asks."""
        if self.accel.channels_last:
            acc.set_memory_format(self.modules, self.optimizers, torch.channels_last)
        if fused or capturable:
            for name, opt in self.optimizers.items():
                why = acc.upgrade_optimizer(opt, fused, capturable)
                for line in [] if quiet else why:
                    print(f"accel: optimizer {name!r}: {line}")

    def _runner_for_step(self) -> StepRunner:
        """The runner of ``self.step_fn`` (a new one if the step was replaced)."""
        if self._runner is None or self._runner.step is not self.step_fn:
            self._runner = StepRunner(
                self.step_fn, self.modules, self.optimizers, self.accel, self.device
            )
            if self._runner.use_graph:
                self._prepare(fused=False, capturable=True)
        return self._runner

    # -- the loop --------------------------------------------------------------

    def fit(self, total_steps: int) -> History:
        """Train until step ``total_steps`` (continuing from ``self.step``)."""
        if total_steps < self.step:
            raise ValueError(f"already at step {self.step}; total_steps={total_steps}")
        pending: list[dict[str, Tensor]] = []
        bar = tqdm(
            total=total_steps,
            initial=self.step,
            disable=not self.progress,
            desc="training",
            unit="step",
            mininterval=1.0,
        )
        start = time.perf_counter() - (
            self.history.clock[-1][1] if self.history.clock else 0.0
        )
        run, n = self._runner_for_step(), batches_per_step(self.step_fn)
        try:
            with acc.precision(self.accel):  # TF32, cuDNN autotuning
                while self.step < total_steps:
                    batch = self._to_device(draw(self.batches, n))  # n batches as one
                    pending.append(run(batch))
                    self.step += 1
                    if self.step % self.log_every == 0 or self.step == total_steps:
                        self._read_back(pending, time.perf_counter() - start)
                        pending = []
                        bar.update(self.step - bar.n)
                        last = {k: v[-1] for k, v in self.history.losses.items()}
                        bar.set_postfix(
                            {k: f"{v:.3f}" for k, v in last.items()}, refresh=False
                        )
                        if self.checkpoint and self.step % self.checkpoint_every == 0:
                            self.save()
                    for callback in self.callbacks:
                        if self.step % callback.every == 0:
                            callback(self)
        except KeyboardInterrupt:
            self._read_back(pending, time.perf_counter() - start, strict=False)
            print(self._stop_message("Interrupted"))
            raise
        finally:
            bar.close()
        if self.checkpoint:
            self.save()
        return self.history

    def _to_device(self, batch: Batch) -> Batch:
        """Every part of ``batch`` on the trainer's device (asynchronously)."""
        moved = [part.to(self.device, non_blocking=True) for part in parts(batch)]
        return like(batch, moved)

    def _read_back(
        self, pending: list[dict[str, Tensor]], seconds: float, strict: bool = True
    ) -> None:
        """Copy the pending losses to the host (one sync); stop on NaN/Inf."""
        if not pending:
            return
        first = self.step - len(pending) + 1
        stacked = stack_losses(pending)  # name -> (n,); refuses per-sample losses
        bad = {
            k: int((~v.isfinite()).nonzero()[0])
            for k, v in stacked.items()
            if not v.isfinite().all()
        }
        if bad:
            name, offset = min(bad.items(), key=lambda item: item[1])
            good = {k: v[:offset].tolist() for k, v in stacked.items()}
            if offset:
                self.history.append(first, good)
            if strict:
                value = float(stacked[name][offset])
                raise NonFiniteLossError(
                    self._stop_message(
                        f"Loss {name!r} became {value} at step {first + offset}"
                    )
                )
            return
        self.history.append(first, {k: v.tolist() for k, v in stacked.items()})
        self.history.clock.append((self.step, seconds))

    def _stop_message(self, what: str) -> str:
        where = (
            f"the last good checkpoint (step {self.last_checkpoint_step}) is "
            f"{self.checkpoint}; restore it with trainer.load(path)"
            if self.last_checkpoint_step is not None
            else "no checkpoint was written (pass checkpoint=path to keep one)"
        )
        return (
            f"{what}. Training stopped; the history up to here is in "
            f"trainer.history ({len(self.history.steps)} steps) and {where}. "
            "For NaNs, try a lower learning rate or a gradient penalty."
        )

    # -- checkpoints -----------------------------------------------------------

    def save(self, path: str | Path | None = None) -> Path:
        """Write a checkpoint (atomically); refuse to save non-finite weights."""
        path = Path(path or self.checkpoint or "checkpoint.pt")
        if not ckpt.finite(self.modules):
            raise NonFiniteLossError(
                self._stop_message(
                    f"Weights are not finite at step {self.step}; not saving them"
                )
            )
        ckpt.write(ckpt.gather(self), path)
        if path == self.checkpoint:
            self.last_checkpoint_step = self.step
        return path

    def load(self, path: str | Path | None = None) -> None:
        """Restore models, optimizers, history, RNG and data order from a checkpoint."""
        path = Path(path or self.checkpoint or "checkpoint.pt")
        ckpt.restore(self, ckpt.read(path, self.modules))
        graphed = self._runner is not None and self._runner.use_graph
        self._prepare(self.accel.fused, graphed, quiet=True)  # the new state tensors
        if self._runner is not None:
            self._runner.reset()  # the graph held the old state tensors
        self.last_checkpoint_step = self.step


def batches_per_step(step: Step) -> int:
    """How many real batches ``step`` consumes per call: ``step.batches_per_step``."""
    n = getattr(step, "batches_per_step", 1)
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"step.batches_per_step must be an integer >= 1, got {n!r}")
    return n
