"""Drawings of the DCGAN-rules ablation: the layers of each variant, and its runs.

:func:`architecture_figure` draws, for DCGAN and each variant with one rule
removed, the layers of G and D as coloured chips (one colour per rule), from
:func:`gantutor.labs.ablation.layers`. :class:`AblationExplorer` picks a variant
and shows its samples and its training curves (chapter *DCGAN's rules*).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ipywidgets as W
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, Patch
from torch import Tensor

from gantutor import viz
from gantutor.labs.ablation import Layer
from gantutor.train.history import History
from gantutor.widgets.base import Explorer

# One colour per rule of gantutor.models.dcgan_rules; grey: a plain convolution.
RULE_COLOURS = {
    "strided": ("#4c72b0", "1 · resampling: strided conv, or pool / upsample"),
    "batchnorm": ("#dd8452", "2 · BatchNorm"),
    "no_fc": ("#8172b3", "3 · fully connected hidden layer"),
    "leaky_d": ("#55a868", "4 · ReLU in G, LeakyReLU in D"),
    "tanh": ("#c44e52", "5 · tanh output"),
    "": ("#bbbbbb", "convolution without stride"),
}


def _chips(ax, rows: Mapping[str, Sequence[Layer]], title: str) -> None:
    """One row of chips per variant, one chip per layer, left to right."""
    longest = max(len(layers) for layers in rows.values())
    for i, (name, layers) in enumerate(rows.items()):
        y = -i
        ax.text(-0.1, y, name, ha="right", va="center", fontsize=8)
        for j, layer in enumerate(layers):
            colour = RULE_COLOURS.get(layer.rule, RULE_COLOURS[""])[0]
            box = FancyBboxPatch(
                (j, y - 0.32), 0.92, 0.64, boxstyle="round,pad=0.02",
                facecolor=colour, edgecolor="none", alpha=0.85,
            )  # fmt: skip
            ax.add_patch(box)
            text = layer.label.replace(" ", "\n", 1)  # "ConvT\n4×4 /2"
            ax.text(j + 0.46, y, text, ha="center", va="center", fontsize=6.5)
    ax.set(xlim=(-2.0, longest), ylim=(-len(rows) + 0.4, 0.6), title=title)
    ax.set_axis_off()


def architecture_figure(
    tables: Mapping[str, tuple[Sequence[Layer], Sequence[Layer]]],
) -> Figure:
    """G's and D's layers for each variant: ``{name: (G's layers, D's layers)}``."""
    if not tables:
        raise ValueError("architecture_figure needs at least one variant")
    n_g = max(len(g) for g, _ in tables.values())
    n_d = max(len(d) for _, d in tables.values())
    fig = Figure(figsize=(1.2 + 0.62 * (n_g + n_d), 0.5 * len(tables) + 1.3),
                 layout="constrained")  # fmt: skip
    left, right = fig.subplots(1, 2, width_ratios=[n_g + 2, n_d + 2])
    _chips(left, {k: g for k, (g, _) in tables.items()}, "G: z → image")
    _chips(right, {k: d for k, (_, d) in tables.items()}, "D: image → logit")
    handles = [Patch(color=c, label=text) for c, text in RULE_COLOURS.values()]
    fig.legend(handles=handles, loc="outside lower center", ncols=3, frameon=False,
               fontsize=8)  # fmt: skip
    return fig


class AblationExplorer(Explorer):
    """Pick a variant: its samples (left) and its losses over training (right).

    ``samples`` maps a variant's name to images (N, C, H, W) in [-1, 1];
    ``histories`` maps it to its :class:`~gantutor.train.History`; ``notes`` adds
    a line under the title (e.g. its FID and covered classes).
    """

    def __init__(
        self,
        samples: Mapping[str, Tensor],
        histories: Mapping[str, History],
        notes: Mapping[str, str] | None = None,
        nrow: int = 6,
    ):
        if not samples:
            raise ValueError("AblationExplorer needs at least one variant")
        missing = [k for k in samples if k not in histories]
        if missing:
            raise ValueError(f"no history for the variants {missing}")
        self.samples, self.histories = dict(samples), histories
        self.notes, self.nrow = dict(notes or {}), nrow
        self.variant = W.ToggleButtons(
            options=list(self.samples), description="variant"
        )
        super().__init__(self.variant)

    def draw(self, name: str) -> Figure:
        fig, (left, right) = viz.figure(ncols=2, size=3.8)
        fig.set_size_inches(8.6, 3.9)
        note = self.notes.get(name, "")
        viz.show_images(left, self.samples[name], self.nrow,
                        name + (f"\n{note}" if note else ""))  # fmt: skip
        viz.loss_curves(self.histories[name], right, title=f"{name}: losses")
        return fig
