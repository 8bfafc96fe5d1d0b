"""Callbacks for :class:`gantutor.train.Trainer`: snapshots and a live loss plot.

A callback has an ``every`` attribute and is called as ``callback(trainer)`` after
every ``every``-th step. Snapshots are what the explorer widgets and the
animations of the chapters are made of.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor, nn

from gantutor import losses
from gantutor.models.autoencoder import AutoencoderDiscriminator
from gantutor.models.gaussian import GaussianGenerator


@dataclass
class Snapshot2D:
    """One moment of a 2-D GAN: samples, D's surface and the pull on the samples."""

    step: int
    x_fake: Tensor  # (n, 2) G's samples for fixed z
    push: Tensor  # (n, 2) −∂loss_G/∂x at each sample: where G's loss moves it
    surface: Tensor  # (R, R) σ(D(x)), or D(x) − mean for "score", rows along y
    lim: float  # the grid spans [−lim, lim]²
    kind: str = "probability"  # how `surface` reads D: losses.SURFACES


def plane(lim: float, resolution: int, device=None) -> Tensor:
    """The points of a resolution × resolution grid over [−lim, lim]², (R*R, 2).

    Row-major with rows along y, so ``values.view(R, R)`` is an image whose
    first row is y = −lim (draw it with ``origin="lower"``).
    """
    ticks = torch.linspace(-lim, lim, resolution, device=device)
    yy, xx = torch.meshgrid(ticks, ticks, indexing="ij")
    return torch.stack([xx.flatten(), yy.flatten()], dim=1)  # (R*R, 2)


def _check_surface(kind: str) -> str:
    if kind not in losses.SURFACES:
        raise ValueError(f"unknown surface {kind!r}; choose one of {losses.SURFACES}")
    return kind


@torch.no_grad()
def _surface(
    D: nn.Module, lim: float, resolution: int, device, kind: str = "probability"
) -> Tensor:
    d = D(plane(lim, resolution, device)).float().view(resolution, resolution).cpu()
    return torch.sigmoid(d) if kind == "probability" else d - d.mean()


def snapshot_2d(
    G: nn.Module,
    D: nn.Module,
    z: Tensor,
    step: int = 0,
    loss: str | losses.GANLoss = "non-saturating",
    lim: float = 3.0,
    resolution: int = 60,
    surface: str | None = None,
) -> Snapshot2D:
    """A :class:`Snapshot2D` of a 2-D GAN for fixed noise ``z`` (n, latent_dim).

    ``surface`` is ``"probability"`` (σ(D(x)), for classifiers) or ``"score"``
    (D(x) centred, for critics and regressors); by default the loss's own
    (:attr:`gantutor.losses.GANLoss.surface`).
    """
    loss = losses.get(loss)
    surface = _check_surface(surface or loss.surface)
    was_training = G.training, D.training
    G.eval(), D.eval()
    with torch.no_grad():
        x = G(z).float()
    x.requires_grad_(True)
    with torch.enable_grad():
        per_sample = loss.g(D(x)) * len(x)  # sum over samples: per-sample gradients
        (grad,) = torch.autograd.grad(per_sample, x)
    values = _surface(D, lim, resolution, z.device, surface)
    G.train(was_training[0]), D.train(was_training[1])
    return Snapshot2D(step, x.detach().cpu(), -grad.cpu(), values, lim, surface)


class Snapshots2D:
    """Collect a :class:`Snapshot2D` every ``every`` steps into ``self.snapshots``.

    D's surface is drawn as the loss says (:attr:`gantutor.losses.GANLoss.surface`)
    unless ``surface`` is given.
    """

    def __init__(
        self,
        G: nn.Module,
        D: nn.Module,
        z: Tensor,
        every: int,
        loss: str | losses.GANLoss = "non-saturating",
        lim: float = 3.0,
        surface: str | None = None,
    ):
        self.G, self.D, self.z, self.every = G, D, z, every
        self.loss = losses.get(loss)
        self.lim = lim
        self.surface = _check_surface(surface or self.loss.surface)
        self.snapshots: list[Snapshot2D] = []

    def __call__(self, trainer) -> None:
        self.snapshots.append(
            snapshot_2d(
                self.G,
                self.D,
                self.z,
                trainer.step,
                self.loss,
                self.lim,
                surface=self.surface,
            )
        )


class ImageSnapshots:
    """Keep G(z) for fixed ``z`` every ``every`` steps: (step, images in [-1, 1])."""

    def __init__(self, G: nn.Module, z: Tensor, every: int):
        self.G, self.z, self.every = G, z, every
        self.snapshots: list[tuple[int, Tensor]] = []

    @torch.no_grad()
    def __call__(self, trainer) -> None:
        was_training = self.G.training
        self.G.eval()
        self.snapshots.append((trainer.step, self.G(self.z).float().cpu()))
        self.G.train(was_training)


class LiveLoss:
    """Redraw the loss curves in place every ``every`` steps (in a notebook).

    The last drawing stays in the notebook's output, so the built book shows the
    curves of the whole run. Outside IPython it does nothing.
    """

    def __init__(self, every: int, title: str = "losses"):
        self.every, self.title, self.handle = every, title, None

    def __call__(self, trainer) -> None:
        from IPython import get_ipython
        from IPython.display import display

        from gantutor import viz

        if get_ipython() is None or not trainer.history.steps:
            return
        fig = viz.loss_curves(trainer.history, title=self.title)
        if self.handle is None:
            self.handle = display(fig, display_id=True)
        else:
            self.handle.update(fig)


def energy_snapshot_2d(
    G: nn.Module,
    D: AutoencoderDiscriminator,
    z: Tensor,
    step: int = 0,
    scale: float = 1.0,
    lim: float = 3.0,
    resolution: int = 60,
) -> Snapshot2D:
    """A :class:`Snapshot2D` of a 2-D EBGAN.

    The surface is 1 − min(E(x), scale) / scale, in [0, 1]: 1 (red in the book's
    plots) where the energy is 0, 0 (blue) where it is at least ``scale``; pass
    the margin as ``scale`` to see where the hinge stops pushing fakes up. The
    arrows are −∂E(G(z))/∂x, the pull of L_G on each sample (without PT).
    """
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    was_training = G.training, D.training
    G.eval(), D.eval()
    with torch.no_grad():
        x = G(z).float()  # (n, 2)
    x.requires_grad_(True)
    with torch.enable_grad():
        (grad,) = torch.autograd.grad(D.energy(x).sum(), x)  # per-sample gradients
    with torch.no_grad():
        e = D.energy(plane(lim, resolution, z.device))  # (R*R,)
    surface = 1 - e.clamp(max=scale).div(scale).view(resolution, resolution).cpu()
    G.train(was_training[0]), D.train(was_training[1])
    return Snapshot2D(step, x.detach().cpu(), -grad.cpu(), surface, lim)


class EnergySnapshots:
    """Collect an EBGAN :func:`snapshot_2d` every ``every`` steps (a callback)."""

    def __init__(
        self,
        G: nn.Module,
        D: AutoencoderDiscriminator,
        z: Tensor,
        every: int,
        scale: float = 1.0,
        lim: float = 3.0,
    ):
        self.G, self.D, self.z, self.every = G, D, z, every
        self.scale, self.lim = scale, lim
        self.snapshots: list[Snapshot2D] = []

    def __call__(self, trainer) -> None:
        self.snapshots.append(
            energy_snapshot_2d(
                self.G, self.D, self.z, trainer.step, self.scale, self.lim
            )
        )


class GaussianTrace:
    """A trainer callback: record (step, μ, σ) of a ``GaussianGenerator``."""

    def __init__(self, G: GaussianGenerator, every: int):
        self.G, self.every = G, every
        self.rows: list[tuple[float, float, float]] = []

    def __call__(self, trainer) -> None:
        self.rows.append((trainer.step, self.G.mean.item(), self.G.std.item()))

    def trajectory(self) -> Tensor:
        """The recorded rows as a tensor (n, 3): step, μ, σ."""
        return torch.tensor(self.rows, dtype=torch.float64)
