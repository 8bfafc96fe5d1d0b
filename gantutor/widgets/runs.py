"""Explorers that compare precomputed training runs side by side in time.

Each is an :class:`~gantutor.widgets.base.Explorer`: a run slider and a snapshot
slider above a figure redrawn when either moves; the built book embeds the first
drawing, so it shows without a kernel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ipywidgets as W
import numpy as np
from matplotlib.figure import Figure
from torch import Tensor

from gantutor import viz
from gantutor.train.callbacks import Snapshot2D
from gantutor.train.history import History
from gantutor.widgets.base import Explorer, common_length, snapshot_slider


class RunsExplorer(Explorer):
    """One slider picks a run (a loss, a margin...), the other a moment of it.

    ``runs`` maps a run's name to its snapshots (:class:`Snapshot2D`, from
    :class:`gantutor.train.callbacks.Snapshots2D` or :class:`gantutor.train.callbacks.
    EnergySnapshots`); ``notes`` adds a line under a run's title (e.g. its
    mode coverage). All runs must have the same number of snapshots.
    Subclasses draw other snapshots by overriding ``draw(name, i)``.
    """

    def __init__(
        self,
        runs: Mapping[str, Sequence[Snapshot2D]],
        x_real: Tensor | None = None,
        notes: Mapping[str, str] | None = None,
        description: str = "run",
    ):
        n = common_length(runs, type(self).__name__, "snapshots")
        self.runs, self.x_real = {k: list(v) for k, v in runs.items()}, x_real
        self.notes = dict(notes or {})
        self.run = W.SelectionSlider(
            options=list(self.runs), description=description, continuous_update=False
        )
        self.moment = snapshot_slider(n)
        super().__init__([self.run, self.moment])

    def title(self, name: str, step: int) -> str:
        """The run's name and step, and its note on a second line if it has one."""
        note = self.notes.get(name, "")
        return f"{name} · step {step}" + (f"\n{note}" if note else "")

    def draw(self, name: str, i: int) -> Figure:
        snap = self.runs[name][i]
        fig, (ax,) = viz.figure(size=4.2)
        viz.draw_snapshot(ax, snap, self.x_real)
        ax.set_title(self.title(name, snap.step))
        return fig


class BEGANRunsExplorer(RunsExplorer):
    """One slider picks a run (a γ), the other a snapshot of its samples.

    ``runs`` maps a run's name to its image snapshots ``(step, images)`` (from
    :class:`gantutor.train.callbacks.ImageSnapshots`); ``histories`` holds each run's
    :class:`~gantutor.train.History` with the ``"k"`` and ``"M"`` of every step,
    drawn on the right with a line at the snapshot's step; ``notes`` adds a line
    under a run's title. All runs must have the same number of snapshots.
    """

    def __init__(
        self,
        runs: Mapping[str, Sequence[tuple[int, Tensor]]],
        histories: Mapping[str, History],
        notes: Mapping[str, str] | None = None,
        description: str = "run",
        nrow: int = 8,
    ):
        missing = [k for k in runs if k not in histories]
        if missing:
            raise ValueError(f"no history for the runs {missing}")
        for name in runs:
            absent = {"k", "M"} - set(histories[name].losses)
            if absent:
                raise ValueError(
                    f"the history of run {name!r} lacks {sorted(absent)}: "
                    "train it with gantutor.steps.began_step"
                )
        self.histories, self.nrow = histories, nrow
        super().__init__(runs, notes=notes, description=description)

    def draw(self, name: str, i: int) -> Figure:
        step, x = self.runs[name][i]
        fig, (left, right) = viz.figure(ncols=2, size=3.8)
        fig.set_size_inches(8.4, 3.8)
        viz.show_images(left, x, self.nrow, self.title(name, step))
        history = self.histories[name]
        steps = np.asarray(history.steps)
        for key, color in (("M", "C0"), ("k", "C3")):
            right.plot(steps, history.losses[key], color=color, lw=0.8, label=key)
        right.axvline(step, color="0.4", ls=":", lw=1)
        right.set(xlabel="step", ylim=(0, None), title="$k_t$ and $M$")
        right.legend(frameon=False)
        return fig
