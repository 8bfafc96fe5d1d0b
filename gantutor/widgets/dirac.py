"""Figures and the explorer widget of the chapter *The game's dynamics: Dirac-GAN*.

The widget is an :class:`~gantutor.widgets.base.Explorer`, redrawn when a control
moves; the built book embeds the first drawing, so it shows without a kernel. The
maths is in :mod:`gantutor.labs.dirac`.
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as W
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from torch import Tensor

from gantutor import viz
from gantutor.labs import dirac
from gantutor.widgets.base import Explorer, slider

LABELS = {
    "gan": "GAN",
    "ns-gan": "NS-GAN",
    "wgan-clip": "WGAN-clip",
    "wgan-gp": "WGAN-GP",
    "r1": "R1",
    "instance-noise": "instance noise",
}
# The game's constant that the "weight" slider sets, and its symbol.
WEIGHTS = {
    "wgan-clip": ("c", "c"),
    "wgan-gp": ("lambda_gp", "λ"),
    "r1": ("gamma", "γ"),
    "r2": ("gamma", "γ"),
    "instance-noise": ("sigma", "σ"),
}


def make_game(name: str, weight: float | None = None) -> dirac.Game:
    """``dirac.Game(name)`` with its weight (γ, σ, λ or c) set to ``weight``."""
    if weight is None or name not in WEIGHTS:
        return dirac.Game(name)
    return dirac.Game(name, **{WEIGHTS[name][0]: weight})


def describe(game: dirac.Game) -> str:
    """A short title: the game and its constant, e.g. ``R1 (γ = 0.3)``."""
    title = LABELS.get(game.name, dirac.GAMES[game.name])
    if game.name in WEIGHTS:
        key, symbol = WEIGHTS[game.name]
        title += f" ({symbol} = {getattr(game, key):g})"
    return title


def draw_field(
    ax: Axes, game: dirac.Game, lim: float = 2.0, n: int = 25, density: float = 0.6
) -> None:
    """The vector field v(θ, ψ) of ``game`` as a streamplot over [−lim, lim]²."""
    ticks = torch.linspace(-lim, lim, n, dtype=torch.float64)
    psi, theta = torch.meshgrid(ticks, ticks, indexing="ij")  # rows along ψ
    v_theta, v_psi = dirac.vector_field(game, theta, psi)
    ax.streamplot(
        ticks.numpy(),
        ticks.numpy(),
        v_theta.numpy(),
        v_psi.numpy(),
        color="0.6",
        density=density,
        linewidth=0.7,
        arrowsize=0.8,
    )
    if game.name == "wgan-clip":
        for sign in (-1, 1):
            ax.axhspan(sign * game.c, sign * lim, color="0.85", zorder=0)
    ax.plot(0, 0, "*", color="k", ms=9, zorder=3)
    ax.set(xlim=(-lim, lim), ylim=(-lim, lim), xlabel="θ", ylabel="ψ", aspect="equal")


def draw_path(ax: Axes, path: Tensor, color: str = viz.FAKE, label=None) -> None:
    """A trajectory (n, 2) as a line from its start (circle) to its end (dot)."""
    ax.plot(path[:, 0], path[:, 1], color=color, lw=1.2, label=label)
    ax.plot(*path[0].tolist(), "o", mfc="none", color=color, ms=6)
    ax.plot(*path[-1].tolist(), "o", color=color, ms=4)


def eigen_summary(
    game: dirac.Game, h: float, rule: str = "simultaneous", n_critic: int = 1
) -> str:
    """One line: eigenvalues of J and |eigenvalues| of the update operator."""
    try:
        ev_j = dirac.eigenvalues(dirac.jacobian(game))
        ev_f = dirac.eigenvalues(dirac.update_jacobian(game, h, rule, n_critic))
    except ValueError:
        return "no Jacobian at (0, 0): the field jumps at ψ = 0"
    j = ", ".join(f"{z.real:+.3f}{z.imag:+.3f}i" for z in ev_j.tolist())
    moduli = ev_f.abs()
    f = ", ".join(f"{m:.4f}" for m in moduli.tolist())
    verdict = "converges locally" if moduli.max() < 1 else "no local convergence"
    return f"eig J: {j} · |eig F_h|: {f} → {verdict}"


def fields_figure(
    games: Sequence[dirac.Game],
    paths: Sequence[Tensor] | None = None,
    lim: float = 2.0,
    ncols: int = 3,
) -> Figure:
    """The fields of several games side by side, each with its trajectory."""
    nrows = -(-len(games) // ncols)
    fig, axes = viz.figure(ncols=ncols, nrows=nrows, size=3.3)
    for i, ax in enumerate(axes):
        if i >= len(games):
            ax.set_axis_off()
            continue
        draw_field(ax, games[i], lim)
        if paths is not None:
            draw_path(ax, paths[i].clamp(-lim, lim))
        ax.set_title(describe(games[i]), fontsize=10)
    return fig


class DiracExplorer(Explorer):
    """Pick a game, an update rule, h, n_critic and a weight; see the dynamics.

    Left: the vector field and the iterates from ``start``; right: the distance
    to the equilibrium against the step (log scale). Below: the eigenvalues of
    the Jacobian J at (0, 0) and of the update operator F_h. ``density`` sets
    how many streamlines are drawn (fewer draw faster).
    """

    def __init__(
        self,
        game: str = "gan",
        rule: str = "simultaneous",
        h: float = 0.1,
        weight: float = 0.3,
        start: tuple[float, float] = (1.0, 1.0),
        n_steps: int = 400,
        density: float = 0.6,
    ):
        self.start, self.n_steps, self.density = start, n_steps, density
        self.game = W.Dropdown(
            options=[(label, name) for name, label in LABELS.items()],
            value=game,
            description="game",
        )
        self.rule = W.ToggleButtons(options=list(dirac.RULES), value=rule)
        self.h = slider("h", h, 0.01, 0.6, 0.01)
        self.weight = slider("weight", weight, 0.05, 2.0, 0.05)
        self.n_critic = slider("n_critic", 1, 1, 10)
        self.label = W.HTML()
        super().__init__(
            [self.game, self.rule],
            [self.h, self.weight, self.n_critic],
            below=[self.label],
        )

    def draw(
        self, name: str, rule: str, h: float, weight: float, n_critic: int
    ) -> Figure:
        """The dynamics of game ``name`` with its ``weight`` under ``rule``."""
        game = make_game(name, weight)
        n_critic = n_critic if rule == "alternating" else 1
        path = dirac.trajectory(game, self.start, h, self.n_steps, rule, n_critic)
        fig, (left, right) = viz.figure(ncols=2, size=3.6)
        fig.set_size_inches(8.6, 3.8)
        draw_field(left, game, density=self.density)
        draw_path(left, path.clamp(-2, 2))
        left.set_title(describe(game), fontsize=10)
        distance = dirac.distance(path).numpy()
        right.semilogy(np.arange(len(distance)), np.maximum(distance, 1e-12))
        right.set(
            xlabel="generator step",
            ylabel="‖(θ, ψ)‖",
            title=f"{rule}, h = {h:g}, n_critic = {n_critic}",
        )
        right.grid(True, which="major", alpha=0.3)
        return fig

    def redraw(self) -> None:
        name, rule, h, weight, n_critic = self.setting
        self.n_critic.disabled = rule != "alternating"
        self.weight.disabled = name not in WEIGHTS
        if name in WEIGHTS:
            self.weight.description = WEIGHTS[name][1]
        super().redraw()
        n_critic = n_critic if rule == "alternating" else 1
        text = eigen_summary(make_game(name, weight), h, rule, n_critic)
        self.label.value = f"<code>{text}</code>"
