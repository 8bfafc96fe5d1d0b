"""A widget that compares precomputed 2-D training runs side by side in time.

Like the widgets of :mod:`gantutor.widgets`, it is an ``ipywidgets.VBox`` whose
figure is an ``ipywidgets.Image``, redrawn when a control moves, so the built book
shows it without a kernel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ipywidgets as W
from torch import Tensor

from gantutor import viz
from gantutor.callbacks import Snapshot2D


class RunsExplorer(W.VBox):
    """One slider picks a run (a loss, a margin...), the other a moment of it.

    ``runs`` maps a run's name to its snapshots (:class:`Snapshot2D`, from
    :class:`gantutor.callbacks.Snapshots2D` or :class:`gantutor.ebgan.
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
