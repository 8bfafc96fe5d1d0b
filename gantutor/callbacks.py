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


@dataclass
class Snapshot2D:
    """One moment of a 2-D GAN: samples, D's surface and the pull on the samples."""

    step: int
    x_fake: Tensor  # (n, 2) G's samples for fixed z
    push: Tensor  # (n, 2) −∂loss_G/∂x at each sample: where G's loss moves it
    surface: Tensor  # (R, R) σ(D(x)), or D(x) − mean for "score", rows along y
    lim: float  # the grid spans [−lim, lim]²
    kind: str = "probability"  # how `surface` reads D: see SURFACES


# How D's output is shown on the plane: as the probability σ(D(x)) of "real" (GAN),
# or as a raw score centred on its mean over the grid (WGAN critics, LSGAN
# regressors: only differences of the score matter to G).
SURFACES = ("probability", "score")


def plane(lim: float, resolution: int, device=None) -> Tensor:
    """The points of a resolution × resolution grid over [−lim, lim]², (R*R, 2).

    Row-major with rows along y, so ``values.view(R, R)`` is an image whose
    first row is y = −lim (draw it with ``origin="lower"``).
    """
    ticks = torch.linspace(-lim, lim, resolution, device=device)
    yy, xx = torch.meshgrid(ticks, ticks, indexing="ij")
    return torch.stack([xx.flatten(), yy.flatten()], dim=1)  # (R*R, 2)


@torch.no_grad()
def _surface(
    D: nn.Module, lim: float, resolution: int, device, kind: str = "probability"
) -> Tensor:
    if kind not in SURFACES:
        raise ValueError(f"unknown surface {kind!r}; choose one of {SURFACES}")
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
    surface: str = "probability",
) -> Snapshot2D:
    """A :class:`Snapshot2D` of a 2-D GAN for fixed noise ``z`` (n, latent_dim).

    ``surface`` is ``"probability"`` (σ(D(x)), for classifiers) or ``"score"``
    (D(x) centred, for critics and regressors); see ``SURFACES``.
    """
    loss = losses.get(loss)
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
    """Collect a :class:`Snapshot2D` every ``every`` steps into ``self.snapshots``."""

    def __init__(
        self,
        G: nn.Module,
        D: nn.Module,
        z: Tensor,
        every: int,
        loss: str | losses.GANLoss = "non-saturating",
        lim: float = 3.0,
        surface: str = "probability",
    ):
        if surface not in SURFACES:
            raise ValueError(f"unknown surface {surface!r}; choose one of {SURFACES}")
        self.G, self.D, self.z, self.every = G, D, z, every
        self.loss, self.lim, self.surface = loss, lim, surface
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
