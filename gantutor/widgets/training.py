"""Explorers of a training run: its snapshots, and the MSE explorer of *why MSE*.

Each is an :class:`~gantutor.widgets.base.Explorer`: moving a control redraws the
PNG; the built book embeds the first drawing, so the figure shows without a
kernel; tests move the controls and check the image changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import ipywidgets as W
import numpy as np
from matplotlib.figure import Figure
from torch import Tensor

from gantutor import viz
from gantutor.labs import edits
from gantutor.train.callbacks import Snapshot2D
from gantutor.widgets.base import Explorer, slider, snapshot_slider


class SnapshotSlider(Explorer):
    """A slider over snapshots of a training run and the figure of the chosen one.

    Subclasses say what a snapshot looks like in ``draw(i) -> Figure``; moving the
    slider redraws the image. It starts at the last snapshot.
    """

    def __init__(self, snapshots: Sequence, title: str = ""):
        if not snapshots:
            raise ValueError(f"{type(self).__name__} needs at least one snapshot")
        self.snapshots, self.title = list(snapshots), title
        self.slider = snapshot_slider(len(self.snapshots))
        super().__init__(self.slider)


class TrainingExplorer(SnapshotSlider):
    """A slider over the snapshots of a 2-D GAN's training.

    Shows D's surface as a heat map (red: D says real, blue: fake), G's samples
    and, as arrows, the direction in which the generator's loss pushes each sample.
    """

    def __init__(
        self,
        snapshots: Sequence[Snapshot2D],
        x_real: Tensor | None = None,
        title: str = "",
    ):
        self.x_real = x_real
        super().__init__(snapshots, title)

    def draw(self, i: int) -> Figure:
        snap = self.snapshots[i]
        fig, (ax,) = viz.figure(size=4.2)
        viz.draw_snapshot(ax, snap, self.x_real)
        if self.title:
            ax.set_title(f"{self.title} · step {snap.step}")
        return fig


class MSEExplorer(Explorer):
    """Edit a digit and compare the MSE with a learned score.

    ``score(images) -> (B,)`` is a learned measure, e.g. a classifier's
    probability that the image is the digit. The left panel shows the edit; the
    right panel shows, against the number of changed pixels, the MSE (the same
    for every kind of edit) and the score of each kind
    (:func:`gantutor.labs.edits.edit_curves`, computed once).
    """

    def __init__(
        self,
        digit: Tensor,
        score: Callable[[Tensor], Tensor],
        score_name: str = "learned score",
        max_pixels: int = 120,
        seed: int = 0,
    ):
        self.digit, self.score, self.score_name = digit, score, score_name
        self.seed, self.ns = seed, np.arange(0, max_pixels + 1, 5)
        self.curves = edits.edit_curves(digit, score, self.ns.tolist(), seed)
        self.n = slider("pixels", 40, 0, max_pixels, step=5)
        self.kind = W.ToggleButtons(
            options=list(edits.KINDS), value="thicken", description="edit"
        )
        super().__init__([self.n, self.kind])

    def draw(self, n: int, kind: str) -> Figure:
        edited = edits.edit(self.digit, n, kind, self.seed)
        fig, (left, right) = viz.figure(ncols=2, size=3.4)
        viz.show_images(left, edited[None], nrow=1)
        i = n // 5
        mse_values = self.curves[kind][0]
        left.set_title(
            f"{kind}: {n} pixels\nMSE {mse_values[i]:.3f} · "
            f"{self.score_name} {self.curves[kind][1][i]:.2f}"
        )
        right.plot(self.ns, mse_values, "k--", label="MSE (every edit)")
        for name, (_, score) in self.curves.items():
            right.plot(self.ns, score, lw=2.5 if name == kind else 1.0, label=name)
        right.axvline(n, color="gray", lw=0.8)
        right.set(xlabel="pixels changed", ylim=(-0.02, 1.02), title=self.score_name)
        right.legend(frameon=False, fontsize=8)
        return fig
