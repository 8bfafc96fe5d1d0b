"""Penalties and constraints on the critic, composable with any loss.

Each penalty returns a 0-d tensor to *add* to the discriminator's loss, with its
weight chosen by the caller (``loss_D + lambda_gp * gradient_penalty(...)``). They
all look at the gradient of the critic's output with respect to its *input*,
taken per sample, and differ only in where they look:

- :func:`gradient_penalty` — on random interpolates between real and fake
  samples, pulling each norm towards 1 (WGAN-GP, Gulrajani et al. 2017,
  arXiv:1704.00028; chapter *WGAN-GP*);
- :func:`r1` / :func:`r2` — on real / fake samples, pulling the norm towards 0
  (Mescheder et al. 2018, arXiv:1801.04406; chapters *WGAN-GP* and
  *The game's dynamics*);
- :func:`dragan` — on noisy copies of the real samples, towards 1 (Kodali et al.
  2017, arXiv:1705.07215).

:func:`clip_weights` is WGAN's original, cruder constraint (Arjovsky et al. 2017,
arXiv:1701.07875; chapter *WGAN*).

The penalties run in float32 even inside a bf16 autocast region: their double
backward is where mixed precision turns into NaNs. Float64 inputs stay float64.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn


def penalty_dtype(*xs: Tensor) -> torch.dtype:
    """The dtype a penalty computes in: float64 if an input is, else float32."""
    return torch.float64 if torch.float64 in {x.dtype for x in xs} else torch.float32


def interpolates(x_real: Tensor, x_fake: Tensor, eps: Tensor | None = None) -> Tensor:
    """x̂ = ε x_real + (1 − ε) x_fake with one ε ~ U[0, 1] *per sample*.

    ``eps`` (B,) fixes the coefficients (to measure on the same points twice);
    by default they are drawn afresh.
    """
    if x_real.shape != x_fake.shape:
        raise ValueError(
            "x_real and x_fake must have the same shape to interpolate; got "
            f"{tuple(x_real.shape)} and {tuple(x_fake.shape)}"
        )
    dtype = penalty_dtype(x_real, x_fake)
    if eps is None:
        eps = torch.rand(len(x_real), device=x_real.device, dtype=dtype)
    elif eps.shape != (len(x_real),):
        raise ValueError(
            f"eps must hold one coefficient per sample, shape ({len(x_real)},); "
            f"got {tuple(eps.shape)}"
        )
    eps = eps.to(dtype).view(-1, *[1] * (x_real.dim() - 1))  # (B, 1, ...)
    return eps * x_real.to(dtype) + (1 - eps) * x_fake.to(dtype)  # (B, ...)


def gradient_norms(D: nn.Module, x: Tensor, create_graph: bool = True) -> Tensor:
    """‖∇ₓ D(x)‖₂ for each sample: the gradient is flattened per sample, (B,).

    With ``create_graph=True`` (the default) the norms can be back-propagated
    into D's weights, as a penalty needs. Computed in float32 (float64 inputs
    stay float64), also inside a bf16 autocast region.
    """
    dtype = penalty_dtype(x)
    with torch.autocast(x.device.type, enabled=False):
        x = x.detach().to(dtype).requires_grad_(True)
        d = D(x)
        (grad,) = torch.autograd.grad(d.sum(), x, create_graph=create_graph)
    return grad.flatten(1).norm(dim=1)  # (B,)


def gradient_penalty(
    D: nn.Module, x_real: Tensor, x_fake: Tensor, target: float = 1.0
) -> Tensor:
    """E_x̂[(‖∇D(x̂)‖₂ − target)²] on random interpolates x̂ (WGAN-GP).

    Gulrajani et al. (2017) add ``lambda_gp = 10`` times this to the critic's
    loss. The critic must not use BatchNorm: the penalty is per sample.
    """
    x_hat = interpolates(x_real.detach(), x_fake.detach())
    return (gradient_norms(D, x_hat) - target).square().mean()


def r1(D: nn.Module, x_real: Tensor) -> Tensor:
    """R1 = ½ E_x~p_data[‖∇D(x)‖²]: a zero-centred penalty on real data.

    Mescheder et al. (2018) add ``gamma`` times this to the discriminator's loss.
    """
    return 0.5 * gradient_norms(D, x_real).square().mean()


def r2(D: nn.Module, x_fake: Tensor) -> Tensor:
    """R2 = ½ E_x~p_G[‖∇D(x)‖²]: the same penalty on the generator's samples."""
    return 0.5 * gradient_norms(D, x_fake).square().mean()


def dragan(D: nn.Module, x_real: Tensor, c: float = 0.5) -> Tensor:
    """E[(‖∇D(x̂)‖₂ − 1)²] at x̂ between x_real and a copy perturbed by noise.

    The perturbation is ``c · std(x_real) · U[0, 1]`` elementwise (Kodali et al.
    2017), so the penalty acts in a neighbourhood of the data only.
    """
    x_real = x_real.detach().to(penalty_dtype(x_real))
    x_noisy = x_real + c * x_real.std() * torch.rand_like(x_real)
    x_hat = interpolates(x_real, x_noisy)
    return (gradient_norms(D, x_hat) - 1).square().mean()


@torch.no_grad()
def clip_weights(module: nn.Module, c: float) -> None:
    """Clamp every parameter of ``module`` to [−c, c], in place (WGAN)."""
    if not c > 0:
        raise ValueError(f"the clipping bound c must be positive, got {c}")
    for p in module.parameters():
        p.clamp_(-c, c)
