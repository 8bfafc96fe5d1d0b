"""An explorer of unpaired translation runs: round trips and their numbers.

The runs (CycleGAN at several λ_cycle, or CycleGAN, DiscoGAN and DualGAN) are
trained beforehand; :func:`gantutor.labs.translation.round_trips` gives each run's
images and :func:`gantutor.labs.translation.translation_scores` its numbers.
"""

from __future__ import annotations

from collections.abc import Mapping

import ipywidgets as W
import torch
from matplotlib.figure import Figure
from torch import Tensor

from gantutor import viz
from gantutor.widgets.base import Explorer

DIRECTIONS = {  # the rows shown for each direction: (key, row title)
    "A → B → A": (("a", "a"), ("ab", "G_ab(a)"), ("aba", "G_ba(G_ab(a))")),
    "B → A → B": (("b", "b"), ("ba", "G_ba(b)"), ("bab", "G_ab(G_ba(b))")),
}
TRIP_KEYS = {key for rows in DIRECTIONS.values() for key, _ in rows}
CURVES = {  # score key -> label, drawn across runs
    "class_ab": "class kept A→B",
    "class_ba": "class kept B→A",
    "error_ab": "answer-key error A→B",
    "cycle_aba": "cycle error A→B→A",
}


class TranslationExplorer(Explorer):
    """Pick a run and a direction: its round trips on the left, numbers on the right.

    ``trips`` maps a run's name to :func:`~gantutor.labs.translation.round_trips`
    (the same source images in every run); ``scores`` maps it to
    :func:`~gantutor.labs.translation.translation_scores`. The right panel draws a
    few scores across the runs, in their order, the chosen run marked.
    """

    def __init__(
        self,
        trips: Mapping[str, Mapping[str, Tensor]],
        scores: Mapping[str, Mapping[str, float]],
        description: str = "run",
    ):
        if not trips:
            raise ValueError("TranslationExplorer needs at least one run")
        if set(trips) != set(scores):
            raise ValueError(
                f"trips and scores must name the same runs; got {sorted(trips)} "
                f"and {sorted(scores)}"
            )
        for name, trip in trips.items():
            if not TRIP_KEYS <= set(trip):
                raise ValueError(
                    f"run {name!r} lacks {sorted(TRIP_KEYS - set(trip))}: pass "
                    f"what labs.translation.round_trips returns"
                )
            missing = sorted(set(CURVES) - set(scores[name]))
            if missing:
                raise ValueError(f"run {name!r}: the scores lack {missing}")
        self.trips, self.scores = dict(trips), dict(scores)
        self.run = W.SelectionSlider(
            options=list(trips), description=description, continuous_update=False
        )
        self.direction = W.ToggleButtons(options=list(DIRECTIONS))
        super().__init__([self.run, self.direction])

    def draw(self, name: str, direction: str) -> Figure:
        rows = DIRECTIONS[direction]
        fig, axes = viz.figure(ncols=2, size=4.0)
        fig.set_size_inches(9.5, 3.6)
        trip = self.trips[name]
        n = min(8, len(trip["a"]))
        images = [trip[key][:n].expand(-1, 3, -1, -1) for key, _ in rows]
        viz.show_images(axes[0], torch.cat(images), nrow=n)  # (rows·n, 3, H, W)
        axes[0].set_title(f"{name}: " + " / ".join(title for _, title in rows))
        names = list(self.scores)
        for key, label in CURVES.items():
            axes[1].plot(names, [self.scores[k][key] for k in names], "o-", label=label)
        axes[1].axvline(names.index(name), color="0.6", ls=":")
        axes[1].set(ylim=(0, 1.05), xlabel=self.run.description, title="test split")
        axes[1].legend(frameon=False, fontsize=7)
        return fig
