"""Explorers of a conditional generator: which class, and what the noise keeps.

Each is an :class:`~gantutor.widgets.base.Explorer`: the built book embeds the
first drawing, so it shows without a kernel. The images are computed beforehand
by :func:`gantutor.labs.conditional.class_grid` (chapter *cGAN*).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ipywidgets as W
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from torch import Tensor

from gantutor import viz
from gantutor.widgets.base import Explorer


class ClassGridExplorer(Explorer):
    """A class picker over grids G(z_j, k) of fixed noise: z holds the style.

    ``grids`` maps a run's name to its images (n_classes, n_z, C, H, W) in
    [-1, 1], the same noise z_j in column j of every class (from
    :func:`gantutor.labs.conditional.class_grid`). Left: the picked class for
    every z_j, ``nrow`` a row. Right: every class (rows) for the first
    ``columns`` z_j, the picked class framed. ``notes`` maps a run to one line
    per class (e.g. its class accuracy), shown under the left title.
    """

    def __init__(
        self,
        grids: Mapping[str, Tensor],
        notes: Mapping[str, Sequence[str]] | None = None,
        nrow: int = 4,
        columns: int = 8,
        description: str = "run",
    ):
        shapes = {tuple(g.shape) for g in grids.values()}
        if not grids or len(shapes) != 1:
            raise ValueError(
                "ClassGridExplorer needs at least one run and grids of one shape "
                "(n_classes, n_z, C, H, W); got "
                + ", ".join(f"{k}: {tuple(g.shape)}" for k, g in grids.items())
            )
        (shape,) = shapes
        if len(shape) != 5:
            raise ValueError(f"a grid must be (n_classes, n_z, C, H, W), got {shape}")
        self.grids, self.nrow = dict(grids), nrow
        self.columns = min(columns, shape[1])
        self.notes = {k: list(v) for k, v in (notes or {}).items()}
        self.run = W.ToggleButtons(options=list(self.grids), description=description)
        self.label = W.ToggleButtons(
            options=list(range(shape[0])),
            description="class",
            style={"button_width": "34px"},
        )
        super().__init__(self.run, self.label)

    def draw(self, name: str, k: int) -> Figure:
        grid = self.grids[name]  # (n_classes, n_z, C, H, W)
        n_classes, _, _, h, _ = grid.shape
        fig, (left, right) = viz.figure(ncols=2, size=4.0)
        fig.set_size_inches(8.6, 4.4)
        note = self.notes.get(name, [])
        title = f"{name}: class {k}" + (f"\n{note[k]}" if k < len(note) else "")
        viz.show_images(left, grid[k], self.nrow, title)
        table = grid[:, : self.columns].flatten(0, 1)  # (n_classes · columns, ...)
        viz.show_images(right, table, self.columns, "every class, one z per column")
        tile = h + 1  # image_grid puts a 1-pixel border between tiles
        frame = Rectangle(
            (-0.5, k * tile - 0.5),
            self.columns * tile + 1,
            tile + 1,
            fill=False,
            edgecolor="#d62728",
            linewidth=2,
        )
        right.add_patch(frame)
        return fig
