"""Figures: sample grids, 2-D scatter over D's surface, loss curves, animations.

Every function builds a :class:`matplotlib.figure.Figure` without pyplot, so a
figure appears in a notebook exactly once: where the cell returns or displays it.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import matplotlib
import numpy as np
import torch
from matplotlib.animation import FuncAnimation
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from torch import Tensor

from gantutor.data.images import to_unit

if TYPE_CHECKING:
    from gantutor.train.callbacks import Snapshot2D
    from gantutor.train.history import History

REAL, FAKE = "#1f77b4", "#d62728"


def figure(
    ncols: int = 1, size: float = 3.6, nrows: int = 1
) -> tuple[Figure, np.ndarray]:
    """A figure with a grid of axes (always returned as a flat array)."""
    fig = Figure(figsize=(size * ncols, size * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False)
    return fig, axes.ravel()


def to_png(fig: Figure, dpi: int = 80) -> bytes:
    """The figure as PNG bytes (for image widgets)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def image_grid(
    x: Tensor, nrow: int = 8, padding: int = 1, pad_value: float = 1.0
) -> Tensor:
    """Images (B, C, H, W) tiled in rows of ``nrow``, as one (H', W', C') image.

    Grey images get three channels; a ``padding``-pixel border of ``pad_value``
    surrounds every tile, and a single image comes back as it is. The layout of
    ``torchvision.utils.make_grid``, without importing torchvision.
    """
    if nrow < 1:
        raise ValueError(f"nrow must be at least 1, got {nrow}")
    x = x.expand(-1, 3, -1, -1) if x.shape[1] == 1 else x  # (B, C, H, W)
    if len(x) == 1:
        return x[0].permute(1, 2, 0)
    cols = min(nrow, len(x))
    rows = -(-len(x) // cols)
    b, c, h, w = x.shape
    grid = torch.full(
        (c, rows * (h + padding) + padding, cols * (w + padding) + padding),
        pad_value,
        dtype=x.dtype,
    )
    for k, image in enumerate(x):  # (C, H, W)
        top = (k // cols) * (h + padding) + padding
        left = (k % cols) * (w + padding) + padding
        grid[:, top : top + h, left : left + w] = image
    return grid.permute(1, 2, 0)  # (H', W', C)


def show_images(ax: Axes, x: Tensor, nrow: int = 8, title: str | None = None) -> None:
    """Draw images in [-1, 1], shape (B, C, H, W), as one grid on ``ax``."""
    if x.dim() != 4:
        raise ValueError(f"images must have shape (B, C, H, W), got {tuple(x.shape)}")
    grid = image_grid(to_unit(x.detach().float().cpu()), nrow)  # (H, W, 3)
    ax.imshow(grid.numpy(), interpolation="nearest")
    ax.set_axis_off()
    if title:
        ax.set_title(title)


def sample_grid(
    x: Tensor, nrow: int = 8, title: str | None = None, size: float = 4.0
) -> Figure:
    """A figure of images in [-1, 1] laid out in rows of ``nrow``."""
    fig, (ax,) = figure(size=size)
    show_images(ax, x, nrow, title)
    return fig


def scatter_2d(
    ax: Axes,
    x_real: Tensor | None = None,
    x_fake: Tensor | None = None,
    snapshot: Snapshot2D | None = None,
    lim: float = 3.0,
    arrows: bool = True,
) -> None:
    """Real and fake points; with a snapshot, D's surface and G's pull.

    A ``"probability"`` surface is drawn on [0, 1]; a ``"score"`` surface on a
    scale symmetric about its mean (red: more real than average).
    """
    if snapshot is not None:
        lim = snapshot.lim
        if snapshot.kind == "probability":
            vmin, vmax = 0.0, 1.0
        else:
            vmax = float(snapshot.surface.abs().max().clamp_min(1e-12))
            vmin = -vmax
        ax.imshow(
            snapshot.surface.numpy(),
            origin="lower",
            extent=(-lim, lim, -lim, lim),
            cmap="RdBu_r",
            vmin=vmin,
            vmax=vmax,
            alpha=0.55,
        )
        x_fake = snapshot.x_fake
    if x_real is not None:
        ax.scatter(*x_real.cpu().T, s=4, c=REAL, alpha=0.4, label="real")
    if x_fake is not None:
        ax.scatter(*x_fake.detach().cpu().T, s=4, c=FAKE, alpha=0.7, label="G(z)")
    if snapshot is not None and arrows:
        push = snapshot.push
        push = push / push.norm(dim=1).max().clamp_min(1e-12)  # longest arrow = 1
        step = max(1, len(push) // 150)
        xs, ps = snapshot.x_fake[::step], push[::step]
        ax.quiver(
            xs[:, 0],
            xs[:, 1],
            ps[:, 0],
            ps[:, 1],
            angles="xy",
            scale_units="xy",
            scale=2.5,
            width=0.004,
            color="k",
            alpha=0.7,
        )
    ax.set(xlim=(-lim, lim), ylim=(-lim, lim), aspect="equal")
    ax.set_xticks([]), ax.set_yticks([])


def draw_snapshot(ax: Axes, snapshot: Snapshot2D, x_real: Tensor | None = None) -> None:
    """One frame of a 2-D GAN's training: surface, samples, arrows and the step."""
    scatter_2d(ax, x_real, snapshot=snapshot)
    ax.set_title(f"step {snapshot.step}")


def loss_curves(
    history: History, ax: Axes | None = None, title: str = "losses", smooth: int = 0
) -> Figure | None:
    """Loss of every step (faint) and a moving average (solid)."""
    fig = None
    if ax is None:
        fig, (ax,) = figure(size=3.2)
        fig.set_size_inches(5.5, 3.0)
    steps = np.asarray(history.steps)
    for name, values in history.losses.items():
        values = np.asarray(values)
        window = smooth or max(1, len(values) // 50)
        kernel = np.ones(window) / window
        mean = np.convolve(values, kernel, mode="valid")
        (line,) = ax.plot(steps, values, alpha=0.25, lw=0.8)
        ax.plot(steps[window - 1 :], mean, color=line.get_color(), label=name)
    ax.set(xlabel="step", title=title)
    ax.legend(frameon=False)
    return fig


def animate(
    frames: Sequence,
    draw: Callable[[Axes, object], None],
    size: float = 3.6,
    interval: int = 250,
):
    """Turn snapshots into a JavaScript animation that plays in a static page.

    ``draw(ax, frame)`` draws one frame on a cleared axis. Returns an
    ``IPython.display.HTML`` object (no kernel is needed to play it).
    """
    from IPython.display import HTML

    if not frames:
        raise ValueError("animate() needs at least one frame")
    fig, (ax,) = figure(size=size)

    def update(i: int):
        ax.clear()
        draw(ax, frames[i])
        return []

    matplotlib.rcParams["animation.embed_limit"] = 40  # MB
    anim = FuncAnimation(fig, update, frames=len(frames), interval=interval, blit=False)
    return HTML(anim.to_jshtml(fps=1000 / interval, default_mode="once"))


def images_over_training(snapshots: Sequence[tuple[int, Tensor]], nrow: int = 8):
    """An animation of image snapshots ``(step, images)`` from ``ImageSnapshots``."""

    def draw(ax: Axes, frame) -> None:
        step, x = frame
        show_images(ax, x, nrow, f"step {step}")

    return animate(snapshots, draw, size=4.0)


def glue(name: str, value) -> None:
    """Keep ``value`` for the page's ``{glue:text}`name:fmt``` roles (myst-nb's glue).

    A number in the prose then comes from the executed cell, not from a run typed
    by hand. Outside a Jupyter Book build (Colab, plain Jupyter, where myst-nb is not
    installed) it does nothing and the role shows as written.
    """
    try:
        from myst_nb import glue as nb_glue
    except ImportError:
        return
    nb_glue(name, value, display=False)


def _show_figures_in_ipython() -> None:
    """Let IPython show a returned :class:`Figure` as a PNG.

    Without pyplot, nothing registers a formatter for ``Figure`` (only
    ``%matplotlib inline`` does), and a cell ending in ``fig`` shows its text repr.
    """
    try:
        from IPython import get_ipython
        from IPython.core.pylabtools import print_figure
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None:
        png = shell.display_formatter.formatters["image/png"]
        png.for_type(Figure, lambda fig: print_figure(fig, "png"))


_show_figures_in_ipython()
