"""InfoGAN's discriminator with a Q head, and IcGAN's encoders.

- :class:`InfoGANDiscriminator`: x -> (realness logits (B,), :class:`QOutput`), Q
  sharing D's body (Chen et al. 2016, arXiv:1606.03657, chapter *InfoGAN*). Q
  returns the *logits* of the categorical code and the means (and, with
  ``learn_std=True``, the log standard deviations) of the continuous codes.
- :class:`Encoder`: IcGAN's two encoders, E_z: x -> z and E_y: x -> label logits
  (Perarnau et al. 2016, arXiv:1611.06355, chapter *IcGAN*), separate networks
  (the paper's best variant, "IND").

Bodies as in :mod:`gantutor.models.conditional`: ``"mlp"`` or ``"dcgan"``.
"""

from __future__ import annotations

from typing import NamedTuple

from torch import Tensor, nn

from gantutor.models.conditional import feature_body
from gantutor.models.layers import as_shape, check_input, positive


def check_codes(n_categories: int, n_continuous: int) -> None:
    """Raise a ``ValueError`` unless the code sizes make a latent code.

    ``n_categories``: values of the one categorical code (0 for none, else ≥ 2);
    ``n_continuous``: number of continuous codes (≥ 0); at least one code.
    """
    for name, value in [("n_categories", n_categories), ("n_continuous", n_continuous)]:
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    if n_categories == 1:
        raise ValueError("n_categories=1 is a code with one value: use 0 or ≥ 2")
    if n_categories == 0 and n_continuous == 0:
        raise ValueError("InfoGAN needs a code: n_categories ≥ 2 or n_continuous ≥ 1")


class QOutput(NamedTuple):
    """Q(c | x): categorical logits (B, n_categories), Gaussian means and log-stds
    (B, n_continuous); ``log_std`` is None when σ is fixed."""

    logits: Tensor
    mean: Tensor
    log_std: Tensor | None


class QHead(nn.Module):
    """Features (B, dim) -> :class:`QOutput`: one hidden layer, then linear heads."""

    def __init__(
        self,
        dim: int,
        n_categories: int,
        n_continuous: int,
        hidden: int = 128,
        learn_std: bool = False,
    ):
        super().__init__()
        positive("dim", dim)
        positive("q_hidden", hidden)
        check_codes(n_categories, n_continuous)
        self.n_categories, self.n_continuous = n_categories, n_continuous
        self.learn_std = learn_std
        n_out = n_categories + n_continuous * (2 if learn_std else 1)
        self.net = nn.Sequential(
            nn.Linear(dim, hidden), nn.LeakyReLU(0.2), nn.Linear(hidden, n_out)
        )

    def forward(self, h: Tensor) -> QOutput:
        out = self.net(h)  # (B, n_out)
        k, m = self.n_categories, self.n_continuous
        log_std = out[:, k + m :] if self.learn_std else None  # (B, m)
        return QOutput(out[:, :k], out[:, k : k + m], log_std)


class InfoGANDiscriminator(nn.Module):
    """x -> (realness logits (B,), Q's :class:`QOutput`), one body φ for both.

    The Q head costs one extra layer: in the paper Q and D share all
    convolutions (Chen et al. 2016, §5). Trained by
    :func:`gantutor.steps.info.infogan_step` on *sampled* codes only.
    """

    def __init__(
        self,
        in_shape: int | tuple[int, ...],
        n_categories: int = 10,
        n_continuous: int = 2,
        body: str = "mlp",
        hidden: int = 256,
        depth: int = 2,
        width: int = 64,
        norm: str = "batch",
        q_hidden: int = 128,
        learn_std: bool = False,
    ):
        super().__init__()
        self.in_shape = as_shape(in_shape)
        self.phi, dim = feature_body(self.in_shape, body, hidden, depth, width, norm)
        self.adv = nn.Linear(dim, 1)
        self.q = QHead(dim, n_categories, n_continuous, q_hidden, learn_std)
        self.n_categories, self.n_continuous = n_categories, n_continuous

    def forward(self, x: Tensor) -> tuple[Tensor, QOutput]:
        check_input(x, self.in_shape, type(self).__name__)
        h = self.phi(x)  # (B, dim)
        return self.adv(h).squeeze(1), self.q(h)  # (B,), QOutput


class Encoder(nn.Module):
    """IcGAN's encoders: x -> (z (B, latent_dim), class logits (B, n_classes)).

    ``E_z`` and ``E_y`` are separate networks, trained apart: E_z on generated
    pairs (G(z, y), z), E_y on real labelled images (Perarnau et al. 2016, §3.2).
    Call them directly to train one; ``forward`` runs both.
    """

    def __init__(
        self,
        in_shape: int | tuple[int, ...],
        latent_dim: int,
        n_classes: int,
        body: str = "mlp",
        hidden: int = 256,
        depth: int = 2,
        width: int = 64,
        norm: str = "batch",
    ):
        super().__init__()
        positive("latent_dim", latent_dim)
        positive("n_classes", n_classes)
        self.in_shape = as_shape(in_shape)
        self.latent_dim, self.n_classes = latent_dim, n_classes
        args = (self.in_shape, body, hidden, depth, width, norm)
        phi_z, dim = feature_body(*args)
        phi_y, _ = feature_body(*args)
        self.E_z = nn.Sequential(phi_z, nn.Linear(dim, latent_dim))
        self.E_y = nn.Sequential(phi_y, nn.Linear(dim, n_classes))

    def forward(self, x: Tensor) -> tuple[Tensor, Tensor]:
        check_input(x, self.in_shape, type(self).__name__)
        return self.E_z(x), self.E_y(x)  # (B, latent_dim), (B, n_classes)
