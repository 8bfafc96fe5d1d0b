"""Interactive widgets of the book, drawn as images so that they render statically.

Each widget is an ``ipywidgets.VBox`` whose figure is an ``ipywidgets.Image``:
moving a control redraws the PNG. The built book embeds the widget state, so the
figure shows without a kernel; tests move the controls and check the image changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import ipywidgets as W
import numpy as np
import torch
from matplotlib.figure import Figure
from torch import Tensor

from gantutor import viz
from gantutor.labs import edits
from gantutor.train.callbacks import Snapshot2D


class SnapshotSlider(W.VBox):
    """A slider over snapshots of a training run and the figure of the chosen one.

    Subclasses say what a snapshot looks like in ``draw(i) -> Figure``; moving the
    slider redraws the image. It starts at the last snapshot.
    """

    def __init__(self, snapshots: Sequence, title: str = ""):
        if not snapshots:
            raise ValueError(f"{type(self).__name__} needs at least one snapshot")
        self.snapshots, self.title = list(snapshots), title
        self.slider = W.IntSlider(
            value=len(self.snapshots) - 1,
            min=0,
            max=len(self.snapshots) - 1,
            description="snapshot",
            continuous_update=False,
        )
        self.image = W.Image(format="png")
        self.slider.observe(lambda _: self.redraw(), names="value")
        super().__init__([self.slider, self.image])
        self.redraw()

    def draw(self, i: int) -> Figure:
        raise NotImplementedError

    def redraw(self) -> None:
        self.image.value = viz.to_png(self.draw(self.slider.value))


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


class MSEExplorer(W.VBox):
    """Edit a digit and compare the MSE with a learned score.

    ``score(images) -> (B,)`` is a learned measure, e.g. a classifier's
    probability that the image is the digit. The left panel shows the edit; the
    right panel shows, against the number of changed pixels, the MSE (the same
    for every kind of edit) and the score of each kind.
    """

    def __init__(
        self,
        digit: Tensor,
        score: Callable[[Tensor], Tensor],
        score_name: str = "learned score",
        max_pixels: int = 120,
        seed: int = 0,
    ):
        self.digit, self.score, self.score_name, self.seed = (
            digit,
            score,
            score_name,
            seed,
        )
        self.n = W.IntSlider(
            value=40,
            min=0,
            max=max_pixels,
            step=5,
            description="pixels",
            continuous_update=False,
        )
        self.kind = W.ToggleButtons(
            options=list(edits.KINDS), value="thicken", description="edit"
        )
        self.image = W.Image(format="png")
        self.curves = self._curves(max_pixels)
        for control in (self.n, self.kind):
            control.observe(lambda _: self.redraw(), names="value")
        super().__init__([W.HBox([self.n, self.kind]), self.image])
        self.redraw()

    @torch.no_grad()
    def _curves(self, max_pixels: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        ns = np.arange(0, max_pixels + 1, 5)
        out = {}
        for kind in edits.KINDS:
            batch = torch.stack(
                [edits.edit(self.digit, int(n), kind, self.seed) for n in ns]
            )
            out[kind] = (
                edits.mse(batch, self.digit.expand_as(batch)).numpy(),
                self.score(batch).float().numpy(),
            )
        return out

    def redraw(self) -> None:
        n, kind = self.n.value, self.kind.value
        edited = edits.edit(self.digit, n, kind, self.seed)
        ns = np.arange(0, self.n.max + 1, 5)
        fig, (left, right) = viz.figure(ncols=2, size=3.4)
        viz.show_images(left, edited[None], nrow=1)
        i = n // 5
        mse_values = self.curves[kind][0]
        left.set_title(
            f"{kind}: {n} pixels\nMSE {mse_values[i]:.3f} · "
            f"{self.score_name} {self.curves[kind][1][i]:.2f}"
        )
        right.plot(ns, mse_values, "k--", label="MSE (every edit)")
        for name, (_, score) in self.curves.items():
            right.plot(ns, score, lw=2.5 if name == kind else 1.0, label=name)
        right.axvline(n, color="gray", lw=0.8)
        right.set(xlabel="pixels changed", ylim=(-0.02, 1.02), title=self.score_name)
        right.legend(frameon=False, fontsize=8)
        self.image.value = viz.to_png(fig)
