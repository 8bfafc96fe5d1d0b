"""Widgets of Part 6 (*Evaluation*): controls over precomputed metric results.

Each is an :class:`~gantutor.widgets.base.Explorer`: moving the control redraws
the PNG from results computed beforehand (no metric is recomputed here; the
entropies come from :mod:`gantutor.labs.defects`), the built book embeds the
first drawing so the figure shows without a kernel, and tests move the controls
and check the image.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import ipywidgets as W
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from torch import Tensor

from gantutor import metrics, viz
from gantutor.labs import defects
from gantutor.widgets.base import Explorer


def _slider(options: Sequence, description: str, value=None) -> W.SelectionSlider:
    return W.SelectionSlider(
        options=list(options),
        value=options[-1] if value is None else value,
        description=description,
        continuous_update=False,
        style={"description_width": "initial"},
    )


def draw_samples(
    ax: Axes, x: Tensor, x_real: Tensor | None = None, nrow: int = 8
) -> None:
    """Images (B, C, H, W) as a grid, or 2-D points (n, 2) over the real ones."""
    if x.ndim == 4:
        viz.show_images(ax, x[: nrow * nrow], nrow=nrow)
    elif x.ndim == 2 and x.shape[1] == 2:
        lim = float((x if x_real is None else x_real).abs().max()) + 0.5
        viz.scatter_2d(ax, x_real, x, lim=lim)
    else:
        raise ValueError(
            f"samples must be images (B, C, H, W) or points (n, 2); "
            f"got {tuple(x.shape)}"
        )


class SampleSizeExplorer(Explorer):
    """A slider over the number of samples n; one panel per metric.

    ``values[metric][label]`` is an array (len(ns), repeats): the metric of
    ``repeats`` random sets of n samples for every n. Each panel shows the mean
    over repeats against n (log scale), the range as a band, and the repeats at
    the chosen n as dots; ``hlines[metric]`` = (value, label) adds a dashed line.
    """

    def __init__(
        self,
        ns: Sequence[int],
        values: Mapping[str, Mapping[str, np.ndarray]],
        hlines: Mapping[str, tuple[float, str]] | None = None,
        value: int | None = None,
    ):
        self.ns, self.hlines = list(ns), dict(hlines or {})
        self.values = {
            metric: {label: np.asarray(v, dtype=float) for label, v in series.items()}
            for metric, series in values.items()
        }
        for metric, series in self.values.items():
            for label, v in series.items():
                if v.ndim != 2 or len(v) != len(self.ns):
                    raise ValueError(
                        f"values[{metric!r}][{label!r}] must be (len(ns), repeats) "
                        f"= ({len(self.ns)}, r); got {v.shape}"
                    )
        self.slider = _slider(self.ns, "samples n", value)
        super().__init__(self.slider)

    def draw(self, n: int) -> Figure:
        i = self.ns.index(n)
        fig, axes = viz.figure(ncols=len(self.values), size=3.3)
        for ax, (metric, series) in zip(axes, self.values.items(), strict=True):
            for label, v in series.items():
                (line,) = ax.plot(self.ns, v.mean(1), "o-", ms=3, label=label)
                ax.fill_between(self.ns, v.min(1), v.max(1), alpha=0.2)
                ax.plot(
                    [n] * v.shape[1],
                    v[i],
                    "o",
                    color=line.get_color(),
                    ms=6,
                    mfc="none",
                )
            if metric in self.hlines:
                level, text = self.hlines[metric]
                ax.axhline(level, color="k", ls="--", lw=1, label=text)
            ax.axvline(n, color="gray", lw=0.8)
            first = next(iter(series.values()))[i]
            ax.set(
                xscale="log",
                xlabel="samples n",
                title=f"{metric}\nn = {n:,}: {first.mean():.3g} ± {first.std():.2g}",
            )
            ax.legend(frameon=False, fontsize=7)
        return fig


class ModeDroppingExplorer(Explorer):
    """A slider over the number of dropped modes k: the samples and every metric.

    ``samples[i]`` are the samples of the i-th ``ks`` (images or 2-D points, drawn
    over ``x_real``); ``values[metric][i]`` the metric there.
    """

    def __init__(
        self,
        ks: Sequence[int],
        values: Mapping[str, Sequence[float]],
        samples: Sequence[Tensor],
        x_real: Tensor | None = None,
        xlabel: str = "classes dropped, k",
        value: int | None = None,
    ):
        self.ks, self.samples, self.x_real, self.xlabel = (
            list(ks),
            list(samples),
            x_real,
            xlabel,
        )
        self.values = {m: np.asarray(v, dtype=float) for m, v in values.items()}
        if len(self.samples) != len(self.ks) or any(
            len(v) != len(self.ks) for v in self.values.values()
        ):
            raise ValueError(
                f"samples and every metric need one entry per k ({len(self.ks)})"
            )
        self.slider = _slider(self.ks, xlabel.split(",")[0], value)
        super().__init__(self.slider)

    def draw(self, k: int) -> Figure:
        i = self.ks.index(k)
        ncols = math.ceil(len(self.values) / 2)
        mosaic = [["samples"] + [f"m{2 * c + r}" for c in range(ncols)] for r in (0, 1)]
        fig = Figure(figsize=(3.2 + 2.4 * ncols, 4.6), layout="constrained")
        axes = fig.subplot_mosaic(mosaic)
        draw_samples(axes["samples"], self.samples[i], self.x_real)
        axes["samples"].set_title(f"{self.xlabel.split(',')[0]} = {k}")
        for j, (metric, v) in enumerate(self.values.items()):
            ax = axes[f"m{j}"]
            ax.plot(self.ks, v, "o-", ms=3, color="0.4")
            ax.plot([k], [v[i]], "o", ms=8, color=viz.FAKE)
            if v.min() >= 0 and v.max() <= 1:  # a share: show all of [0, 1]
                ax.set_ylim(-0.03, 1.03)
            else:
                ax.set_ylim(bottom=min(0.0, float(v.min())))
            ax.set_title(f"{metric} = {v[i]:.3g}", fontsize=10)
            ax.set_xlabel(self.xlabel, fontsize=8)
            ax.tick_params(labelsize=7)
        for j in range(len(self.values), 2 * ncols):
            axes[f"m{j}"].set_axis_off()
        return fig


class InceptionScoreExplorer(Explorer):
    """Buttons over named sets of images: what the classifier sees in each set.

    ``sets[name] = (images, logits)``: some images of the set and the classifier's
    logits (N, K) of all of it. Shows the images, the label distribution p(y)
    against the uniform one, and the histogram of the entropies H(y|x); the title
    gives IS = exp(H(y) − E H(y|x)) on all N samples (one split).
    """

    def __init__(
        self, sets: Mapping[str, tuple[Tensor, Tensor]], value: str | None = None
    ):
        if not sets:
            raise ValueError("InceptionScoreExplorer needs at least one set")
        self.sets = dict(sets)
        self.buttons = W.ToggleButtons(
            options=list(self.sets),
            value=value or next(iter(self.sets)),
            description="set",
        )
        super().__init__(self.buttons)

    def draw(self, name: str) -> Figure:
        images, logits = self.sets[name]
        p_y = defects.label_distribution(logits)  # (K,)
        entropy = defects.sample_entropies(logits).numpy()  # (N,)
        n_classes = len(p_y)
        h_marg, h_cond = defects.label_entropies(logits)
        score = metrics.inception_score(logits, splits=1)[0]
        fig, (left, middle, right) = viz.figure(ncols=3, size=3.2)
        viz.show_images(left, images[:36], nrow=6, title=name)
        middle.bar(range(n_classes), p_y.numpy(), color=viz.REAL)
        middle.axhline(1 / n_classes, color="k", ls="--", lw=1, label="uniform")
        middle.set(
            xlabel="class y",
            ylim=(0, 1),
            xticks=range(n_classes),
            title=f"p(y): H(y) = {h_marg:.2f} nats",
        )
        middle.legend(frameon=False, fontsize=8)
        right.hist(
            entropy,
            bins=np.linspace(0, math.log(n_classes), 21),
            weights=np.full(len(entropy), 1 / len(entropy)),
            color=viz.FAKE,
        )
        right.set(
            xlabel="H(y|x), nats",
            ylabel="share of samples",
            ylim=(0, 1),
            title=f"E H(y|x) = {h_cond:.2f}  →  IS = {score:.2f}",
        )
        return fig
