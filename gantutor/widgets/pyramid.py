"""A LAPGAN explorer: pick an image and a level, see what that level added.

An :class:`~gantutor.widgets.base.Explorer`: the built book embeds the first
drawing. The images come from :meth:`gantutor.models.LAPGAN.sample` or, for real
images, :meth:`gantutor.models.LevelSamples.of_pyramid` (chapter *LAPGAN*).
"""

from __future__ import annotations

from collections.abc import Mapping

import ipywidgets as W
from matplotlib.figure import Figure

from gantutor import viz
from gantutor.models.lapgan import LevelSamples
from gantutor.widgets.base import Explorer, slider


class PyramidExplorer(Explorer):
    """Coarse image, residual, result: one level of one image built coarse to fine.

    ``runs`` maps a name (a generator, "real images") to its
    :class:`LevelSamples`, all with the same number of images and levels. For
    level j the panels show l = u(Ĩ) that the level received, the band h̃ it
    added (scaled to fill the grey range, the factor in the title), the result
    l + h̃, and the final image.
    """

    def __init__(self, runs: Mapping[str, LevelSamples], description: str = "images"):
        shapes = {
            (len(r.final), tuple(x.shape[-1] for x in r.images)) for r in runs.values()
        }
        if not runs or len(shapes) != 1:
            raise ValueError(
                "PyramidExplorer needs at least one run, all with as many images and "
                "the same sizes per level; got "
                + ", ".join(
                    f"{k}: {len(r.final)} images of sizes "
                    f"{[x.shape[-1] for x in r.images]}"
                    for k, r in runs.items()
                )
            )
        ((n, sizes),) = shapes
        if len(sizes) < 2:
            raise ValueError("the samples must have at least one conditional level")
        self.runs = dict(runs)
        self.run = W.ToggleButtons(options=list(self.runs), description=description)
        self.index = slider("image", 0, 0, n - 1)
        levels = [(f"{sizes[j]} → {sizes[j + 1]} px", j) for j in range(len(sizes) - 1)]
        self.level = W.ToggleButtons(options=levels, value=0, description="level")
        super().__init__(self.run, [self.index, self.level])

    def draw(self, name: str, i: int, j: int) -> Figure:
        run = self.runs[name]
        coarse, band = run.coarse[j][i : i + 1], run.residuals[j][i : i + 1]
        gain = 1.0 / max(band.abs().max().item(), 1e-8)
        fig, axes = viz.figure(ncols=4, size=2.4)
        size = coarse.shape[-1]
        viz.show_images(axes[0], coarse, 1, f"received: u(Ĩ), {size} px")
        viz.show_images(axes[1], band * gain, 1, f"added: h̃ (× {gain:.1f})")
        viz.show_images(axes[2], run.images[j + 1][i : i + 1], 1, "result: u(Ĩ) + h̃")
        viz.show_images(axes[3], run.final[i : i + 1], 1, "final image")
        fig.suptitle(f"{name}, image {i}, level {j + 1} of {len(run.residuals)}")
        return fig
