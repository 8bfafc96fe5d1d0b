"""A widget that walks through the gradient norms recorded during training.

Like the widgets of :mod:`gantutor.widgets`, it is an ``ipywidgets.VBox`` whose
figure is an ``ipywidgets.Image``, redrawn when a control moves, so the built book
shows it without a kernel. Chapter *WGAN-GP*.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ipywidgets as W
from matplotlib.ticker import FormatStrFormatter, LogLocator, NullFormatter

from gantutor import gp_lab, viz
from gantutor.gp_lab import NormRecord


class NormExplorer(W.VBox):
    """Pick a run, where the norms are taken, and a moment of training.

    ``runs`` maps a run's name (a λ, a penalty...) to its records from
    :class:`gantutor.gp_lab.GradientNorms`; all runs need as many records.
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
        lengths = {len(records) for records in runs.values()}
        if not runs or 0 in lengths:
            raise ValueError("NormExplorer needs at least one run with records")
        if len(lengths) != 1:
            raise ValueError(
                "every run must have the same number of records; got "
                + ", ".join(f"{k}: {len(v)}" for k, v in runs.items())
            )
        if where not in gp_lab.WHERE:
            raise ValueError(f"where must be one of {gp_lab.WHERE}, got {where!r}")
        self.runs = {k: list(v) for k, v in runs.items()}
        self.targets = dict(targets or {})
        (n,) = lengths
        self.run = W.Dropdown(options=list(self.runs), description=description)
        self.where = W.ToggleButtons(options=gp_lab.WHERE, value=where)
        self.moment = W.IntSlider(
            value=n - 1, min=0, max=n - 1, description="snapshot",
            continuous_update=False,
        )  # fmt: skip
        self.image = W.Image(format="png")
        for control in (self.run, self.where, self.moment):
            control.observe(lambda _: self.redraw(), names="value")
        controls = W.VBox([W.HBox([self.run, self.moment]), self.where])
        super().__init__([controls, self.image])
        self.redraw()

    def redraw(self) -> None:
        name, where, i = self.run.value, self.where.value, self.moment.value
        records = self.runs[name]
        target = self.targets.get(name, 1.0)
        fig, (left, right) = viz.figure(ncols=2, size=3.6)
        fig.set_size_inches(8.4, 3.4)
        gp_lab.draw_histogram(left, records[i], where, target)
        left.set_title(f"{name} · step {records[i].step}")
        steps, q = gp_lab.norm_quantiles(records, where)
        right.fill_between(steps, q[:, 0], q[:, 2], color="C0", alpha=0.25,
                           label="10–90 %")  # fmt: skip
        right.plot(steps, q[:, 1], color="C0", label="median")
        if target is not None:
            right.axhline(target, color="k", ls="--", lw=0.8)
        right.axvline(records[i].step, color="C3", lw=1.2)
        right.set(xlabel="step", yscale="log",
                  title=f"‖∇D‖ at the {gp_lab.LABELS[where]}")  # fmt: skip
        right.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        right.yaxis.set_major_formatter(FormatStrFormatter("%g"))
        right.yaxis.set_minor_formatter(NullFormatter())
        right.legend(frameon=False, fontsize=8)
        self.image.value = viz.to_png(fig)
