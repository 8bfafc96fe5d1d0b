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
arXiv:1701.07875; chapter *WGAN*). :func:`orthogonal` and :func:`orthogonal_of`
look at the weights, not the gradients: BigGAN's orthogonal regularisation of
the generator (Brock et al. 2018, arXiv:1809.11096; chapter *BigGAN*).

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


def orthogonal(W: Tensor) -> Tensor:
    """‖W Wᵀ ⊙ (1 − I)‖²_F: BigGAN's orthogonal regularisation, off-diagonal only.

    ``W`` is a weight of shape (out, ...), read as the matrix (out, n) whose rows
    are the filters; the penalty is the squared Frobenius norm of the filters'
    Gram matrix off its diagonal, so it pushes filters to be orthogonal without
    fixing their norms. Brock et al. (2018) write it R_β(W) = β ‖WᵀW ⊙ (1 − I)‖²_F
    with filters as columns and add it with β = 1e-4 to G's loss: the caller
    multiplies by β. 0 for a matrix with orthogonal rows.
    """
    if W.dim() < 2:
        raise ValueError(
            f"orthogonal regularisation needs a weight matrix (out, ...), got shape "
            f"{tuple(W.shape)}; leave biases and gains out"
        )
    with torch.autocast(W.device.type, enabled=False):  # fp32 under bf16 autocast
        rows = W.flatten(1).to(penalty_dtype(W))  # (out, n)
        gram = rows @ rows.T  # (out, out)
        off = gram * (1 - torch.eye(len(gram), device=W.device, dtype=gram.dtype))
        return off.square().sum()


def orthogonal_of(module: nn.Module, exclude: tuple[nn.Module, ...] = ()) -> Tensor:
    """Σ :func:`orthogonal` over every weight of ``module`` with 2 or more dimensions.

    Parameters of the modules in ``exclude`` are skipped (BigGAN leaves out G's
    shared class embedding). A spectrally normalised layer is regularised through
    its raw weight (``parametrizations.weight.original``), as BigGAN does.
    """
    skip = {id(p) for m in exclude for p in m.parameters()}
    weights = [p for p in module.parameters() if p.dim() >= 2 and id(p) not in skip]
    if not weights:
        raise ValueError(f"{type(module).__name__} has no weight matrix to regularise")
    return torch.stack([orthogonal(W) for W in weights]).sum()
