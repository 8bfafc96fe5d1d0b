"""Checkpoints of a :class:`~gantutor.train.Trainer`: all a resumed run needs.

A checkpoint holds the step, the modules, the optimisers (with their own
switches, not those of the GPU path), the history, the CPU and CUDA random states,
the data source's position (its ``state_dict``, as :mod:`gantutor.data`'s
sources have) and the step's own state kept between calls (the image histories
``step.buffers`` of :func:`gantutor.steps.translation_step`), so a resumed run
draws the same batches and noise, and replays the same stored images, as an
uninterrupted one. Files load with ``torch.load(..., weights_only=True)``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import torch
from torch import nn

from gantutor.train.history import History

if TYPE_CHECKING:
    from gantutor.train.trainer import Trainer


def finite(modules: dict[str, nn.Module]) -> bool:
    """Whether every parameter of ``modules`` is finite."""
    return all(
        torch.isfinite(p).all() for m in modules.values() for p in m.parameters()
    )


def portable(opt: torch.optim.Optimizer, flags: list[dict]) -> dict:
    """The optimiser's state dict with its own run-time ``flags`` put back."""
    state = opt.state_dict()
    for group, own in zip(state["param_groups"], flags, strict=False):
        group.update(own)
    return state


def gather(trainer: Trainer) -> dict:
    """The state of ``trainer`` as a checkpoint holds it."""
    state = {
        "step": trainer.step,
        "modules": {k: m.state_dict() for k, m in trainer.modules.items()},
        "optimizers": {
            k: portable(o, trainer.optimizer_flags[k])
            for k, o in trainer.optimizers.items()
        },
        "history": trainer.history.state_dict(),
        "rng": {
            "cpu": torch.get_rng_state(),
            "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
        },
    }
    if hasattr(trainer.batches, "state_dict"):
        state["batches"] = trainer.batches.state_dict()
    if step_buffers(trainer):
        state["buffers"] = [buffer.state_dict() for buffer in step_buffers(trainer)]
    return state


def step_buffers(trainer: Trainer) -> list:
    """The step's image buffers (``step.buffers``), or an empty list."""
    return list(getattr(trainer.step_fn, "buffers", None) or [])


def write(state: dict, path: Path) -> None:
    """Save ``state`` at ``path`` atomically: a Ctrl-C leaves the old file intact."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)


def read(path: Path, modules: dict[str, nn.Module]) -> dict:
    """The checkpoint at ``path``, checked to hold the modules ``modules`` names."""
    if not path.exists():
        raise FileNotFoundError(f"no checkpoint at {path}")
    state = torch.load(path, map_location="cpu", weights_only=True)
    if set(modules) != set(state["modules"]):
        raise ValueError(
            f"checkpoint {path} holds modules {sorted(state['modules'])},"
            f" but this trainer has {sorted(modules)}"
        )
    return state


def restore(trainer: Trainer, state: dict) -> None:
    """Put ``state`` back into ``trainer``: weights, optimisers, RNG, data, history."""
    buffers = step_buffers(trainer)
    if len(state.get("buffers", [])) != len(buffers):
        raise ValueError(
            f"the checkpoint holds {len(state.get('buffers', []))} image buffers "
            f"but this trainer's step has {len(buffers)}: build the step with the "
            f"same buffer_size as the run that saved it"
        )
    for k, module in trainer.modules.items():
        module.load_state_dict(state["modules"][k])
    for k, opt in trainer.optimizers.items():
        opt.load_state_dict(state["optimizers"][k])
    trainer.history = History.from_state_dict(state["history"])
    trainer.step = state["step"]
    torch.set_rng_state(state["rng"]["cpu"])
    if state["rng"]["cuda"] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["rng"]["cuda"])
    if "batches" in state and hasattr(trainer.batches, "load_state_dict"):
        trainer.batches.load_state_dict(state["batches"])
    for buffer, saved in zip(buffers, state.get("buffers", []), strict=True):
        buffer.load_state_dict(saved)
