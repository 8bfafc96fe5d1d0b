"""Widgets of the chapter *WGAN*: the clipped critic's weights over training.

The widget is a :class:`~gantutor.widgets.training.SnapshotSlider`, an
:class:`~gantutor.widgets.base.Explorer`: the built book shows its first drawing
without a kernel, and tests move the slider and compare the PNGs.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from gantutor import viz
from gantutor.labs.weights import WeightSnapshot
from gantutor.widgets.training import SnapshotSlider


def draw_weight_histogram(
    ax: Axes, snap: WeightSnapshot, reference: WeightSnapshot | None = None
) -> None:
    """Bars: share of the critic's parameters per bin over [−c, c], log scale.

    ``reference`` (e.g. the first snapshot) is drawn as a grey outline.
    """
    edges = snap.edges.numpy()  # (bins + 1,): matplotlib takes arrays, not tensors
    c = float(edges[-1])
    centres = (edges[:-1] + edges[1:]) / 2  # (bins,)
    width = float(edges[1] - edges[0])
    share = snap.counts.numpy() / float(snap.counts.sum())
    ax.bar(centres, share, width=width, color=viz.FAKE, alpha=0.75, label="now")
    if reference is not None:
        ref = reference.counts.numpy() / float(reference.counts.sum())
        ax.step(
            centres, ref, where="mid", color="0.4", lw=1, label=f"step {reference.step}"
        )
    for edge in (-c, c):
        ax.axvline(edge, color="k", ls="--", lw=0.8)
    ax.set(
        yscale="log",
        ylim=(1e-4, 1.0),
        xlabel="parameter value",
        ylabel="share of parameters",
        title=f"step {snap.step}: {snap.at_bound:.0%} of the weights at ±c = ±{c:g}",
    )
    ax.legend(frameon=False, fontsize=8, loc="upper center")


class WeightHistograms(SnapshotSlider):
    """A slider over the :class:`~gantutor.labs.weights.WeightSnapshot` s of a critic.

    Left: the histogram of every parameter at the chosen step (the first
    snapshot in grey); right: the share of parameters at ±c over training, with
    the chosen step marked. ``draw(i)`` returns the figure for snapshot ``i``.
    """

    def draw(self, i: int) -> Figure:
        fig, (ax_h, ax_s) = viz.figure(ncols=2, size=3.6)
        fig.set_size_inches(9.0, 3.4)
        snap = self.snapshots[i]
        draw_weight_histogram(ax_h, snap, self.snapshots[0] if i else None)
        steps = [s.step for s in self.snapshots]
        shares = [s.at_bound for s in self.snapshots]
        ax_s.plot(steps, shares, "o-", color=viz.FAKE, ms=3)
        ax_s.plot(snap.step, snap.at_bound, "o", color="k", ms=7)
        ax_s.set(xlabel="step", ylim=(0, 1), title="share of the weights at ±c")
        if self.title:
            fig.suptitle(self.title)
        return fig
