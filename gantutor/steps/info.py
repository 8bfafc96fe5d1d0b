"""Updates that read G's inputs back from images: InfoGAN's Q, IcGAN's encoders.

InfoGAN (Chen et al. 2016, arXiv:1606.03657, chapter *InfoGAN*): G's input is
[z, c] with a categorical code and continuous codes sampled from their priors;
the Q head, sharing D's body, reads the codes back from G(z, c), and the
variational bound on the mutual information I(c; G(z, c)) trains G and Q
(:mod:`gantutor.losses.auxiliary`). No labels are used.

IcGAN (Perarnau et al. 2016, arXiv:1611.06355, chapter *IcGAN*): after a
conditional G is trained, encoders learn to invert it, E_z on G's own samples
(:func:`icgan_encoder_step`), E_y on labelled real images.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn

from gantutor import losses
from gantutor.data.batches import Batch
from gantutor.losses.auxiliary import categorical_info, gaussian_info
from gantutor.models.conditional import one_hot
from gantutor.models.info import check_codes
from gantutor.steps.alternating import frozen

Optimizer = torch.optim.Optimizer


def sample_codes(
    n: int,
    n_categories: int,
    n_continuous: int,
    device: torch.device | str | None = None,
    generator: torch.Generator | None = None,
) -> tuple[Tensor, Tensor]:
    """InfoGAN's codes from their prior: indices (n,) uniform over the categories
    (zeros when ``n_categories`` is 0) and continuous codes (n, n_continuous)
    uniform on [−1, 1] (Chen et al. 2016, §6)."""
    check_codes(n_categories, n_continuous)
    kw = {"device": device, "generator": generator}
    c_cat = torch.randint(max(n_categories, 1), (n,), **kw)  # (n,)
    c_cont = torch.rand(n, n_continuous, **kw) * 2 - 1  # (n, n_continuous)
    return c_cat, c_cont


def join_codes(z: Tensor, c_cat: Tensor, c_cont: Tensor, n_categories: int) -> Tensor:
    """G's input [z, one-hot(c_cat), c_cont], shape (B, noise + K + n_continuous)."""
    return torch.cat([z, one_hot(c_cat, n_categories), c_cont], dim=1)


def infogan_step(
    G: nn.Module,
    D: nn.Module,
    opt_G: Optimizer,
    opt_D: Optimizer,
    n_categories: int,
    n_continuous: int,
    lambda_info: float = 1.0,
    lambda_continuous: float | None = None,
    loss: str | losses.GANLoss = "non-saturating",
):
    """InfoGAN: min_{G,Q} max_D V(D, G) − λ L_I(G, Q), Q sharing D's body.

    G's input is [z, c] (:func:`join_codes`, noise size ``G.latent_dim`` − K −
    n_continuous); D returns (realness logits, Q's output) as
    :class:`gantutor.models.info.InfoGANDiscriminator`. The information loss
    λ·CE(Q's logits, c_cat) + λ_cont·NLL(c_cont) (:mod:`gantutor.losses.auxiliary`)
    is computed on fakes with their *sampled* codes, never real labels, and added
    to D's loss (it trains Q and the shared body) and to G's (Chen et al. 2016,
    §5). ``lambda_continuous`` defaults to ``lambda_info``. Returns ``{"D", "G",
    "info", "bound"}``: totals, G's unweighted information loss and the bound
    L_I = log K − CE in nats (0 without a categorical code).
    """
    check_codes(n_categories, n_continuous)
    lambda_cont = lambda_info if lambda_continuous is None else lambda_continuous
    if not (lambda_info >= 0 and lambda_cont >= 0):
        raise ValueError(
            f"lambda_info and lambda_continuous must be non-negative, got "
            f"{lambda_info} and {lambda_cont}"
        )
    noise_dim = G.latent_dim - n_categories - n_continuous
    if noise_dim < 1:
        raise ValueError(
            f"G.latent_dim={G.latent_dim} must hold the noise and the codes: build G "
            f"with latent_dim = noise + n_categories ({n_categories}) + "
            f"n_continuous ({n_continuous})"
        )
    loss = losses.get(loss)

    def info_terms(q, c_cat: Tensor, c_cont: Tensor) -> tuple[Tensor, Tensor]:
        zero = c_cont.new_zeros(())
        ce = categorical_info(q.logits, c_cat) if n_categories else zero
        nll = gaussian_info(q.mean, c_cont, q.log_std) if n_continuous else zero
        return ce, nll

    def step(batch: Batch) -> dict[str, Tensor]:
        x_real = batch[0] if isinstance(batch, (tuple, list)) else batch  # (B, ...)
        B, device = len(x_real), x_real.device
        c_cat, c_cont = sample_codes(B, n_categories, n_continuous, device)
        z = torch.randn(B, noise_dim, device=device)
        with torch.no_grad():
            x_fake = G(join_codes(z, c_cat, c_cont, n_categories))
        (d_real, _), (d_fake, q) = D(x_real), D(x_fake)
        ce, nll = info_terms(q, c_cat, c_cont)
        loss_D = loss.d(d_real, d_fake) + lambda_info * ce + lambda_cont * nll
        opt_D.zero_grad(set_to_none=True)
        loss_D.backward()
        opt_D.step()
        c_cat, c_cont = sample_codes(B, n_categories, n_continuous, device)
        z = torch.randn(B, noise_dim, device=device)
        with frozen(D):
            d_fake, q = D(G(join_codes(z, c_cat, c_cont, n_categories)))
            ce, nll = info_terms(q, c_cat, c_cont)
            loss_G = loss.g(d_fake) + lambda_info * ce + lambda_cont * nll
        opt_G.zero_grad(set_to_none=True)
        loss_G.backward()
        opt_G.step()
        bound = math.log(n_categories) - ce if n_categories else torch.zeros_like(ce)
        return {
            "D": loss_D.detach(),
            "G": loss_G.detach(),
            "info": (ce + nll).detach(),
            "bound": bound.detach(),
        }

    step.graph_safe = True
    return step
