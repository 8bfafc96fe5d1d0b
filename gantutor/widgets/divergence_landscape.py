"""Widgets of the chapter *f-GAN*: fitted Gaussians and the divergence landscape.

Each widget is an :class:`~gantutor.widgets.base.Explorer`: moving a control
redraws the PNG (the divergences come from
:mod:`gantutor.labs.divergence_landscape`), the built book embeds the first
drawing so the figure shows without a kernel, and tests move the controls and
check that the image changes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import ipywidgets as W
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter
from torch import Tensor

from gantutor import viz
from gantutor.labs import divergence_landscape as landscape
from gantutor.labs.divergences import normal_pdf
from gantutor.widgets.base import Explorer, slider

COLORS = dict(zip(landscape.NAMES, ["C0", "C1", "C2", "C4", "C5", "k"], strict=True))
STYLES = {"reverse KL": "--"}  # equal to KL when σ = 1


class FGANFits(Explorer):
    """A menu over precomputed fits of a 1-D Gaussian G to a target density.

    ``runs`` maps a divergence name to its trajectory (n, 3): step, μ, σ (see
    :class:`gantutor.train.callbacks.GaussianTrace`); ``x`` (N,) and ``p`` (N,) are the
    target density on a grid; ``best`` maps names to the (μ, σ) that minimise the
    divergence exactly, drawn for comparison when given.
    """

    def __init__(
        self,
        runs: Mapping[str, Tensor],
        x: Tensor,
        p: Tensor,
        best: Mapping[str, tuple[float, float]] | None = None,
    ):
        if not runs:
            raise ValueError("FGANFits needs at least one run")
        self.runs, self.x, self.p, self.best = dict(runs), x, p, dict(best or {})
        self.menu = W.ToggleButtons(options=list(self.runs), description="divergence")
        super().__init__(self.menu)

    def draw(self, name: str) -> Figure:
        fig, (left, right) = viz.figure(ncols=2, size=3.6)
        fig.set_size_inches(8.5, 3.3)
        self.draw_fit(left, name)
        self.draw_trajectory(right, name)
        return fig

    def draw_fit(self, ax: Axes, name: str) -> None:
        """The target density, G at the start and after training, the best G."""
        run = self.runs[name].double()
        (step, mean, std), (_, mean0, std0) = run[-1].tolist(), run[0].tolist()
        ax.fill_between(self.x, self.p, color=viz.REAL, alpha=0.3, label="target P")
        curves = [
            ((mean0, std0), "G at the start", dict(color="0.5", ls="--", lw=1)),
            ((mean, std), "G after training", dict(color=viz.FAKE, lw=2)),
        ]
        if name in self.best:
            best = dict(color="k", ls=":", lw=1.5)
            curves.append((self.best[name], "best Gaussian (quadrature)", best))
        for (m, s), label, style in curves:
            ax.plot(self.x, normal_pdf(self.x, m, s), label=label, **style)
        ax.set(
            xlabel="x",
            ylim=(0, 1.15 * float(self.p.max())),
            title=f"{name}: μ = {mean:.2f}, σ = {std:.2f} (step {step:.0f})",
        )
        ax.legend(frameon=False, fontsize=7, loc="upper left")

    def draw_trajectory(self, ax: Axes, name: str) -> None:
        """The run's path in (μ, σ), the other runs' in grey, and the best (μ, σ)."""
        for other, path in self.runs.items():
            if other != name:
                ax.plot(path[:, 1], path[:, 2], color="0.8", lw=0.8)
        run = self.runs[name].double()
        ax.plot(run[:, 1], run[:, 2], color=viz.FAKE, lw=1.5)
        ax.plot(*run[0, 1:].tolist(), "o", color="0.4", label="start")
        ax.plot(*run[-1, 1:].tolist(), "o", color=viz.FAKE, label="end")
        if name in self.best:
            ax.plot(*self.best[name], "k*", ms=10, label="best")
        ax.set(
            xlabel="μ",
            ylabel="σ (log scale)",
            yscale="log",
            title="training trajectory (others in grey)",
        )
        ax.yaxis.set_major_locator(LogLocator(base=2))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: f"{y:g}"))
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.legend(frameon=False, fontsize=7)


def _draw_distributions(ax: Axes, case: str, theta: float, sigma: float) -> None:
    if case == "gaussian":
        x = torch.linspace(-6, 6, 601, dtype=torch.float64)
        ax.fill_between(x, normal_pdf(x), color=viz.REAL, alpha=0.35, label="P")
        ax.fill_between(
            x, normal_pdf(x, theta, sigma), color=viz.FAKE, alpha=0.35, label="Q"
        )
        ax.set(xlim=(-6, 6), title=f"P = N(0, 1), Q = N({theta:.1f}, {sigma:.2f}²)")
    elif case == "uniform":
        for start, color, label in [(0.0, viz.REAL, "P"), (theta, viz.FAKE, "Q")]:
            ax.fill_between(
                [start, start + sigma], 1 / sigma, color=color, alpha=0.35, label=label
            )
        ax.set(
            xlim=(-6, 9),
            ylim=(0, 1.3 / sigma),
            title=f"uniform on [0, {sigma:.2f}] and [{theta:.1f}, …]",
        )
    else:
        ax.plot([0, 0], [0, 1], color=viz.REAL, lw=4, label="P")
        ax.plot([theta, theta], [0, 1], color=viz.FAKE, lw=4, label="Q", alpha=0.7)
        ax.set(
            xlim=(-6, 6),
            ylim=(-0.3, 1.3),
            ylabel="second coordinate",
            title=f"segments at 0 and θ = {theta:.1f}",
        )
    ax.set_xlabel("x")
    ax.legend(frameon=False, fontsize=8)


class DivergenceLandscape(Explorer):
    """Divergences and W1 between P and Q_θ against θ, with their slopes.

    A case toggle (Gaussians, uniform segments of length σ, the WGAN paper's
    disjoint segments), a σ slider and a θ slider that moves Q. Left: P and Q;
    middle: each divergence against θ; right: its derivative d/dθ, the signal a
    generator at θ would get. Values that are +∞ are listed, not drawn.
    ``draw(case, sigma, theta)`` returns the figure for any setting.
    """

    def __init__(
        self,
        case: str = "gaussian",
        sigma: float = 1.0,
        theta: float = 3.0,
        theta_max: float = 5.0,
        n: int = 201,
    ):
        self.thetas = torch.linspace(-theta_max, theta_max, n, dtype=torch.float64)
        self.case = W.ToggleButtons(
            options=[
                ("Gaussians", "gaussian"),
                ("uniform", "uniform"),
                ("disjoint segments", "segments"),
            ],
            value=case,
            description="case",
        )
        self.sigma = slider("σ", sigma, 0.2, 3.0, 0.05)
        self.theta = slider("θ", theta, -theta_max, theta_max, 0.1)
        self._cache: dict[tuple[str, float], dict[str, tuple[Tensor, Tensor]]] = {}
        super().__init__(self.case, [self.sigma, self.theta])

    def curves(self, case: str, sigma: float) -> dict[str, tuple[Tensor, Tensor]]:
        """``landscape.landscape`` over the θ grid, computed once per (case, σ)."""
        key = (case, round(sigma, 4))
        if key not in self._cache:
            self._cache[key] = landscape.landscape(case, self.thetas, sigma)
        return self._cache[key]

    def draw(self, case: str, sigma: float, theta: float) -> Figure:
        fig, (ax_pq, ax_d, ax_g) = viz.figure(ncols=3, size=3.3)
        fig.set_size_inches(11, 3.7)
        _draw_distributions(ax_pq, case, theta, sigma)
        i = int((self.thetas - theta).abs().argmin())
        infinite = []
        for name, (value, grad) in self.curves(case, sigma).items():
            if not value[i].isfinite():
                infinite.append(name)
            shown = np.where(value.isfinite().numpy(), value.numpy(), np.nan)
            style = dict(color=COLORS[name], ls=STYLES.get(name, "-"))
            ax_d.plot(self.thetas, shown, label=name, **style)
            ax_d.plot(theta, shown[i], "o", color=COLORS[name], ms=4)
            ax_g.plot(self.thetas, grad, **style)
        ax_d.axhline(math.log(2), color="0.6", ls="--", lw=0.8)
        ax_d.text(self.thetas[0], math.log(2) + 0.05, "log 2", fontsize=7, color="0.4")
        if infinite:
            ax_d.text(
                0.5,
                0.97,
                f"+∞ at θ = {theta:.1f}: " + ", ".join(infinite),
                transform=ax_d.transAxes,
                ha="center",
                va="top",
                fontsize=7,
            )
        ax_d.set(xlabel="θ", ylim=(-0.05, 4), title="divergence between P and Q_θ")
        handles, labels = ax_d.get_legend_handles_labels()
        fig.legend(
            handles,
            labels,
            loc="outside lower center",
            ncols=6,
            frameon=False,
            fontsize=8,
        )
        ax_g.axvline(theta, color="0.6", lw=0.8)
        ax_g.axhline(0, color="0.6", lw=0.8)
        ax_g.set(xlabel="θ", ylim=(-2.5, 2.5), title="its slope d/dθ")
        return fig

    def redraw(self) -> None:
        self.sigma.disabled = self.case.value == "segments"
        super().redraw()
