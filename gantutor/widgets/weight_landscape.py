"""Figures and a widget for loss landscapes in weight space (GAN and WGAN-GP).

Chapter *Loss landscapes in parameter space*. The landscapes are computed
beforehand with :mod:`gantutor.labs.weight_landscape` and passed in as

    landscapes[run][net] = [(step, Landscape), ...]     # run: "GAN", net: "D"/"G"

one list of snapshots per run and player, all of the same length. The widget is
an :class:`~gantutor.widgets.base.Explorer`: moving a control only draws.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ipywidgets as W
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from mpl_toolkits.mplot3d import Axes3D

from gantutor import viz
from gantutor.labs.weight_landscape import Landscape, curvature
from gantutor.widgets.base import Explorer, common_length, slider, snapshot_slider

Landscapes = Mapping[str, Mapping[str, Sequence[tuple[int, Landscape]]]]
PLAYER = {"D": "D's loss, moving D (G fixed)", "G": "G's loss, moving G (D fixed)"}
RUN_COLORS = {"GAN": "C0", "WGAN-GP": "C3"}


def draw_contour(
    ax: Axes, land: Landscape, title: str = "", levels: int = 20, colorbar: bool = True
) -> None:
    """Filled contours of f(α, β), the trained weights (+), the grid's minimum (×)."""
    a, b, f = land.alphas.numpy(), land.betas.numpy(), land.values.numpy()
    filled = ax.contourf(a, b, f, levels=levels, cmap="viridis")
    ax.contour(a, b, f, levels=levels, colors="k", linewidths=0.3, alpha=0.5)
    if colorbar:
        ax.figure.colorbar(filled, ax=ax, shrink=0.8)
    j, i = np.unravel_index(np.argmin(f), f.shape)
    ax.plot(0, 0, "w+", ms=12, mew=2, label="trained θ*")
    ax.plot(a[i], b[j], "rx", ms=9, mew=2, label="lowest on grid")
    ax.set(xlabel="α (direction d₁)", ylabel="β (direction d₂)", aspect="equal")
    ax.set_title(title, fontsize=9)


def draw_surface(
    ax: Axes3D, land: Landscape, elevation: float = 35, azimuth: float = -60
) -> None:
    """f(α, β) as a 3-D surface seen from ``elevation`` and ``azimuth`` (degrees)."""
    aa, bb = np.meshgrid(land.alphas.numpy(), land.betas.numpy())  # (n, n)
    ax.plot_surface(aa, bb, land.values.numpy(), cmap="viridis", lw=0, alpha=0.95)
    ax.scatter([0], [0], [land.center], color="w", edgecolor="k", s=40, zorder=5)
    ax.view_init(elev=elevation, azim=azimuth)
    ax.set(xlabel="α", ylabel="β", zlabel="loss")


def landscape_figure(
    land: Landscape, title: str = "", elevation: float = 35, azimuth: float = -60
) -> Figure:
    """Contour and surface of one landscape, side by side."""
    fig = Figure(figsize=(9.5, 4.0), layout="constrained")
    draw_contour(fig.add_subplot(1, 2, 1), land, title)
    draw_surface(fig.add_subplot(1, 2, 2, projection="3d"), land, elevation, azimuth)
    return fig


def slices_figure(landscapes: Landscapes, width: float | None = None) -> Figure:
    """f(α, 0) − f(0, 0) of the last snapshot, per player, one line per run.

    The legend gives f''(0) from :func:`gantutor.labs.weight_landscape.curvature`.
    """
    fig, axes = viz.figure(ncols=2, size=3.8)
    fig.set_size_inches(9.5, 3.6)
    for ax, net in zip(axes, ("D", "G"), strict=True):
        for run, nets in landscapes.items():
            land = nets[net][-1][1]
            for axis, style in (("alpha", "-"), ("beta", "--")):
                t, f = land.slice(axis)
                label = f"{run}, {axis}: f''(0) = {curvature(t, f, width):.2f}"
                ax.plot(t, f - land.center, style, label=label,
                        color=RUN_COLORS.get(run))  # fmt: skip
        ax.axhline(0, color="0.6", lw=0.8)
        ax.set(xlabel="step along the direction", ylabel="f − f(0)",
               title=PLAYER[net])  # fmt: skip
        ax.legend(frameon=False, fontsize=7)
    return fig


def snapshot_grid(landscapes: Landscapes, net: str = "D") -> Figure:
    """Contours of one player's landscape: a row per run, a column per snapshot."""
    runs = list(landscapes)
    n_snap = len(landscapes[runs[0]][net])
    fig, axes = viz.figure(ncols=n_snap, nrows=len(runs), size=2.6)
    for r, run in enumerate(runs):
        for c, (step, land) in enumerate(landscapes[run][net]):
            ax = axes[r * n_snap + c]
            draw_contour(ax, land, f"{run} · step {step}", 15, colorbar=False)
            ax.set(xlabel="", ylabel="")
    fig.suptitle(PLAYER[net])
    return fig


class LandscapeExplorer(Explorer):
    """Choose a run, a player, a snapshot and a view (contour or 3-D surface).

    Everything is precomputed: the callbacks only draw. The elevation and
    azimuth sliders act on the surface view (disabled for contours).
    """

    def __init__(self, landscapes: Landscapes):
        lists = {
            f"{run}/{net}": snaps
            for run, nets in landscapes.items()
            for net, snaps in nets.items()
        }
        n = common_length(lists, "LandscapeExplorer", "snapshots")
        self.landscapes = landscapes
        self.run = W.ToggleButtons(options=list(landscapes), description="run")
        self.net = W.ToggleButtons(options=["D", "G"], description="player")
        self.view = W.ToggleButtons(options=["contour", "surface"], description="view")
        self.snapshot = snapshot_slider(n)
        self.elevation = slider("elevation", 35, 0, 90)
        self.azimuth = slider("azimuth", -60, -180, 180)
        super().__init__(
            [self.run, self.net],
            [self.view, self.snapshot],
            [self.elevation, self.azimuth],
        )

    def draw(
        self, run: str, net: str, view: str, i: int, elevation: int, azimuth: int
    ) -> Figure:
        step, land = self.landscapes[run][net][i]
        title = f"{run} · step {step} · {PLAYER[net]}"
        fig = Figure(figsize=(5.2, 4.4), layout="constrained")
        if view == "contour":
            draw_contour(fig.add_subplot(), land, title)
        else:
            ax = fig.add_subplot(projection="3d")
            draw_surface(ax, land, elevation, azimuth)
            ax.set_title(title, fontsize=9)
        return fig

    def redraw(self) -> None:
        surface = self.view.value == "surface"
        self.elevation.disabled = self.azimuth.disabled = not surface
        super().redraw()
