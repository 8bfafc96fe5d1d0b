"""The widget of the chapter *InfoGAN*: latent traversals of the continuous codes.

:class:`TraversalExplorer` is an :class:`~gantutor.widgets.base.Explorer`: the
built book shows its first drawing without a kernel, and tests move its
controls and compare the PNGs. The traversals and their measurements are
computed by the chapter (:func:`gantutor.labs.editing.traversal`,
:func:`gantutor.labs.conditional.slant`, ...); the widget only draws them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ipywidgets as W
from matplotlib.figure import Figure
from torch import Tensor

from gantutor import viz
from gantutor.widgets.base import Explorer


class TraversalExplorer(Explorer):
    """Buttons pick a category and a continuous code; the figure shows the code
    traversed (columns) for several noises z (rows), beside what was measured
    along the traversal.

    ``traversals`` (K, n_codes, R, S, 1, H, W): entry [k, j] from
    :func:`gantutor.labs.editing.traversal` for category k and code j;
    ``values`` (S,): the code's values, one per column; ``measures`` maps a
    name (``"slant"``) to its mean over the rows, (K, n_codes, S), each drawn
    on its own axes with the other codes' curves in grey. ``draw(k, j)``
    returns the figure.
    """

    def __init__(
        self,
        traversals: Tensor,
        values: Tensor,
        measures: Mapping[str, Tensor] | None = None,
        code_names: Sequence[str] | None = None,
        category_names: Sequence[str] | None = None,
    ):
        if traversals.dim() != 7:
            raise ValueError(
                f"traversals must be (K, n_codes, R, S, C, H, W), got "
                f"{tuple(traversals.shape)}"
            )
        k, m, _, s = traversals.shape[:4]
        if len(values) != s:
            raise ValueError(f"{len(values)} values for traversals of {s} steps")
        self.measures = dict(measures or {})
        for name, v in self.measures.items():
            if v.shape != (k, m, s):
                raise ValueError(
                    f"measure {name!r} must be (K, n_codes, S) = {(k, m, s)}, "
                    f"got {tuple(v.shape)}"
                )
        self.traversals, self.values = traversals, values
        self.code_names = list(code_names or [f"c{j + 1}" for j in range(m)])
        self.category_names = list(category_names or [str(c) for c in range(k)])
        self.category = W.ToggleButtons(
            options=[(name, c) for c, name in enumerate(self.category_names)],
            description="category",
            style={"button_width": "2.6em"},
        )
        self.code = W.ToggleButtons(
            options=[(name, j) for j, name in enumerate(self.code_names)],
            description="code",
        )
        super().__init__(self.category, self.code)

    def draw(self, k: int, j: int) -> Figure:
        n_plots = len(self.measures)
        fig = Figure(figsize=(4.6 + 2.8 * bool(n_plots), 4.0), layout="constrained")
        grid = fig.add_gridspec(max(n_plots, 1), 2, width_ratios=[1.7, 1])
        ax = fig.add_subplot(grid[:, 0] if n_plots else grid[:, :])
        x = self.traversals[k, j]  # (R, S, C, H, W)
        viz.show_images(ax, x.flatten(0, 1), nrow=x.shape[1])
        lo, hi = float(self.values[0]), float(self.values[-1])
        ax.set_title(
            f"category {self.category_names[k]}: {self.code_names[j]} from "
            f"{lo:g} to {hi:g} (columns), one noise z per row",
            fontsize=9,
        )
        v = self.values.numpy()
        for row, (name, measure) in enumerate(self.measures.items()):
            axm = fig.add_subplot(grid[row, 1])
            for other in range(measure.shape[1]):
                if other != j:
                    axm.plot(v, measure[k, other].numpy(), color="0.75", lw=1)
            axm.plot(v, measure[k, j].numpy(), "o-", color=viz.FAKE, ms=3)
            axm.set_title(f"{name} along {self.code_names[j]}", fontsize=9)
            axm.tick_params(labelsize=8)
            if row == n_plots - 1:
                axm.set_xlabel(f"value of {self.code_names[j]}", fontsize=9)
        return fig
