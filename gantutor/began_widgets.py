"""A widget over finished BEGAN runs: samples beside the run's k_t and M curves.

Like the widgets of :mod:`gantutor.widgets`, it is an ``ipywidgets.VBox`` whose
figure is an ``ipywidgets.Image`` redrawn when a control moves, so the built book
shows it without a kernel. Chapter *BEGAN*.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from torch import Tensor

from gantutor import viz
from gantutor.compare_widgets import RunsExplorer
from gantutor.train import History


class BEGANRunsExplorer(RunsExplorer):
    """One slider picks a run (a γ), the other a snapshot of its samples.

    ``runs`` maps a run's name to its image snapshots ``(step, images)`` (from
    :class:`gantutor.callbacks.ImageSnapshots`); ``histories`` holds each run's
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
                    "train it with gantutor.began.began_step"
                )
        self.histories, self.nrow = histories, nrow
        super().__init__(runs, notes=notes, description=description)

    def redraw(self) -> None:
        name = self.run.value
        step, x = self.runs[name][self.moment.value]
        fig, (left, right) = viz.figure(ncols=2, size=3.8)
        fig.set_size_inches(8.4, 3.8)
        note = self.notes.get(name, "")
        viz.show_images(
            left, x, self.nrow, f"{name} · step {step}" + (f"\n{note}" if note else "")
        )
        history = self.histories[name]
        steps = np.asarray(history.steps)
        for key, color in (("M", "C0"), ("k", "C3")):
            right.plot(steps, history.losses[key], color=color, lw=0.8, label=key)
        right.axvline(step, color="0.4", ls=":", lw=1)
        right.set(xlabel="step", ylim=(0, None), title="$k_t$ and $M$")
        right.legend(frameon=False)
        self.image.value = viz.to_png(fig)
