"""Every loss of the book on the same networks: recipes, runs and their spread.

Lucic et al. (2018, arXiv:1711.10337, "Are GANs Created Equal?") trained many GAN
variants with the same networks and budget over many seeds and hyper-parameters
and found the spread *within* a variant as large as the differences *between*
them. Chapter *Are GANs created equal?* repeats that study at the book's scale.

A :class:`Recipe` says how a chapter trains its loss on a given (G, D) pair: the
update step (:mod:`gantutor.steps`), the discriminator's kind (an MLP, or the
autoencoder of EBGAN and BEGAN with the same width and depth per side), and the
chapter's optimiser with its learning rates on the 25-Gaussian grid and on MNIST.
:func:`grid_run` and :func:`mnist_run` train one (loss, seed, lr) run and score
its last generator: modes covered and high-quality share on the grid (the
PacGAN/VEEGAN protocol of :meth:`gantutor.data.Mixture.coverage`), FID
(mnist-cnn) against the test digits and the classes covered on MNIST. A budget is
a number of *generator* updates; WGAN's five critic updates per step are part of
its recipe, as in its chapter, and a run's seconds are returned to show the cost.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import torch
from torch import Tensor, nn

from gantutor import data, metrics, models, penalties, steps, train
from gantutor.labs import ablation
from gantutor.losses import fdiv

Step = Callable[[Tensor], dict[str, Tensor]]
ADAM_GAN = (0.5, 0.999)  # the betas of the DCGAN paper, used by most chapters


@dataclass(frozen=True)
class Recipe:
    """How a chapter trains one loss: its step, its D, its optimiser and rates.

    ``make_step(G, D, opt_G, opt_D, dataset)`` builds the step for ``"grid"`` or
    ``"mnist"``; ``lr[dataset]`` is ``(lr_G, lr_D)``; ``optimiser`` is ``"adam"``
    (with ``betas``) or ``"rmsprop"``; ``autoencoder`` says D is
    :class:`gantutor.models.AutoencoderDiscriminator`; ``fp32`` turns bf16 autocast
    off (WGAN's critic gap is too small for it).
    """

    name: str
    chapter: str
    make_step: Callable[..., Step]
    lr: dict[str, tuple[float, float]]
    optimiser: str = "adam"
    betas: tuple[float, float] = ADAM_GAN
    autoencoder: bool = False
    fp32: bool = False


def _gan(loss, G, D, opt_G, opt_D, dataset):
    return steps.gan_step(G, D, opt_G, opt_D, loss)


def _wgan(G, D, opt_G, opt_D, dataset):
    return steps.critic_step(G, D, opt_G, opt_D, n_critic=5, clip=0.01)


def _wgan_gp(G, D, opt_G, opt_D, dataset):
    return steps.critic_step(
        G, D, opt_G, opt_D, n_critic=5,
        penalty=lambda D, x_real, x_fake: 10.0 * penalties.gradient_penalty(
            D, x_real, x_fake),  # lambda_gp = 10
    )  # fmt: skip


def _gan_r1(G, D, opt_G, opt_D, dataset):
    return steps.alternating_step(
        G, D, opt_G, opt_D, "non-saturating", 1,
        penalty=lambda D, x_real, x_fake: 1.0 * penalties.r1(D, x_real),  # gamma = 1
    )  # fmt: skip


def _ebgan(G, D, opt_G, opt_D, dataset):
    lambda_pt = 0.1 if dataset == "mnist" else 0.0  # as chapter EBGAN does
    return steps.ebgan_step(G, D, opt_G, opt_D, margin=0.3, lambda_pt=lambda_pt)


def _began(G, D, opt_G, opt_D, dataset):
    return steps.began_step(G, D, opt_G, opt_D, gamma=0.5)


def _same(lr: float, lr_mnist: float) -> dict[str, tuple[float, float]]:
    return {"grid": (lr, lr), "mnist": (lr_mnist, lr_mnist)}


RECIPES = {
    r.name: r
    for r in [
        Recipe("minimax", "GAN", partial(_gan, "minimax"), _same(2e-4, 1e-3)),
        Recipe("non-saturating", "GAN", partial(_gan, "non-saturating"),
               _same(2e-4, 1e-3)),
        Recipe("lsgan", "LSGAN", partial(_gan, "lsgan"), _same(2e-4, 1e-3)),
        Recipe("lsgan-pearson", "LSGAN", partial(_gan, "lsgan-pearson"),
               _same(2e-4, 1e-3)),
        Recipe("fgan-kl", "f-GAN", partial(_gan, fdiv.loss("kl")), _same(5e-4, 5e-4)),
        Recipe("fgan-reverse-kl", "f-GAN", partial(_gan, fdiv.loss("reverse-kl")),
               _same(5e-4, 5e-4)),
        Recipe("ebgan", "EBGAN", _ebgan, _same(1e-3, 1e-3), autoencoder=True),
        Recipe("wgan", "WGAN", _wgan, _same(5e-5, 2e-4), optimiser="rmsprop",
               fp32=True),
        Recipe("wgan-gp", "WGAN-GP", _wgan_gp, _same(1e-4, 1e-4), betas=(0.0, 0.9)),
        Recipe("began", "BEGAN", _began, _same(2e-4, 5e-4), autoencoder=True),
        Recipe("gan-r1", "WGAN-GP (R1)", _gan_r1, _same(2e-4, 1e-3)),
        Recipe("hinge", "SAGAN (hinge)", partial(_gan, "hinge"),
               {"grid": (1e-4, 4e-4), "mnist": (1e-4, 4e-4)}, betas=(0.0, 0.9)),
    ]
}  # fmt: skip


def recipe(name: str) -> Recipe:
    """The recipe registered as ``name``; an unknown name lists the known ones."""
    if name not in RECIPES:
        raise ValueError(f"unknown loss {name!r}; known losses: {', '.join(RECIPES)}")
    return RECIPES[name]


DATASETS = ("grid", "mnist")


def _check_dataset(dataset: str) -> None:
    if dataset not in DATASETS:
        raise ValueError(f"dataset must be one of {DATASETS}, got {dataset!r}")


def networks(name: str, dataset: str, seed: int = 0) -> tuple[nn.Module, nn.Module]:
    """The (G, D) pair every loss shares on ``dataset``, initialised from ``seed``.

    Grid: G 8 → 128 × 3 → 2 and D 2 → 128 × 3 → 1 (chapters *LSGAN*, *WGAN*);
    MNIST: G 64 → 256 × 2 → 784 (tanh) and D 784 → 256 × 2 → 1 (chapter *GAN*).
    EBGAN and BEGAN get an autoencoder D of the same width, two hidden layers per
    side, with a code of 2 (grid) or 64 (MNIST) as in their chapters.
    """
    _check_dataset(dataset)
    auto = recipe(name).autoencoder
    torch.manual_seed(seed)
    if dataset == "grid":
        G = models.MLPGenerator(8, 2, hidden=128)
        if auto:
            return G, models.AutoencoderDiscriminator(2, code_dim=2, hidden=128)
        return G, models.MLPDiscriminator(2, hidden=128)
    shape = (1, 28, 28)
    G = models.MLPGenerator(64, shape, hidden=256, depth=2, out="tanh")
    if auto:
        return G, models.AutoencoderDiscriminator(shape, code_dim=64, hidden=256)
    return G, models.MLPDiscriminator(shape, hidden=256, depth=2)


def optimisers(
    rec: Recipe, G: nn.Module, D: nn.Module, dataset: str, lr_scale: float = 1.0
) -> tuple[torch.optim.Optimizer, torch.optim.Optimizer]:
    """``(opt_G, opt_D)`` of the recipe's chapter, both rates times ``lr_scale``."""
    if not (math.isfinite(lr_scale) and lr_scale > 0):
        raise ValueError(f"lr_scale must be a positive number, got {lr_scale}")
    lr_G, lr_D = (lr * lr_scale for lr in rec.lr[dataset])
    if rec.optimiser == "rmsprop":
        make = torch.optim.RMSprop
    else:
        make = partial(torch.optim.Adam, betas=rec.betas)
    return make(G.parameters(), lr=lr_G), make(D.parameters(), lr=lr_D)


def build(
    name: str, G: nn.Module, D: nn.Module, dataset: str = "grid", lr_scale: float = 1.0
) -> tuple[Step, torch.optim.Optimizer, torch.optim.Optimizer]:
    """The step of loss ``name`` on (G, D) with its chapter's optimisers."""
    _check_dataset(dataset)
    rec = recipe(name)
    opt_G, opt_D = optimisers(rec, G, D, dataset, lr_scale)
    return rec.make_step(G, D, opt_G, opt_D, dataset), opt_G, opt_D


def _train(name, G, D, batches, dataset, lr_scale, n_steps) -> tuple[bool, float]:
    """Train in place; returns (finished with finite losses, seconds)."""
    step, opt_G, opt_D = build(name, G, D, dataset, lr_scale)
    trainer = train.Trainer(
        step, batches, modules={"G": G, "D": D},
        optimizers={"G": opt_G, "D": opt_D}, log_every=max(1, n_steps // 4),
        autocast=False if recipe(name).fp32 else None, progress=False,
    )  # fmt: skip
    start = time.perf_counter()
    try:
        trainer.fit(n_steps)
    except train.NonFiniteLossError:
        return False, time.perf_counter() - start
    return True, time.perf_counter() - start


@dataclass
class Run:
    """One trained (loss, seed, lr) run and its final scores.

    ``score`` is the modes covered (grid) or FID (mnist-cnn) (MNIST); ``extra`` the
    high-quality share (grid) or the classes covered (MNIST); ``sample`` some of
    the last generator's samples; ``finite`` is False when the losses diverged
    (the run then scores 0 modes, or an infinite FID).
    """

    loss: str
    seed: int
    lr_scale: float
    score: float
    extra: float
    sample: Tensor
    finite: bool
    seconds: float


def grid_scores(x_fake: Tensor, grid: data.Mixture | None = None) -> tuple[int, float]:
    """Modes covered and high-quality share of samples on the 25-Gaussian grid."""
    if x_fake.dim() != 2 or x_fake.shape[1] != 2:
        raise ValueError(f"x_fake must be points (n, 2), got {tuple(x_fake.shape)}")
    if not torch.isfinite(x_fake).all():
        return 0, 0.0
    return (grid or data.grid()).coverage(x_fake)


def grid_run(
    name: str, seed: int, lr_scale: float = 1.0, n_steps: int = 2000,
    n_eval: int = 2000, device: torch.device | str = "cpu",
) -> Run:  # fmt: skip
    """Train loss ``name`` on the 25-Gaussian grid (batches of 128) and score it."""
    grid = data.grid()
    G, D = (net.to(device) for net in networks(name, "grid", seed))
    batches = data.MixtureBatches(grid, 128, device)
    finite, seconds = _train(name, G, D, batches, "grid", lr_scale, n_steps)
    with torch.no_grad():
        x_fake = G(torch.randn(n_eval, G.latent_dim, device=device)).cpu()  # (n, 2)
    modes, quality = grid_scores(x_fake, grid) if finite else (0, 0.0)
    return Run(name, seed, lr_scale, modes, quality, x_fake[:500], finite, seconds)


def class_coverage(logits: Tensor, min_share: float = 0.02) -> int:
    """Classes whose share of the predicted labels is at least ``min_share``.

    ``logits`` (n, n_classes) from a classifier (mnist-cnn's head); chapter
    *EBGAN* counts a digit as present at 2 % of the samples (uniform: 10 %).
    """
    return ablation.coverage(ablation.class_counts(logits), min_share)


def image_scores(
    x_fake: Tensor, reference: metrics.Statistics, device: torch.device | str = "cpu"
) -> tuple[float, int]:
    """FID (mnist-cnn) of images in [-1, 1] against ``reference``, classes covered;
    ``(inf, 0)`` for images that are not finite (a diverged run)."""
    if not torch.isfinite(x_fake).all():
        return math.inf, 0
    scores = ablation.score(x_fake, reference, device)
    return scores.fid, scores.covered


def reference_statistics(
    x: Tensor, device: torch.device | str = "cpu"
) -> metrics.Statistics:
    """mnist-cnn statistics of real digits ``x`` in [-1, 1] (the FID reference)."""
    judge = metrics.extractor("mnist-cnn", device)
    f = metrics.features(x, judge, "[-1,1]", device=device, progress=False)
    return metrics.statistics(f, "mnist-cnn")


def mnist_run(
    name: str, seed: int, x_train: Tensor, reference: metrics.Statistics,
    lr_scale: float = 1.0, n_steps: int = 1000, n_eval: int = 1000,
    device: torch.device | str = "cpu",
) -> Run:  # fmt: skip
    """Train loss ``name`` on MNIST (MLP G and D, batches of 64) and score it."""
    G, D = (net.to(device) for net in networks(name, "mnist", seed))
    batches = data.TensorBatches(x_train, 64, device)
    finite, seconds = _train(name, G, D, batches, "mnist", lr_scale, n_steps)
    G.eval()
    with torch.no_grad():
        z = torch.randn(n_eval, G.latent_dim, device=device)
        x_fake = G(z).clamp(-1, 1).cpu()  # (n, 1, 28, 28)
    fid, classes = image_scores(x_fake, reference, device) if finite else (math.inf, 0)
    return Run(name, seed, lr_scale, fid, classes, x_fake[:36], finite, seconds)


@dataclass(frozen=True)
class Spread:
    """Median, quartiles, extremes and size of one loss's scores over its runs."""

    median: float
    q1: float
    q3: float
    low: float
    high: float
    n: int

    @property
    def iqr(self) -> float:
        """q3 − q1 (0 when both are the same, infinite ones included)."""
        return 0.0 if self.q3 == self.q1 else self.q3 - self.q1


def _quantile(v: list[float], q: float) -> float:
    """The q-quantile of sorted ``v``, interpolating linearly; inf-safe."""
    pos = q * (len(v) - 1)
    lo, hi = math.floor(pos), math.ceil(pos)
    if v[lo] == v[hi]:
        return v[lo]
    return v[lo] + (v[hi] - v[lo]) * (pos - lo)


def spread(values: Sequence[float]) -> Spread:
    """The :class:`Spread` of ``values``; diverged runs (inf) sort last."""
    v = sorted(float(x) for x in values)
    if not v:
        raise ValueError("spread needs at least one value")
    q1, median, q3 = (_quantile(v, q) for q in (0.25, 0.5, 0.75))
    return Spread(median, q1, q3, v[0], v[-1], len(v))


def by_loss(runs: Sequence[Run], lr_scale: float | None = None) -> dict[str, list[Run]]:
    """Runs grouped by loss, in first-seen order; only one ``lr_scale`` if given."""
    out: dict[str, list[Run]] = {}
    for r in runs:
        if lr_scale is None or math.isclose(r.lr_scale, lr_scale):
            out.setdefault(r.loss, []).append(r)
    return out


def reliability(runs: Sequence[Run], threshold: float, higher: bool = True) -> dict:
    """Per loss, the share of its runs (all seeds and rates) that reach ``threshold``.

    ``higher=True``: score ≥ threshold (modes); ``False``: score ≤ it (FID).
    """
    out = {}
    for name, group in by_loss(runs).items():
        ok = [(r.score >= threshold) if higher else (r.score <= threshold)
              for r in group]  # fmt: skip
        out[name] = sum(ok) / len(ok)
    return out
