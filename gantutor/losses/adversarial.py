"""The adversarial losses: GAN (minimax, non-saturating), LSGAN, WGAN, hinge.

**Convention.** A discriminator returns *realness logits*: ``d_real = D(x_real)``
and ``d_fake = D(G(z))`` are real numbers, higher meaning "more real", and
``sigmoid(d)`` is the probability D gives to "real". Every loss here is a
quantity to *minimise*: ``xxx_d(d_real, d_fake)`` for the discriminator and
``xxx_g(d_fake)`` for the generator. Logits keep the losses exact where the
sigmoid saturates (``log sigmoid(d) = -softplus(-d)``).

The game of Goodfellow et al. (2014, arXiv:1406.2661) is

    min_G max_D  V(D, G) = E_x[log D(x)] + E_z[log(1 - D(G(z)))]

explained in the chapter *GAN*.

The least-squares losses of Mao et al. (2017, arXiv:1611.04076), chapter *LSGAN*,
read D's raw output ``d`` as a score regressed onto targets: ``b`` for real
samples, ``a`` for fakes, ``c`` the value G wants D to give its fakes. With
``b > a`` higher still means "more real", so the convention holds; no sigmoid is
applied.

The Wasserstein losses of Arjovsky et al. (2017, arXiv:1701.07875), chapter
*WGAN*, read D's output as a critic's score f(x): no sigmoid, no probability.
The critic maximises E[f(x_real)] − E[f(x_fake)], an estimate of the
Wasserstein-1 distance when f is 1-Lipschitz (see :mod:`gantutor.penalties`).
Higher still means "more real".

The hinge losses of Lim & Ye (2017, arXiv:1705.02894), used by Miyato et al.
(2018, arXiv:1802.05957) and SAGAN (Zhang et al. 2018, arXiv:1805.08318),
chapter *SAGAN*, also read D's output as a score: D is only pushed until real
samples score at least +1 and fakes at most −1.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor


def as_logits(d: Tensor, name: str) -> Tensor:
    """``d`` as one realness logit per sample, shape (B,); (B, 1) is squeezed.

    Raises a ``ValueError`` naming ``name`` for any other shape.
    """
    if d.dim() == 2 and d.shape[1] == 1:
        d = d.squeeze(1)
    if d.dim() != 1:
        raise ValueError(
            f"{name} must hold one realness logit per sample, shape (B,) or (B, 1); "
            f"got {tuple(d.shape)}"
        )
    return d


def gan_value(d_real: Tensor, d_fake: Tensor) -> Tensor:
    """V(D, G) = E[log σ(d_real)] + E[log(1 − σ(d_fake))]; −log 4 at the optimum."""
    d_real, d_fake = as_logits(d_real, "d_real"), as_logits(d_fake, "d_fake")
    return -F.softplus(-d_real).mean() - F.softplus(d_fake).mean()


def gan_d(d_real: Tensor, d_fake: Tensor) -> Tensor:
    """Discriminator loss −V(D, G): binary cross-entropy, real = 1, fake = 0."""
    return -gan_value(d_real, d_fake)


def minimax_g(d_fake: Tensor) -> Tensor:
    """Saturating generator loss E[log(1 − σ(d_fake))] (G minimises V directly).

    Its gradient with respect to the logit is −σ(d_fake), which vanishes when D
    confidently rejects the fakes (σ(d_fake) → 0): early in training.
    """
    return -F.softplus(as_logits(d_fake, "d_fake")).mean()


def nonsaturating_g(d_fake: Tensor) -> Tensor:
    """Non-saturating generator loss −E[log σ(d_fake)] (Goodfellow et al. 2014, §3).

    Same fixed point as the minimax loss, but the gradient with respect to the
    logit is −(1 − σ(d_fake)), which tends to −1 when D rejects the fakes.
    """
    return F.softplus(-as_logits(d_fake, "d_fake")).mean()


def lsgan_d(d_real: Tensor, d_fake: Tensor, a: float = 0.0, b: float = 1.0) -> Tensor:
    """Least-squares discriminator loss ½ E[(d_real − b)²] + ½ E[(d_fake − a)²].

    D regresses real samples onto ``b`` and fakes onto ``a`` (Mao et al. 2017).
    For a fixed G the minimiser is D*(x) = (b p_data + a p_g) / (p_data + p_g).
    """
    if not b > a:
        raise ValueError(
            f"the real target b must exceed the fake target a (higher = real); "
            f"got a={a}, b={b}"
        )
    d_real, d_fake = as_logits(d_real, "d_real"), as_logits(d_fake, "d_fake")
    return 0.5 * (d_real - b).square().mean() + 0.5 * (d_fake - a).square().mean()


def lsgan_g(d_fake: Tensor, c: float = 1.0) -> Tensor:
    """Least-squares generator loss ½ E[(d_fake − c)²] (Mao et al. 2017).

    Its gradient with respect to D's output is d_fake − c: it grows with the
    distance from the target instead of saturating as the sigmoid does.
    """
    return 0.5 * (as_logits(d_fake, "d_fake") - c).square().mean()


def wasserstein_d(d_real: Tensor, d_fake: Tensor) -> Tensor:
    """Critic loss E[f(x_fake)] − E[f(x_real)] (Arjovsky et al. 2017).

    Its negative is the critic's estimate of W1(p_data, p_G), valid only while
    f is kept 1-Lipschitz (clipping or a gradient penalty).
    """
    d_real, d_fake = as_logits(d_real, "d_real"), as_logits(d_fake, "d_fake")
    return d_fake.mean() - d_real.mean()


def wasserstein_g(d_fake: Tensor) -> Tensor:
    """Generator loss −E[f(x_fake)]: G moves its samples up the critic's slope."""
    return -as_logits(d_fake, "d_fake").mean()


def hinge_d(d_real: Tensor, d_fake: Tensor) -> Tensor:
    """Hinge discriminator loss E[relu(1 − d_real)] + E[relu(1 + d_fake)].

    Lim & Ye (2017, arXiv:1705.02894). A sample already on the right side of
    its margin (d_real ≥ 1, d_fake ≤ −1) adds nothing and sends no gradient;
    inside the margin the gradient with respect to ``d`` is −1/B (real) or
    +1/B (fake).
    """
    d_real, d_fake = as_logits(d_real, "d_real"), as_logits(d_fake, "d_fake")
    return torch.relu(1.0 - d_real).mean() + torch.relu(1.0 + d_fake).mean()


def hinge_g(d_fake: Tensor) -> Tensor:
    """Hinge generator loss −E[d_fake] (Lim & Ye 2017; SAGAN, Zhang et al. 2018).

    G has no margin: it raises D's score of its fakes as the Wasserstein
    generator does.
    """
    return -as_logits(d_fake, "d_fake").mean()


# The two a-b-c codings of Mao et al. 2017: 0-1-1 (G wants its fakes taken for
# real) and -1/1/0 (b - c = 1, b - a = 2: G minimises a Pearson χ² divergence).
LSGAN_CODES = {"lsgan": (0.0, 1.0, 1.0), "lsgan-pearson": (-1.0, 1.0, 0.0)}
