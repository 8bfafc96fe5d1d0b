"""Gradient norms recorded during training: violins, histograms and a widget.

The widget is an :class:`~gantutor.widgets.base.Explorer`: a figure redrawn when
a control moves, whose first drawing the built book shows without a kernel.
Chapter *WGAN-GP*.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ipywidgets as W
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FormatStrFormatter, LogLocator, NullFormatter

from gantutor import viz
from gantutor.labs.gradients import LABELS, WHERE, NormRecord, norm_quantiles
from gantutor.widgets.base import Explorer, common_length, snapshot_slider


def draw_norms(
    ax: Axes,
    records: Sequence[NormRecord],
    where: str = "interpolates",
    target: float | None = 1.0,
    color: str = "C0",
) -> None:
    """Violins of log₁₀ ‖∇ₓD‖ at every record, against the step."""
    if not records:
        raise ValueError("draw_norms needs at least one record")
    logs = [r.at(where).clamp_min(1e-4).log10().numpy() for r in records]
    positions = np.arange(len(records))
    parts = ax.violinplot(logs, positions, widths=0.8, showmedians=True)
    for body in parts["bodies"]:
        body.set(facecolor=color, edgecolor=color, alpha=0.45)
    for key in ("cmedians", "cmins", "cmaxes", "cbars"):
        parts[key].set(color=color, lw=0.8)
    if target:
        ax.axhline(np.log10(target), color="k", lw=0.8, ls="--")
    _log_ticks(ax, np.concatenate(logs))
    labels = [str(r.step) for r in records]
    every = max(1, -(-len(records) // 5))  # at most 5 labels
    ax.set_xticks(positions[::every], labels[::every])
    ax.set(xlabel="step", ylabel=f"‖∇D‖ at the {LABELS[where]}")


def _log_ticks(ax: Axes, logs: np.ndarray) -> None:
    lo, hi = np.floor(logs.min()), np.ceil(logs.max())
    ticks = [t for t in np.arange(lo, hi + 1) if np.isfinite(t)]
    ax.set_yticks(ticks, [f"{10**t:g}" for t in ticks])


def norms_figure(
    runs: dict[str, Sequence[NormRecord]],
    where: str = "interpolates",
    target: float | None = 1.0,
    size: float = 3.4,
) -> Figure:
    """One panel of :func:`draw_norms` per run, side by side."""
    if not runs:
        raise ValueError("norms_figure needs at least one run")
    fig, axes = viz.figure(ncols=len(runs), size=size)
    for i, (ax, (name, records)) in enumerate(zip(axes, runs.items(), strict=True)):
        draw_norms(ax, records, where, target, color=f"C{i}")
        ax.set_title(name)
    return fig


def draw_histogram(
    ax: Axes, record: NormRecord, where: str = "interpolates",
    target: float | None = 1.0,
) -> None:  # fmt: skip
    """Histogram of the norms of one record, with its median and the target."""
    norms = record.at(where).numpy()
    ax.hist(norms, bins=40, color="C0", alpha=0.7)
    median = float(np.median(norms))
    ax.axvline(median, color="C3", label=f"median {median:.2f}")
    if target is not None:
        ax.axvline(target, color="k", ls="--", lw=0.8, label=f"target {target:g}")
    ax.set(xlabel=f"‖∇D‖ at the {LABELS[where]}", ylabel="samples")
    ax.set_title(f"step {record.step}")
    ax.legend(frameon=False, fontsize=8)


class NormExplorer(Explorer):
    """Pick a run, where the norms are taken, and a moment of training.

    ``runs`` maps a run's name (a λ, a penalty...) to its records from
    :class:`gantutor.labs.gradients.GradientNorms`; all runs need as many records.
    ``targets`` gives the norm each penalty pulls towards, per run (1 for
    WGAN-GP, 0 for R1); it is drawn as a dashed line. The left panel is the
    histogram of the norms at the chosen step, the right one their 10 %, 50 %
    and 90 % quantiles over the whole run, with the chosen step marked.
    """

    def __init__(
        self,
        runs: Mapping[str, Sequence[NormRecord]],
        targets: Mapping[str, float | None] | None = None,
        where: str = "interpolates",
        description: str = "run",
    ):
        n = common_length(runs, "NormExplorer", "records")
        if where not in WHERE:
            raise ValueError(f"where must be one of {WHERE}, got {where!r}")
        self.runs = {k: list(v) for k, v in runs.items()}
        self.targets = dict(targets or {})
        self.run = W.Dropdown(options=list(self.runs), description=description)
        self.moment = snapshot_slider(n)
        self.where = W.ToggleButtons(options=WHERE, value=where)
        super().__init__([self.run, self.moment], self.where)

    def draw(self, name: str, i: int, where: str) -> Figure:
        records = self.runs[name]
        target = self.targets.get(name, 1.0)
        fig, (left, right) = viz.figure(ncols=2, size=3.6)
        fig.set_size_inches(8.4, 3.4)
        draw_histogram(left, records[i], where, target)
        left.set_title(f"{name} · step {records[i].step}")
        steps, q = norm_quantiles(records, where)
        right.fill_between(steps, q[:, 0], q[:, 2], color="C0", alpha=0.25,
                           label="10–90 %")  # fmt: skip
        right.plot(steps, q[:, 1], color="C0", label="median")
        if target is not None:
            right.axhline(target, color="k", ls="--", lw=0.8)
        right.axvline(records[i].step, color="C3", lw=1.2)
        right.set(xlabel="step", yscale="log",
                  title=f"‖∇D‖ at the {LABELS[where]}")  # fmt: skip
        right.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        right.yaxis.set_major_formatter(FormatStrFormatter("%g"))
        right.yaxis.set_minor_formatter(NullFormatter())
        right.legend(frameon=False, fontsize=8)
        return fig
