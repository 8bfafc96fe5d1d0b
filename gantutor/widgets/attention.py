"""The widget of the chapter *SAGAN*: where a query position of a generated image looks.

:class:`AttentionExplorer` is an :class:`~gantutor.widgets.base.Explorer`: the
built book shows its first drawing without a kernel, and tests move its
controls and compare the PNGs. The images and their attention maps come from
the chapter (:meth:`gantutor.models.sagan.SAGANGenerator.attend`); the widget
only draws them.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from torch import Tensor

from gantutor.data.images import to_unit
from gantutor.widgets.base import Explorer, slider


class AttentionExplorer(Explorer):
    """Sliders pick an image and a query position (column x, row y) of the
    attention map; the figure shows the image with the query marked, and the
    query's row of β as a heatmap over the image.

    ``images`` (B, C, H, W) in [-1, 1]; ``maps`` (B, N, N) with N = n², the maps
    of :meth:`~gantutor.models.sagan.SAGANGenerator.attend` on an n × n grid
    (positions row-major). With ``mirror=True`` the query's mirror image (column
    n − 1 − x) is outlined too: where a symmetric sprite's partner lies.
    ``draw(i, x, y)`` returns the figure.
    """

    def __init__(self, images: Tensor, maps: Tensor, mirror: bool = True):
        if images.dim() != 4 or maps.dim() != 3 or len(images) != len(maps):
            raise ValueError(
                f"images must be (B, C, H, W) and maps (B, N, N) for the same B; got "
                f"{tuple(images.shape)} and {tuple(maps.shape)}"
            )
        side = round(maps.shape[1] ** 0.5)
        if side * side != maps.shape[1] or maps.shape[2] != maps.shape[1]:
            raise ValueError(
                f"maps must be (B, n², n²): one row per query of an n × n grid; "
                f"got {tuple(maps.shape)}"
            )
        if images.shape[-1] != images.shape[-2] or images.shape[-1] % side:
            raise ValueError(
                f"images must be square and the {side} × {side} grid of the maps "
                f"must divide their size; got {tuple(images.shape[-2:])}"
            )
        self.images = to_unit(images.detach().cpu()).permute(0, 2, 3, 1).numpy()
        self.maps = maps.detach().cpu().unflatten(2, (side, side)).numpy()
        self.side, self.mirror = side, mirror
        self.index = slider("image", 0, 0, len(images) - 1)
        self.x = slider("query x", side // 4, 0, side - 1)
        self.y = slider("query y", side // 2, 0, side - 1)
        super().__init__(self.index, [self.x, self.y])

    def draw(self, i: int, x: int, y: int) -> Figure:
        image = self.images[i]  # (H, W, C)
        if image.shape[-1] == 1:
            image = image.repeat(3, axis=-1)
        beta = self.maps[i, y * self.side + x]  # (n, n)
        cell = image.shape[0] / self.side  # pixels per position of the map
        fig = Figure(figsize=(7.2, 3.6), layout="constrained")
        left, right = fig.subplots(1, 2)
        left.imshow(image, interpolation="nearest")
        right.imshow(image.mean(-1), cmap="gray", interpolation="nearest")
        heat = np.kron(beta, np.ones((int(cell), int(cell))))  # (H, W)
        shown = right.imshow(heat, cmap="magma", alpha=0.7, interpolation="nearest")
        fig.colorbar(shown, ax=right, shrink=0.8, label="attention weight")
        spots = [(x, "-")] + [(self.side - 1 - x, "--")] * self.mirror
        for ax in (left, right):
            for column, style in spots:
                ax.add_patch(_square(column, y, cell, style))
            ax.set(xticks=[], yticks=[])
        share = beta[y, self.side - 1 - x] if self.mirror else beta.max()
        what = "at the mirror position" if self.mirror else "at the peak"
        left.set_title(f"image {i}, query ({x}, {y})")
        right.set_title(f"where it attends ({share:.0%} {what})")
        return fig


def _square(column: int, row: int, cell: float, style: str) -> Rectangle:
    """An outlined square over position (column, row) of the map, in pixels."""
    corner = (column * cell - 0.5, row * cell - 0.5)
    return Rectangle(corner, cell, cell, fill=False, ec="cyan", lw=2, ls=style)
