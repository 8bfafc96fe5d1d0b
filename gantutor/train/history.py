"""What a training run leaves behind: every step's losses and the wall clock."""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import Tensor


@dataclass
class History:
    """Losses of every step, and wall-clock time at every read-back."""

    steps: list[int] = field(default_factory=list)
    losses: dict[str, list[float]] = field(default_factory=dict)
    clock: list[tuple[int, float]] = field(default_factory=list)  # (step, seconds)

    def append(self, first_step: int, losses: dict[str, list[float]]) -> None:
        n = len(next(iter(losses.values())))
        self.steps.extend(range(first_step, first_step + n))
        for name, values in losses.items():
            self.losses.setdefault(name, []).extend(values)

    def steps_per_second(self) -> float:
        """Mean training speed over the recorded read-backs.

        From the first read-back to the last, so the first steps (warm-up, graph
        capture) do not count; with a single read-back, from the start of training.
        """
        if not self.clock:
            return float("nan")
        if len(self.clock) == 1:  # the clock starts at 0 s before the first step
            (s0, t0), (s1, t1) = (self.steps[0] - 1, 0.0), self.clock[0]
        else:
            (s0, t0), (s1, t1) = self.clock[0], self.clock[-1]
        return (s1 - s0) / max(t1 - t0, 1e-9)

    def state_dict(self) -> dict:
        return {
            "steps": list(self.steps),
            "losses": {k: list(v) for k, v in self.losses.items()},
            "clock": [list(c) for c in self.clock],
        }

    @classmethod
    def from_state_dict(cls, state: dict) -> History:
        return cls(
            list(state["steps"]),
            {k: list(v) for k, v in state["losses"].items()},
            [tuple(c) for c in state["clock"]],
        )


def stack_losses(pending: list[dict[str, Tensor]]) -> dict[str, Tensor]:
    """The losses of ``pending`` steps on the host, name -> (n,): one sync.

    Every loss must be a 0-d tensor; a step that returns a per-sample loss, shape
    (B,), is told so by name and shape (return ``loss.mean()``).
    """
    for losses in pending:
        for name, value in losses.items():
            if not isinstance(value, Tensor) or value.dim() != 0:
                what = (
                    f"shape {tuple(value.shape)}"
                    if isinstance(value, Tensor)
                    else type(value).__name__
                )
                raise ValueError(
                    f"the step returned loss {name!r} as {what}; a loss must be a "
                    f"0-d tensor: return its mean, e.g. {{{name!r}: loss.mean()}}"
                )
    return {
        k: torch.stack([p[k].detach().float() for p in pending]).cpu()
        for k in pending[0]
    }  # name -> (n,)
