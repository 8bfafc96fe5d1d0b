"""The widget of the chapter *One mapping and its collapse*: 2-D maps over training.

:class:`MapExplorer` is an :class:`~gantutor.widgets.base.Explorer`: the built
book shows its first drawing without a kernel, and tests move its controls and
compare the PNGs. The chapter trains the maps and records where they send a
fixed set of points of domain A; the widget draws them, with the counts of
:func:`gantutor.labs.collapse.map_counts`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ipywidgets as W
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from torch import Tensor

from gantutor.data.toy import Mixture
from gantutor.labs import collapse as lab
from gantutor.widgets.base import Explorer, slider, snapshot_slider


def mode_colours(n: int) -> np.ndarray:
    """``n`` colours (n, 4) around the hue circle: one per mode of A."""
    from matplotlib import colormaps

    return colormaps["hsv"](np.arange(n) / n)


def draw_points(
    ax: Axes, x: Tensor, k: Tensor, colours: np.ndarray, centres: Tensor, title: str
) -> None:
    """Points ``x`` (n, 2) coloured by their A mode ``k``, the centres as crosses."""
    x, centres = x.numpy(), centres.numpy()
    ax.scatter(centres[:, 0], centres[:, 1], marker="x", c="0.5", s=40, lw=1)
    ax.scatter(x[:, 0], x[:, 1], c=colours[k.numpy()], s=6, alpha=0.6, lw=0)
    ax.set(title=title, aspect="equal", xticks=[], yticks=[])


class MapExplorer(Explorer):
    """Buttons pick a method, sliders a seed and a training snapshot; the figure
    shows domain A coloured by mode, where the map sends those points in B, and
    the counts mode of A → mode of B.

    ``maps`` names each method's outputs, (n_seeds, S, n, 2): G_ab(a) at each of
    S snapshots of each seed; ``a`` (n, 2) the points of A and ``k_a`` (n,) their
    modes; ``source`` and ``target`` the two domains; ``steps`` the S step
    numbers. ``draw(method, seed, snapshot)`` returns the figure.
    """

    def __init__(
        self,
        maps: Mapping[str, Tensor],
        a: Tensor,
        k_a: Tensor,
        source: Mixture,
        target: Mixture,
        steps: Sequence[int],
    ):
        shapes = {tuple(m.shape) for m in maps.values()}
        if not maps or len(shapes) != 1:
            raise ValueError(
                f"maps must be one or more tensors of one shape, got {shapes or 'none'}"
            )
        n_seeds, n_snapshots, n, dim = next(iter(shapes))
        if dim != 2 or a.shape != (n, 2) or k_a.shape != (n,):
            raise ValueError(
                f"maps (n_seeds, S, n, 2), a (n, 2) and k_a (n,) must agree; got "
                f"{(n_seeds, n_snapshots, n, dim)}, {tuple(a.shape)}, "
                f"{tuple(k_a.shape)}"
            )
        if len(steps) != n_snapshots:
            raise ValueError(f"{len(steps)} step numbers for {n_snapshots} snapshots")
        self.maps, self.a, self.k_a = dict(maps), a.cpu(), k_a.cpu()
        self.source, self.target, self.steps = source, target, list(steps)
        self.colours = mode_colours(len(source.centres))
        self.method = W.ToggleButtons(options=list(self.maps), description="method")
        self.seed = slider("seed", 0, 0, n_seeds - 1)
        self.snapshot = snapshot_slider(n_snapshots)
        super().__init__(self.method, [self.seed, self.snapshot])

    def draw(self, method: str, seed: int, snapshot: int) -> Figure:
        x_out = self.maps[method][seed, snapshot].cpu()  # (n, 2)
        counts = lab.map_counts(x_out, self.k_a, self.target, len(self.source.centres))
        fig = Figure(figsize=(10.5, 3.6), layout="constrained")
        ax_a, ax_b, ax_c = fig.subplots(1, 3)
        title = f"G_ab(a) in B: {method}, step {self.steps[snapshot]:,}"
        draw_points(ax_a, self.a, self.k_a, self.colours, self.source.centres,
                    "domain A, coloured by mode")  # fmt: skip
        draw_points(ax_b, x_out, self.k_a, self.colours, self.target.centres, title)
        both = torch.cat([self.source.centres, self.target.centres])  # (K_a + K_b, 2)
        lim = both.abs().max().item() + 0.6  # the same square for both domains
        for ax in (ax_a, ax_b):
            ax.set(xlim=(-lim, lim), ylim=(-lim, lim))
        reached, majority = lab.modes_reached(counts), lab.majority_fraction(counts)
        ax_c.imshow(counts.numpy(), cmap="Greys")
        ax_c.set(xlabel="mode of B", ylabel="mode of A",
                 xticks=range(counts.shape[1]), yticks=range(counts.shape[0]),
                 title=f"{reached} of {counts.shape[1]} modes of B reached\n"
                       f"majority {majority:.0%}")  # fmt: skip
        for i in range(counts.shape[0]):
            ax_c.add_patch(_marker(i, counts.shape[1], self.colours[i]))
        return fig


def _marker(row: int, n_columns: int, colour: np.ndarray):
    """A small square of the mode's colour right of its row of the counts."""
    from matplotlib.patches import Rectangle

    return Rectangle((n_columns - 0.35, row - 0.4), 0.4, 0.8, color=colour,
                     clip_on=False)  # fmt: skip
