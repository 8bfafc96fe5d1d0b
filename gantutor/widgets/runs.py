"""A widget that compares precomputed 2-D training runs side by side in time.

Like the widgets of :mod:`gantutor.widgets`, it is an ``ipywidgets.VBox`` whose
figure is an ``ipywidgets.Image``, redrawn when a control moves, so the built book
shows it without a kernel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ipywidgets as W
import numpy as np
from torch import Tensor

from gantutor import viz
from gantutor.train.callbacks import Snapshot2D
from gantutor.train.history import History


class RunsExplorer(W.VBox):
    """One slider picks a run (a loss, a margin...), the other a moment of it.

    ``runs`` maps a run's name to its snapshots (:class:`Snapshot2D`, from
    :class:`gantutor.train.callbacks.Snapshots2D` or :class:`gantutor.train.callbacks.
    EnergySnapshots`); ``notes`` adds a line under a run's title (e.g. its
    mode coverage). All runs must have the same number of snapshots.
    Subclasses draw other snapshots by overriding :meth:`redraw`.
    """

    def __init__(
        self,
        runs: Mapping[str, Sequence[Snapshot2D]],
        x_real: Tensor | None = None,
        notes: Mapping[str, str] | None = None,
        description: str = "run",
    ):
        lengths = {len(snaps) for snaps in runs.values()}
        if not runs or 0 in lengths:
            raise ValueError(
                f"{type(self).__name__} needs at least one run with snapshots"
            )
        if len(lengths) != 1:
            raise ValueError(
                "every run must have the same number of snapshots; got "
                + ", ".join(f"{k}: {len(v)}" for k, v in runs.items())
            )
        self.runs, self.x_real = {k: list(v) for k, v in runs.items()}, x_real
        self.notes = dict(notes or {})
        (n,) = lengths
        self.run = W.SelectionSlider(
            options=list(self.runs), description=description, continuous_update=False
        )
        self.moment = W.IntSlider(
            value=n - 1, min=0, max=n - 1, description="snapshot",
            continuous_update=False,
        )  # fmt: skip
        self.image = W.Image(format="png")
        for control in (self.run, self.moment):
            control.observe(lambda _: self.redraw(), names="value")
        super().__init__([W.HBox([self.run, self.moment]), self.image])
        self.redraw()

    def redraw(self) -> None:
        name = self.run.value
        snap = self.runs[name][self.moment.value]
        fig, (ax,) = viz.figure(size=4.2)
        viz.draw_snapshot(ax, snap, self.x_real)
        note = self.notes.get(name, "")
        ax.set_title(f"{name} · step {snap.step}" + (f"\n{note}" if note else ""))
        self.image.value = viz.to_png(fig)


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
