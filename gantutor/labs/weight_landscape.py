"""Loss landscapes in weight space: filter-normalised random directions.

Li, Xu, Taylor, Studer and Goldstein (2018, arXiv:1712.09913) plot a network's
loss on a plane through its trained weights θ*,

    f(α, β) = L(θ* + α d₁ + β d₂),        α, β ∈ [−r, r],

along two random directions d₁, d₂ that are *filter-normalised* (their Sec. 4):
each filter of a Gaussian direction is rescaled to the norm of the same filter of
θ*. A ReLU network computes the same function when one layer is multiplied by c
and the next divided by c, so a step of fixed length means a lot for a layer of
small weights and little for one of large weights; filter normalisation measures
every step relative to the weights it moves. Biases and other 1-D parameters
(norm layers) get a zero direction, the paper's default choice.

For a GAN, :func:`gan_loss` returns the discriminator's loss as a function of
D's weights (G fixed) or the generator's as a function of G's (D fixed), for any
loss of :mod:`gantutor.losses`, with an optional gradient penalty. Chapter
*Loss landscapes in parameter space*.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from gantutor import losses
from gantutor.penalties import gradient_penalty
from gantutor.steps import frozen

Direction = list[Tensor]  # one tensor per parameter, in ``model.parameters()`` order


# --- directions ----------------------------------------------------------------


def filter_normalize(direction: Tensor, weights: Tensor) -> Tensor:
    """Rescale each filter: d_i ← d_i ‖θ_i‖ / ‖d_i‖ (Li et al. 2018, Sec. 4).

    A filter is a slice along dim 0 (a row of a linear layer's weight, one
    output unit; a convolution's output channel). A 1-D tensor (bias, norm
    layer) gets the zero direction.
    """
    if direction.shape != weights.shape:
        raise ValueError(
            f"direction and weights must have the same shape; got "
            f"{tuple(direction.shape)} and {tuple(weights.shape)}"
        )
    if weights.dim() <= 1:
        return torch.zeros_like(weights)
    d_norm = direction.flatten(1).norm(dim=1)  # (n_filters,)
    w_norm = weights.flatten(1).norm(dim=1)  # (n_filters,)
    scale = w_norm / d_norm.clamp_min(1e-12)
    return direction * scale.view(-1, *[1] * (weights.dim() - 1))


def parameters(models: nn.Module | Sequence[nn.Module]) -> list[nn.Parameter]:
    """The parameters of one model, or of several models one after the other."""
    if isinstance(models, nn.Module):
        models = [models]
    return [p for m in models for p in m.parameters()]


def random_direction(
    models: nn.Module | Sequence[nn.Module], seed: int, normalize: bool = True
) -> Direction:
    """A seeded Gaussian direction, filter-normalised unless ``normalize=False``.

    Without normalisation every entry is N(0, 1), biases included: the raw
    direction whose plots scale invariance makes misleading.
    """
    gen = torch.Generator().manual_seed(seed)
    out = []
    for p in parameters(models):
        d = torch.randn(p.shape, generator=gen, dtype=p.dtype).to(p.device)
        out.append(filter_normalize(d, p.detach()) if normalize else d)
    return out


def zero_direction(models: nn.Module | Sequence[nn.Module]) -> Direction:
    """A direction that leaves every parameter where it is."""
    return [torch.zeros_like(p) for p in parameters(models)]


# --- evaluation on a plane -----------------------------------------------------


@contextlib.contextmanager
def _moved(models: Sequence[nn.Module]) -> Iterator[list[nn.Parameter]]:
    """Yield the parameters to move; afterwards restore weights, buffers and modes.

    Restoring is a copy of the saved tensors, so the weights are bit-identical
    afterwards, also when the loss raised. Models run in eval mode meanwhile
    (BatchNorm must not update its running statistics).
    """
    saved = [{k: v.detach().clone() for k, v in m.state_dict().items()} for m in models]
    modes = [[sub.training for sub in m.modules()] for m in models]
    try:
        for m in models:
            m.eval()
        with frozen(*models):  # requires_grad flags back as they were
            yield parameters(models)
    finally:
        with torch.no_grad():
            for m, state in zip(models, saved, strict=True):
                for k, v in m.state_dict().items():
                    v.copy_(state[k])
        for m, mode in zip(models, modes, strict=True):
            for sub, training in zip(m.modules(), mode, strict=True):
                sub.training = training


@dataclass
class Landscape:
    """A loss on the plane θ* + α d₁ + β d₂: values (n, n), rows along β."""

    alphas: Tensor  # (n,)
    betas: Tensor  # (n,)
    values: Tensor  # (n, n): values[j, i] = f(alphas[i], betas[j])
    center: float  # f(0, 0): the loss at the trained weights

    def slice(self, axis: str = "alpha") -> tuple[Tensor, Tensor]:
        """The 1-D slice through the middle of the grid along α (β = 0) or β."""
        n = len(self.alphas)
        if axis == "alpha":
            return self.alphas, self.values[n // 2]
        if axis == "beta":
            return self.betas, self.values[:, n // 2]
        raise ValueError(f"axis must be 'alpha' or 'beta', got {axis!r}")


def _check_grid(r: float, n: int) -> Tensor:
    if not r > 0:
        raise ValueError(f"the range r must be positive, got {r}")
    if not isinstance(n, int) or n < 2:
        raise ValueError(f"the grid needs at least 2 points per axis, got n={n!r}")
    return torch.linspace(-r, r, n, dtype=torch.float64)


def _evaluate(
    loss_fn: Callable[[], Tensor],
    models: list[nn.Module],
    directions: Sequence[Direction],
    coords: Tensor,
    grad: bool,
) -> tuple[Tensor, float]:
    """L(θ* + Σ_k c_k d_k) for each row c of ``coords`` (m, K); and L(θ*)."""
    values = torch.empty(len(coords), dtype=torch.float64)
    with _moved(models) as params:
        for d in directions:
            if len(d) != len(params):
                raise ValueError(
                    f"a direction must have one tensor per parameter ({len(params)}); "
                    f"got {len(d)}"
                )
        theta = [p.detach().clone() for p in params]
        with torch.set_grad_enabled(grad):
            center = float(loss_fn())
            for m, c in enumerate(coords.tolist()):
                with torch.no_grad():
                    for i, (p, t) in enumerate(zip(params, theta, strict=True)):
                        step = (ck * d[i] for ck, d in zip(c, directions, strict=True))
                        p.copy_(t + sum(step))
                values[m] = float(loss_fn())
    return values, center


def surface(
    loss_fn: Callable[[], Tensor],
    models: nn.Module | Sequence[nn.Module],
    d1: Direction,
    d2: Direction,
    r: float = 1.0,
    n: int = 25,
    grad: bool = False,
) -> Landscape:
    """f(α, β) = L(θ* + α d₁ + β d₂) on an n × n grid over [−r, r]².

    ``loss_fn()`` computes the loss of ``models`` at their current weights on a
    fixed batch. It runs under ``torch.no_grad()``, or with autograd on when
    ``grad=True`` (a gradient penalty differentiates with respect to the
    *input*); the weights never require gradients and are never updated. Use an
    odd ``n`` to have (0, 0) on the grid.
    """
    models = [models] if isinstance(models, nn.Module) else list(models)
    ticks = _check_grid(r, n)
    bb, aa = torch.meshgrid(ticks, ticks, indexing="ij")  # (n, n), rows along β
    coords = torch.stack([aa.flatten(), bb.flatten()], dim=1)  # (n², 2)
    values, center = _evaluate(loss_fn, models, [d1, d2], coords, grad)
    return Landscape(ticks, ticks.clone(), values.view(n, n), center)


def line(
    loss_fn: Callable[[], Tensor],
    models: nn.Module | Sequence[nn.Module],
    d: Direction,
    r: float = 1.0,
    n: int = 51,
    grad: bool = False,
) -> tuple[Tensor, Tensor]:
    """The 1-D slice f(α) = L(θ* + α d) for α in [−r, r]: (alphas, values)."""
    models = [models] if isinstance(models, nn.Module) else list(models)
    ticks = _check_grid(r, n)
    values, _ = _evaluate(loss_fn, models, [d], ticks[:, None], grad)
    return ticks, values


def curvature(alphas: Tensor, values: Tensor, width: float | None = None) -> float:
    """f''(0) of a 1-D slice: twice the leading coefficient of a parabola fit.

    The parabola is fitted by least squares to the points with |α| ≤ ``width``
    (all points by default); for a slice that is a parabola it is exact.
    """
    alphas, values = alphas.double(), values.double()
    keep = alphas.abs() <= (width if width is not None else alphas.abs().max())
    if int(keep.sum()) < 3:
        raise ValueError("a parabola needs at least 3 points within the width")
    a = alphas[keep]
    basis = torch.stack([a**2, a, torch.ones_like(a)], dim=1)  # (m, 3)
    coef = torch.linalg.lstsq(basis, values[keep, None]).solution  # (3, 1)
    return 2 * float(coef[0, 0])


def quadratic_fit(land: Landscape, width: float | None = None) -> tuple[Tensor, Tensor]:
    """Gradient g (2,) and Hessian H (2, 2) of f ≈ c + gᵀu + ½ uᵀHu near (0, 0).

    Least squares over the grid points with |α|, |β| ≤ ``width`` (all by
    default). Eigenvalues of H of both signs mean a saddle in this plane.
    """
    bb, aa = torch.meshgrid(land.betas, land.alphas, indexing="ij")  # (n, n)
    limit = width if width is not None else float(land.alphas.abs().max())
    keep = (aa.abs() <= limit) & (bb.abs() <= limit)
    if int(keep.sum()) < 6:
        raise ValueError("a quadratic surface needs at least 6 points within the width")
    a, b, f = aa[keep], bb[keep], land.values[keep].double()
    basis = torch.stack([0.5 * a * a, a * b, 0.5 * b * b, a, b, torch.ones_like(a)], 1)
    h_aa, h_ab, h_bb, g_a, g_b, _ = torch.linalg.lstsq(basis, f[:, None]).solution[:, 0]
    return torch.stack([g_a, g_b]), torch.stack([h_aa, h_ab, h_ab, h_bb]).view(2, 2)


# --- GANs ------------------------------------------------------------------------


NETS = ("D", "G")


def gan_loss(
    G: nn.Module,
    D: nn.Module,
    x_real: Tensor,
    z: Tensor,
    net: str = "D",
    loss: str | losses.GANLoss = "non-saturating",
    lambda_gp: float = 0.0,
    seed: int = 0,
    fixed_G: bool = False,
) -> Callable[[], Tensor]:
    """The loss of player ``net`` at the current weights, on a fixed batch.

    ``"D"``: loss.d(D(x_real), D(G(z))) + lambda_gp · gradient_penalty, the
    penalty's interpolation drawn from ``seed`` at every call (same points every
    time, global RNG untouched); ``"G"``: loss.g(D(G(z))). Evaluate a penalty
    with autograd on (``surface(..., grad=True)``). ``fixed_G=True`` computes
    G(z) once, for D's loss while G does not move.
    """
    loss = losses.get(loss)
    if net not in NETS:
        raise ValueError(f"net must be one of {NETS}, got {net!r}")
    if lambda_gp < 0:
        raise ValueError(f"lambda_gp must be non-negative, got {lambda_gp}")
    devices = [x_real.device] if x_real.device.type == "cuda" else []
    with torch.no_grad():
        x_fixed = G(z) if fixed_G else None

    def loss_D() -> Tensor:
        with torch.no_grad():
            x_fake = G(z) if x_fixed is None else x_fixed  # (B, ...)
        value = loss.d(D(x_real), D(x_fake))
        if lambda_gp > 0:
            with torch.random.fork_rng(devices=devices):
                torch.manual_seed(seed)
                value = value + lambda_gp * gradient_penalty(D, x_real, x_fake)
        return value.detach()

    def loss_G() -> Tensor:
        return loss.g(D(G(z))).detach()

    return loss_D if net == "D" else loss_G


def gan_landscape(
    G: nn.Module,
    D: nn.Module,
    x_real: Tensor,
    z: Tensor,
    net: str = "D",
    loss: str | losses.GANLoss = "non-saturating",
    lambda_gp: float = 0.0,
    r: float = 1.0,
    n: int = 25,
    seed: int = 0,
) -> Landscape:
    """The landscape of one player's loss, moving its weights, the other fixed.

    Directions d₁, d₂ are filter-normalised, drawn from ``seed`` and ``seed + 1``.
    """
    fn = gan_loss(G, D, x_real, z, net, loss, lambda_gp, seed, fixed_G=True)
    model = D if net == "D" else G
    d1, d2 = random_direction(model, seed), random_direction(model, seed + 1)
    return surface(fn, model, d1, d2, r, n, grad=net == "D" and lambda_gp > 0)


class WeightSnapshots:
    """Copy the weights of ``modules`` every ``every`` steps (a Trainer callback).

    ``self.snapshots`` holds ``(step, {name: state_dict})``; :func:`restore`
    turns one back into a model.
    """

    def __init__(self, modules: dict[str, nn.Module], every: int):
        if every < 1:
            raise ValueError(f"every must be at least 1, got {every}")
        self.modules, self.every = modules, every
        self.snapshots: list[tuple[int, dict[str, dict[str, Tensor]]]] = []

    def __call__(self, trainer) -> None:
        states = {
            name: {k: v.detach().clone() for k, v in m.state_dict().items()}
            for name, m in self.modules.items()
        }
        self.snapshots.append((trainer.step, states))


def restore(model: nn.Module, state: dict[str, Tensor]) -> nn.Module:
    """A copy of ``model`` holding the weights ``state`` (the original untouched)."""
    other = copy.deepcopy(model)
    other.load_state_dict(state)
    return other
