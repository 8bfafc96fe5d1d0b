"""The widget of the chapter *IcGAN*: pick a real digit and a class, see its edit.

:class:`EditExplorer` is an :class:`~gantutor.widgets.base.Explorer`: the built
book shows its first drawing without a kernel, and tests move its controls and
compare the PNGs. It draws what the chapter computed with
:mod:`gantutor.labs.editing`; it computes nothing itself.
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as W
from matplotlib.figure import Figure
from torch import Tensor

from gantutor import viz
from gantutor.widgets.base import Explorer, slider


class EditExplorer(Explorer):
    """A slider picks a real digit, buttons a target class; the figure shows the
    digit, its reconstruction and its edit, above the digit drawn as every class.

    ``x`` (N, 1, H, W): real digits; ``edits`` (N, K, 1, H, W): ``edits[i, k]`` =
    G(E_z(x_i), k); ``y_hat`` (N,): E_y's label, whose entry of ``edits`` is the
    reconstruction; ``read`` (N, K), optional: the classifier's class of each
    edit, shown in the titles. ``draw(i, k)`` returns the figure.
    """

    def __init__(
        self,
        x: Tensor,
        edits: Tensor,
        y_hat: Tensor,
        read: Tensor | None = None,
        class_names: Sequence[str] | None = None,
    ):
        n, k = edits.shape[:2]
        bad_read = read is not None and read.shape != (n, k)
        if len(x) != n or len(y_hat) != n or bad_read:
            raise ValueError(
                f"x, edits, y_hat (and read) must describe the same {n} digits and "
                f"{k} classes; got {len(x)}, {tuple(edits.shape[:2])}, {len(y_hat)}"
                + ("" if read is None else f", {tuple(read.shape)}")
            )
        self.x, self.edits, self.y_hat, self.read = x, edits, y_hat, read
        self.names = list(class_names or [str(c) for c in range(k)])
        self.digit = slider("digit", 0, 0, n - 1)
        self.target = W.ToggleButtons(
            options=[(name, c) for c, name in enumerate(self.names)],
            value=(int(y_hat[0]) + 1) % k,
            description="target",
            style={"button_width": "2.6em"},
        )
        super().__init__(self.digit, self.target)

    def _read(self, i: int, k: int) -> str:
        if self.read is None:
            return ""
        return f"\nread as {self.names[int(self.read[i, k])]}"

    def draw(self, i: int, k: int) -> Figure:
        fig = Figure(figsize=(7.6, 4.2), layout="constrained")
        top, bottom = fig.subfigures(2, 1, height_ratios=[2.2, 1])
        axes = top.subplots(1, 3)
        own = int(self.y_hat[i])
        panels = [
            (self.x[i], f"real digit #{i}"),
            (self.edits[i, own], f"reconstruction\nE_y: {self.names[own]}"),
            (self.edits[i, k], f"edit to {self.names[k]}" + self._read(i, k)),
        ]
        for ax, (image, title) in zip(axes, panels, strict=True):
            viz.show_images(ax, image[None], title=title)
        row = bottom.subplots(1, len(self.names))
        for c, ax in enumerate(row):
            viz.show_images(ax, self.edits[i, c][None])
            ax.set_title(self.names[c], fontsize=9, color="C3" if c == k else "0.3")
            if c == k:
                ax.set_axis_on()
                ax.set(xticks=[], yticks=[])
                for spine in ax.spines.values():
                    spine.set(color="C3", linewidth=2)
        bottom.suptitle("the same code z drawn as every class", fontsize=9)
        return fig
