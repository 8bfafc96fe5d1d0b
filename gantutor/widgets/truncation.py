"""The truncation explorer: samples of one G at a threshold, and the curve it sits on.

An :class:`~gantutor.widgets.base.Explorer` (the built book embeds its first
drawing). The samples and the curve are computed beforehand with
:mod:`gantutor.labs.truncation` (chapter *BigGAN*).
"""

from __future__ import annotations

import math

import ipywidgets as W
from matplotlib.figure import Figure
from torch import Tensor

from gantutor import viz
from gantutor.labs.truncation import TruncationCurve
from gantutor.widgets.base import Explorer


def label(t: float) -> str:
    """A threshold as the slider and the plots write it (∞: no truncation)."""
    return "∞" if math.isinf(t) else f"{t:g}"


class TruncationExplorer(Explorer):
    """A slider over truncation thresholds: G's samples there, and the curves.

    ``samples`` (n_thresholds, n, C, H, W) in [-1, 1] are G's images at each of
    ``curve.thresholds`` (the same seed at each, so a tile follows one z as the
    threshold moves); ``nrow`` tiles a row. Right: FID (mnist-cnn) and the MNIST
    score against the threshold, the picked one marked.
    """

    def __init__(self, samples: Tensor, curve: TruncationCurve, nrow: int = 10):
        n = len(curve.thresholds)
        if samples.dim() != 5 or len(samples) != n:
            raise ValueError(
                f"samples must be (n_thresholds={n}, n, C, H, W), one set per "
                f"threshold; got {tuple(samples.shape)}"
            )
        self.samples, self.curve, self.nrow = samples, curve, nrow
        options = [(label(t), i) for i, t in enumerate(curve.thresholds)]
        self.threshold = W.SelectionSlider(
            options=options, value=n - 1, description="threshold",
            continuous_update=False,
        )  # fmt: skip
        super().__init__(self.threshold)

    def draw(self, i: int) -> Figure:
        c = self.curve
        fig, (left, right) = viz.figure(ncols=2, size=4.0)
        fig.set_size_inches(9.0, 4.2)
        title = (
            f"threshold {label(c.thresholds[i])}: accuracy {c.accuracy[i]:.0%}, "
            f"diversity {c.diversity[i]:.1f}"
        )
        viz.show_images(left, self.samples[i], self.nrow, title)
        ticks = range(len(c.thresholds))
        right.plot(ticks, c.fid, "o-", color="C0", label="FID (mnist-cnn)")
        right.set(xticks=list(ticks), xlabel="truncation threshold",
                  ylabel="FID (mnist-cnn), lower is better")  # fmt: skip
        right.set_xticklabels([label(t) for t in c.thresholds])
        score = right.twinx()
        score.plot(ticks, c.inception, "s--", color="C1", label="MNIST score (IS)")
        score.set_ylabel("MNIST score, higher is more confident")
        right.axvline(i, color="0.4", lw=1)
        right.legend(
            handles=right.lines[:1] + score.lines, frameon=False, fontsize=8,
            loc="upper center",
        )  # fmt: skip
        right.set_title("fidelity against variety")
        return fig
