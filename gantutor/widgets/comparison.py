"""The closing chapter's figures: every loss's runs side by side, and an explorer.

What is drawn was computed by :mod:`gantutor.labs.comparison` (runs of every loss
over seeds and learning rates); nothing is trained here. :func:`draw_spread` is a
box per loss with every run as a dot, :func:`draw_reliability` the share of runs
that reach a threshold, and :class:`ComparisonExplorer` picks one run and shows
its samples and its place among all the runs. Chapter *Are GANs created equal?*.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import ipywidgets as W
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from torch import Tensor

from gantutor import viz
from gantutor.labs.comparison import Run, by_loss
from gantutor.widgets.base import Explorer
from gantutor.widgets.metrics import draw_samples


def _finite(values: Sequence[float], ceiling: float) -> np.ndarray:
    """Scores with infinities (diverged runs) drawn at ``ceiling``."""
    return np.array([v if math.isfinite(v) else ceiling for v in values])


def draw_spread(
    ax: Axes, runs: Sequence[Run], ylabel: str, chosen: Run | None = None
) -> None:
    """A box per loss (median, quartiles) with every run as a jittered dot.

    Diverged runs (an infinite score) are drawn as crosses at the top; ``chosen``
    is circled.
    """
    groups = by_loss(runs)
    finite = [r.score for r in runs if math.isfinite(r.score)] or [0.0]
    ceiling = max(finite) * 1.1 + 1e-9
    rng = np.random.default_rng(0)  # the same jitter at every drawing
    for i, group in enumerate(groups.values()):
        scores = _finite([r.score for r in group], ceiling)
        ax.boxplot(scores, positions=[i], widths=0.6, showfliers=False,
                   medianprops={"color": "k"})  # fmt: skip
        x = i + rng.uniform(-0.2, 0.2, len(group))
        bad = np.array([not r.finite for r in group])
        ax.scatter(x[~bad], scores[~bad], s=12, alpha=0.7, color="C0", zorder=3)
        ax.scatter(x[bad], scores[bad], s=20, marker="x", color="C3", zorder=3)
        for xi, r, s in zip(x, group, scores, strict=True):
            if r is chosen:
                ax.scatter([xi], [s], s=140, facecolors="none", edgecolors="C3",
                           linewidths=2, zorder=4)  # fmt: skip
    ax.set_xticks(range(len(groups)), list(groups), rotation=60, ha="right")
    ax.set(ylabel=ylabel)


def draw_reliability(ax: Axes, shares: Mapping[str, float], title: str) -> None:
    """Bars: per loss, the share of its (seed, lr) runs that reach a threshold."""
    names = list(shares)
    ax.bar(range(len(names)), [shares[n] for n in names], color="C2")
    ax.set_xticks(range(len(names)), names, rotation=60, ha="right")
    ax.set(ylim=(0, 1.05), ylabel="share of runs", title=title)


class ComparisonExplorer(Explorer):
    """Pick a loss, a seed and a learning-rate factor: that run's samples, and
    where its score sits among every run of every loss.

    ``runs`` come from :func:`gantutor.labs.comparison.grid_run` or
    :func:`~gantutor.labs.comparison.mnist_run`; ``x_real`` (grid only) is drawn
    under the samples; ``ylabel`` names the score ("modes covered", "FID").
    """

    def __init__(
        self, runs: Sequence[Run], ylabel: str, x_real: Tensor | None = None
    ):
        if not runs:
            raise ValueError("ComparisonExplorer needs at least one run")
        self.runs, self.ylabel, self.x_real = list(runs), ylabel, x_real
        self.index = {(r.loss, r.seed, r.lr_scale): r for r in self.runs}

        def choice(values, description):
            return W.Dropdown(options=list(dict.fromkeys(values)),
                              description=description)  # fmt: skip

        self.loss = choice([r.loss for r in self.runs], "loss")
        self.seed = choice(sorted(r.seed for r in self.runs), "seed")
        self.rate = choice(sorted(r.lr_scale for r in self.runs), "lr ×")
        self.rate.value = min(self.rate.options, key=lambda v: abs(math.log(v)))
        super().__init__([self.loss, self.seed, self.rate])

    def draw(self, loss: str, seed: int, lr_scale: float) -> Figure:
        fig, (left, right) = viz.figure(ncols=2, size=4.0)
        fig.set_size_inches(10.0, 4.0)
        run = self.index.get((loss, seed, lr_scale))
        if run is None:
            left.text(0.5, 0.5, "this run was not trained\nin this profile",
                      ha="center", va="center")  # fmt: skip
            left.set_axis_off()
        else:
            draw_samples(left, run.sample, self.x_real, nrow=6)
            state = "" if run.finite else " (diverged)"
            left.set_title(f"{loss}, seed {seed}, lr × {lr_scale:g}\n"
                           f"{self.ylabel}: {run.score:.4g}{state}")  # fmt: skip
        draw_spread(right, self.runs, self.ylabel, chosen=run)
        right.set_title("every run (circled: this one)")
        return fig
